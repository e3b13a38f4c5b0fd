"""Delivery tasks: they run in the schema of the school that queued them (tenant-schemas-celery)."""

import smtplib

from celery import shared_task

from tenant_apps.notifications.reminders import reminders_send_due
from tenant_apps.notifications.services import notification_deliver
from tenant_apps.notifications.telegram import TelegramError


@shared_task(
    autoretry_for=(OSError, smtplib.SMTPException, TelegramError),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=8,
)
def deliver_notification(notification_id: int, channel: str) -> str:
    """Send one notification through one channel; a retry after success sends nothing."""
    return notification_deliver(notification_id=notification_id, channel=channel).status


@shared_task
def send_due_reminders() -> dict[str, int]:
    """Send the school's due reminders, each once (beat fans this out to every live school)."""
    return reminders_send_due()
