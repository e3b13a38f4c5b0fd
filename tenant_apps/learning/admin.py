"""The school admin's pages for learning (school_admin_site only: these are one school's rows)."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from tenant_apps.accounts.admin_site import school_admin_site
from tenant_apps.learning.models import Enrollment, EnrollmentChange, Language, Level, TeacherProfile
from tenant_apps.learning.services import check_teacher_for_language, enrollment_create, enrollment_update


class LevelInline(admin.TabularInline):
    model = Level
    extra = 0
    fields = ["code", "name", "position"]
    ordering = ["position"]


@admin.register(Language, site=school_admin_site)
class LanguageAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "is_active", "ordering"]
    list_editable = ["is_active", "ordering"]
    list_filter = ["is_active"]
    search_fields = ["name", "code"]
    inlines = [LevelInline]


@admin.register(Level, site=school_admin_site)
class LevelAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "language", "position"]
    list_filter = ["language"]
    list_select_related = ["language"]
    search_fields = ["code", "name", "language__name"]


@admin.register(TeacherProfile, site=school_admin_site)
class TeacherProfileAdmin(admin.ModelAdmin):
    # Profiles have no history and no side effects, so the admin's own save is the write.
    list_display = ["user", "languages_taught", "is_native_speaker", "has_intro_video", "updated_at"]
    list_filter = ["languages", "is_native_speaker"]
    list_select_related = ["user"]
    search_fields = ["user__email", "user__full_name", "bio"]
    autocomplete_fields = ["user"]
    filter_horizontal = ["languages", "levels"]
    readonly_fields = ["updated_at"]
    # A link typed without a scheme is a web link; Django 6 makes https the default anyway.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("languages")

    @admin.display(description=_("languages"))
    def languages_taught(self, profile):
        return ", ".join(language.name for language in profile.languages.all())

    @admin.display(description=_("video"), boolean=True)
    def has_intro_video(self, profile):
        return bool(profile.intro_video or profile.intro_video_url)


class EnrollmentChangeInline(admin.TabularInline):
    model = EnrollmentChange
    extra = 0
    can_delete = False
    fields = ["changed_at", "changed_by", "field", "old_value", "new_value"]
    readonly_fields = fields
    ordering = ["changed_at", "pk"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("changed_by")

    # History is written by the service only.
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class EnrollmentAdminForm(forms.ModelForm):
    class Meta:
        model = Enrollment
        fields = ["student", "language", "teacher", "level", "goal", "is_active"]

    def clean(self):
        cleaned = super().clean()
        teacher = cleaned.get("teacher")
        # On change the language is read-only, so it is the instance's.
        language = cleaned.get("language") or (self.instance.language if self.instance.pk else None)
        if teacher is not None and language is not None and "teacher" in self.changed_data:
            try:
                check_teacher_for_language(teacher=teacher, language=language)
            except ValidationError as error:
                self.add_error(None, error)
        return cleaned

    def validate_unique(self):
        super().validate_unique()
        # Student and language are read-only on change, so Django skips the constraint that
        # names them; reactivating must still respect "one active enrollment per language".
        if self.instance.pk:
            try:
                self.instance.validate_constraints()
            except ValidationError as error:
                self.add_error(None, error)


@admin.register(Enrollment, site=school_admin_site)
class EnrollmentAdmin(admin.ModelAdmin):
    form = EnrollmentAdminForm
    list_display = ["student", "language", "teacher", "level", "goal", "is_active", "updated_at"]
    list_filter = ["is_active", "language", "level", "teacher"]
    list_select_related = ["student", "language", "teacher", "level"]
    search_fields = ["student__email", "student__full_name", "teacher__email", "teacher__full_name", "goal"]
    autocomplete_fields = ["student", "teacher"]
    inlines = [EnrollmentChangeInline]

    def get_readonly_fields(self, request, obj=None):
        # Another student or language is another enrollment, not a change of this one.
        if obj is not None:
            return ["student", "language", "created_by", "created_at", "updated_at"]
        return ["created_by", "created_at", "updated_at"]

    def save_model(self, request, obj, form, change):
        # Through the services, so that every change leaves its history row.
        if change:
            enrollment_update(
                enrollment=obj, by=request.user,
                teacher=obj.teacher, level=obj.level, goal=obj.goal, is_active=obj.is_active,
            )
            return
        created = enrollment_create(
            student=obj.student, language=obj.language, teacher=obj.teacher, level=obj.level,
            goal=obj.goal, by=request.user,
        )
        # The admin goes on with `obj` (its log entry, the redirect, the inlines).
        obj.pk = created.pk
        obj.created_by = created.created_by
        obj.created_at, obj.updated_at = created.created_at, created.updated_at
        obj._state.adding = False


@admin.register(EnrollmentChange, site=school_admin_site)
class EnrollmentChangeAdmin(admin.ModelAdmin):
    list_display = ["changed_at", "enrollment", "field", "old_value", "new_value", "changed_by"]
    list_filter = ["field", "changed_at"]
    list_select_related = ["enrollment__student", "enrollment__language", "changed_by"]
    search_fields = [
        "enrollment__student__email", "enrollment__student__full_name", "old_value", "new_value",
        "changed_by__email",
    ]
    date_hierarchy = "changed_at"

    # Append-only: written by the enrollment services, read here.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
