"""Celery, tenant-aware: a task runs in the schema of the school that sent it.

How the schema travels: `CeleryApp.send_task` (which `delay`/`apply_async` go through) stamps
the sender's `connection.schema_name` into the `_schema_name` header, and the worker switches
to that schema before the task body runs (and back afterwards). So:

- From a request, a service or another task, just queue the task (on commit); it runs in the
  current school's schema.
- From async code (consumers) never rely on the event-loop thread's connection: pass the
  schema explicitly, `task.apply_async(kwargs=..., headers={"_schema_name": schema})`.
- Anything sent from the public schema (beat, the platform) runs in the public schema.

Periodic work per school: beat runs in no school, so it sends one public-schema task,
`shared_apps.tenants.tasks.fan_out`, which queues the real task once in each live school's
schema (not the template, not suspended schools): see `beat_schedule` below, and add an
entry there for each new periodic task. Time-derived states are computed, not written by a
cron job; jobs only send reminders and the like, and each is idempotent (a run twice does
nothing more).
"""

import os

from celery.schedules import crontab
from tenant_schemas_celery.app import CeleryApp

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = CeleryApp("panda")
app.config_from_object("django.conf:settings", namespace="CELERY")
# Finds `tasks.py` in every installed app (shared_apps.tenants, tenant_apps.accounts, ...).
app.autodiscover_tasks()

FAN_OUT = "shared_apps.tenants.tasks.fan_out"

app.conf.beat_schedule = {
    "billing-record-pass-expiry": {
        "task": FAN_OUT,
        "schedule": crontab(minute=7),
        "kwargs": {"task_name": "billing.tasks.record_pass_expiry"},
        "options": {"expires": 50 * 60},
    },
    "notifications-send-due-reminders": {
        "task": FAN_OUT,
        "schedule": crontab(minute="*/5"),
        "kwargs": {"task_name": "tenant_apps.notifications.tasks.send_due_reminders"},
        # A fan-out that waited past the next one is dropped: the next one sends the same reminders.
        "options": {"expires": 4 * 60},
    },
}
