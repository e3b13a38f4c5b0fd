"""Celery, tenant-aware: a task runs in the schema of the school that sent it."""

import os

from tenant_schemas_celery.app import CeleryApp

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = CeleryApp("panda")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
