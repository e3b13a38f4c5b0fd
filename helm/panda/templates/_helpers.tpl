{{/*
Chart name, truncated to the 63 characters a label allows.
*/}}
{{- define "panda.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Fully qualified app name: the release name, plus the chart name unless the release name has it.
Component names append to it (-web, -realtime...), so keep it well under 63 characters.
*/}}
{{- define "panda.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "panda.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Labels. The component variants take (dict "ctx" $ "component" "web").
*/}}
{{- define "panda.selectorLabels" -}}
app.kubernetes.io/name: {{ include "panda.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "panda.labels" -}}
helm.sh/chart: {{ include "panda.chart" . }}
{{ include "panda.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: panda
{{- end }}

{{- define "panda.componentSelectorLabels" -}}
{{ include "panda.selectorLabels" .ctx }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "panda.componentLabels" -}}
{{ include "panda.labels" .ctx }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{/*
The app image (every component but coturn).
*/}}
{{- define "panda.image" -}}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion | toString) }}
{{- end }}

{{/*
Names of the env ConfigMap and Secret.
*/}}
{{- define "panda.configMapName" -}}
{{- printf "%s-config" (include "panda.fullname" .) }}
{{- end }}

{{- define "panda.secretName" -}}
{{- if .Values.secrets.existingSecret }}
{{- .Values.secrets.existingSecret }}
{{- else }}
{{- printf "%s-secrets" (include "panda.fullname" .) }}
{{- end }}
{{- end }}

{{- define "panda.mediaClaimName" -}}
{{- .Values.media.persistence.existingClaim | default (printf "%s-media" (include "panda.fullname" .)) }}
{{- end }}

{{/*
The ConfigMap's data: non-secret environment. Shared by the release's ConfigMap and the migrate hook's.
*/}}
{{- define "panda.configData" -}}
DJANGO_SETTINGS_MODULE: {{ .Values.settingsModule | quote }}
PLATFORM_DOMAIN: {{ required "platformDomain is required (the platform's bare domain)" .Values.platformDomain | quote }}
SCHOOL_URL_TEMPLATE: {{ .Values.schoolUrlTemplate | quote }}
MEDIA_ROOT: "/data/media"
{{- range $key, $value := .Values.env }}
{{ $key }}: {{ $value | toString | quote }}
{{- end }}
{{- end }}

{{/*
The Secret's data (only when the chart creates the Secret). Shared by the release's Secret and the
migrate hook's.
*/}}
{{- define "panda.secretData" -}}
SECRET_KEY: {{ required "secrets.secretKey is required (or set secrets.existingSecret)" .Values.secrets.secretKey | b64enc | quote }}
DATABASE_URL: {{ required "secrets.databaseUrl is required (or set secrets.existingSecret)" .Values.secrets.databaseUrl | b64enc | quote }}
REDIS_URL: {{ required "secrets.redisUrl is required (or set secrets.existingSecret)" .Values.secrets.redisUrl | b64enc | quote }}
{{- if or .Values.coturn.enabled .Values.secrets.turnSecret }}
TURN_SECRET: {{ required "secrets.turnSecret is required when coturn.enabled (or set secrets.existingSecret)" .Values.secrets.turnSecret | b64enc | quote }}
{{- end }}
{{- range $key, $value := .Values.secrets.extra }}
{{ $key }}: {{ $value | toString | b64enc | quote }}
{{- end }}
{{- end }}

{{/*
Pod template annotations: restart the pods when the env changes, plus the user's.
*/}}
{{- define "panda.podAnnotations" -}}
checksum/config: {{ include (print .Template.BasePath "/configmap.yaml") . | sha256sum }}
checksum/secret: {{ include (print .Template.BasePath "/secret.yaml") . | sha256sum }}
{{- with .Values.podAnnotations }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/*
Pod-level fields shared by the app's pods: pull secrets, service account, security context.
*/}}
{{- define "panda.podSpecCommon" -}}
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.serviceAccountName }}
serviceAccountName: {{ . }}
{{- end }}
automountServiceAccountToken: false
{{- with .Values.podSecurityContext }}
securityContext:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end }}

{{/*
Scheduling fields of one component: pass that component's values (.Values.web, ...).
*/}}
{{- define "panda.scheduling" -}}
{{- with .nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end }}

{{/*
Container fields shared by the app's containers: image, env, security context.
*/}}
{{- define "panda.containerCommon" -}}
image: {{ include "panda.image" . }}
imagePullPolicy: {{ .Values.image.pullPolicy }}
envFrom:
  - configMapRef:
      name: {{ include "panda.configMapName" . }}
  - secretRef:
      name: {{ include "panda.secretName" . }}
{{- with .Values.extraEnv }}
env:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.securityContext }}
securityContext:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end }}

{{/*
Volumes: a writable /tmp (the root filesystem is read-only) and, when .media is true, the uploads.
Call with (dict "ctx" $ "media" true).
*/}}
{{- define "panda.volumes" -}}
- name: tmp
  emptyDir: {}
{{- if .media }}
- name: media
  {{- if .ctx.Values.media.persistence.enabled }}
  persistentVolumeClaim:
    claimName: {{ include "panda.mediaClaimName" .ctx }}
  {{- else }}
  emptyDir: {}
  {{- end }}
{{- end }}
{{- end }}

{{- define "panda.volumeMounts" -}}
- name: tmp
  mountPath: /tmp
{{- if .media }}
- name: media
  mountPath: /data/media
{{- end }}
{{- end }}
