"""Billing's periodic job (beat fans it out to every live school)."""

from celery import shared_task

from billing.services import passes_record_expiry


@shared_task
def record_pass_expiry() -> int:
    """One "expired" row per ended pass, for the history; safe to run any number of times."""
    return passes_record_expiry()
