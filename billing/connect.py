"""The platform side of payments: a school connects its Stripe account; one webhook endpoint for all.

The platform holds one Stripe key. A school's manager connects the school's own (Express) account
from *Payment account*: the account is created once and its id stored on `School.payment_account_id`,
then Stripe's hosted onboarding runs; `payment_account_ready` follows Stripe's `charges_enabled`
(checked on return, and kept current by `account.updated` events).

The platform's webhook endpoints live on the platform's domain (public schema). Each event is routed
to its school, then stored and handled in that school's schema, exactly as the school's own endpoint
would: a Connect event by its `account` field (the school whose `payment_account_id` matches; an
account nobody has is not ours), a direct-mode event by the schema in the session's signed metadata,
a YooKassa notification by the schema in the metadata of the payment as the API returns it.
"""

import logging

from django.db import transaction
from django_tenants.utils import schema_context

from billing.payments import webhook_apply
from billing.providers.base import WebhookEventData
from billing.providers.stripe_provider import (
    StripeProvider,
    connect_account_create,
    connect_account_ready,
    connect_onboarding_link,
)
from billing.providers.yookassa_provider import YooKassaProvider
from shared_apps.tenants.models import School

logger = logging.getLogger(__name__)


def _schools():
    return School.objects.exclude(schema_name="public").exclude(is_template=True)


def connect_onboarding_start(*, school: School, email: str, refresh_url: str, return_url: str) -> str:
    """The URL of Stripe's onboarding for the school's account (created on the first call)."""
    if not school.payment_account_id:
        account = connect_account_create(email=email, schema=school.schema_name)
        with transaction.atomic():
            locked = School.objects.select_for_update().get(pk=school.pk)
            if not locked.payment_account_id:  # two tabs: the first account stays the school's
                locked.payment_account_id = account
                locked.payment_account_ready = False
                locked.save(update_fields=["payment_account_id", "payment_account_ready"])
        school.refresh_from_db(fields=["payment_account_id", "payment_account_ready"])
    return connect_onboarding_link(account=school.payment_account_id, refresh_url=refresh_url, return_url=return_url)


def connect_status_refresh(*, school: School) -> bool:
    """Ask Stripe whether the account can take payments now; remember the answer."""
    if not school.payment_account_id:
        return False
    ready = connect_account_ready(school.payment_account_id)
    if ready != school.payment_account_ready:
        school.payment_account_ready = ready
        school.save(update_fields=["payment_account_ready"])
    return ready


# Routing ------------------------------------------------------------------------------------------
def school_for_stripe_event(event: WebhookEventData) -> School | None:
    """A Connect event's school by its account; a direct-mode checkout's by the schema it carries."""
    if event.account:
        return _schools().filter(payment_account_id=event.account).first()
    schema = event.state.schema if event.state is not None else ""
    return _schools().filter(schema_name=schema).first() if schema else None


def stripe_event_route(*, payload: bytes, signature: str) -> str:
    """Verify (InvalidWebhook otherwise), find the school, handle the event in its schema."""
    event = StripeProvider().parse_webhook(payload=payload, signature=signature)
    school = school_for_stripe_event(event)
    if school is None:
        logger.info("Stripe event %s (%s) belongs to no school: not applied", event.event_id, event.event_type)
        return "not ours"
    if event.event_type == "account.updated" and event.account:
        ready = bool(event.payload["data"]["object"].get("charges_enabled"))
        School.objects.filter(pk=school.pk).update(payment_account_ready=ready)
        from shared_apps.tenants.domain_cache import forget_school

        forget_school(school)  # requests hold a cached School: let them read the new state
    with schema_context(school.schema_name):
        return webhook_apply(provider_name="stripe", event=event)


def yookassa_notification_route(*, payload: bytes) -> str:
    """Re-fetch the payment from the API (InvalidWebhook if it cannot be), then act on what the API says."""
    event = YooKassaProvider().parse_webhook(payload=payload)
    schema = event.state.schema
    school = _schools().filter(schema_name=schema).first() if schema else None
    if school is None:
        logger.info("YooKassa payment %s belongs to no school: not applied", event.state.session_id)
        return "not ours"
    with schema_context(school.schema_name):
        return webhook_apply(provider_name="yookassa", event=event)
