"""Accounts' tasks: they run in the schema of whoever queued them (tenant-schemas-celery)."""

import smtplib

from celery import shared_task
from django.core.mail import send_mail
from django.db import connection

from tenant_apps.accounts.models import User


@shared_task
def school_user_summary() -> dict:
    """Which schema the task ran in and whose users it sees there (a probe for tenancy)."""
    return {
        "schema": connection.schema_name,
        "emails": sorted(User.objects.values_list("email", flat=True)),
    }


@shared_task(
    # OSError covers refused connections and timeouts before SMTP even starts.
    autoretry_for=(OSError, smtplib.SMTPException),
    retry_backoff=True,
    max_retries=5,
)
def send_email_task(subject: str, body: str, to: list[str]) -> int:
    """Send one plain-text email through Django's mail backend; retried while the server is away.

    Queue it with `transaction.on_commit(lambda: send_email_task.delay(...))`.
    """
    return send_mail(subject, body, None, list(to))
