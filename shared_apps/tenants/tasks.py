"""Public-schema tasks: periodic work fanned out to every live school.

Beat sends `fan_out` from the public schema (see config/celery.py for a schedule entry);
it queues the named task once per school, each copy carrying that school's schema in its
header, so the worker runs it inside the school.
"""

from celery import current_app, shared_task
from django.db import connection
from django_tenants.utils import get_public_schema_name, schema_context

from shared_apps.tenants.models import School


def live_school_schemas() -> list[str]:
    """Schemas of the schools that are served: not the public schema, the template or suspended ones."""
    return list(
        School.objects.exclude(schema_name=get_public_schema_name())
        .filter(is_template=False, is_suspended=False)
        .order_by("schema_name")
        .values_list("schema_name", flat=True)
    )


def fan_out_to_schools(task_name: str, /, *, queue: str | None = None, **kwargs) -> list[dict]:
    """Queue `task_name(**kwargs)` once in each live school's schema.

    The task is sent by name, so this (public) app imports nothing from the apps whose
    tasks it runs. `queue` overrides the task's usual routing (tests use their own queue).
    Returns `[{"schema": ..., "task_id": ...}, ...]`, one per school.
    """
    options = {"queue": queue} if queue else {}
    sent = []
    for schema in live_school_schemas():
        # tenant-schemas-celery stamps the connection's current schema into the header;
        # switching the schema runs no query (the School rows were read above).
        with schema_context(schema):
            result = current_app.send_task(task_name, kwargs=kwargs, **options)
        sent.append({"schema": schema, "task_id": result.id})
    return sent


@shared_task
def fan_out(task_name: str, kwargs: dict | None = None, queue: str | None = None) -> list[dict]:
    """The periodic-task entry point: beat sends this (in the public schema) for each job."""
    if connection.schema_name != get_public_schema_name():
        # Sent from inside a school by mistake: it would still reach every school.
        raise RuntimeError(f"fan_out must be sent from the public schema, not {connection.schema_name!r}.")
    return fan_out_to_schools(task_name, queue=queue, **(kwargs or {}))
