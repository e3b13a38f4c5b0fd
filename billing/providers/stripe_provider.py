"""Stripe Checkout through Stripe's own library (tests point it at a local fake, localstripe).

Two modes. Direct (settings.STRIPE_CONNECT off, billing 1/2's): every school's money goes to the
platform's account. Connect (STRIPE_CONNECT on): the platform's one key acts on behalf of each
school's connected account (the `Stripe-Account` header), so Checkout Sessions, their payments and
refunds live in the school's account, and the platform may take an application fee.
"""

import dataclasses

import stripe
from django.conf import settings
from django.db import connection

from billing.providers.base import (
    Checkout,
    CheckoutState,
    InvalidWebhook,
    ProviderError,
    WebhookEventData,
    payment_reference,
    storable,
)
from billing.services import _school

_SESSION_EVENTS = {
    "checkout.session.completed",
    "checkout.session.async_payment_succeeded",
    "checkout.session.async_payment_failed",
    "checkout.session.expired",
}


def _client() -> stripe.StripeClient:
    # Services are reached through `.v1` (stripe >= 12.5); the bare accessors are deprecated.
    return stripe.StripeClient(
        settings.STRIPE_SECRET_KEY,
        base_addresses={"api": settings.STRIPE_API_BASE},
        max_network_retries=2,
    )


def _state_of(session) -> CheckoutState:
    """What a Checkout Session says; InvalidWebhook when it is not shaped like one."""
    data = session if isinstance(session, dict) else session.to_dict()
    if not isinstance(data, dict) or not isinstance(data.get("id"), str) or not data["id"]:
        raise InvalidWebhook("not a checkout session")
    metadata = data.get("metadata") or {}
    error = data.get("last_payment_error") or {}
    if not isinstance(metadata, dict) or not isinstance(error, dict):
        raise InvalidWebhook("not a checkout session")
    payment_status = data.get("payment_status")
    if payment_status == "paid":
        state = "paid"
    elif data.get("status") == "expired":
        state = "cancelled"
    elif error or payment_status == "failed":
        state = "failed"
    else:
        state = "pending"
    amount = data.get("amount_total")
    return CheckoutState(
        session_id=data["id"],
        status=state,
        payment_id=_text(data.get("payment_intent")),
        failure_message=_text(error.get("message")),
        reference=_text(data.get("client_reference_id")) or _text(metadata.get("payment_id")),
        schema=_text(metadata.get("schema")),
        amount=amount if isinstance(amount, int) and not isinstance(amount, bool) else None,
        currency=_text(data.get("currency")).upper(),
    )


def _text(value) -> str:
    return value if isinstance(value, str) else ""


def _event_data(data: dict) -> WebhookEventData:
    """A signed event's parts; InvalidWebhook when it lacks what every Stripe event has."""
    if not storable(data):  # signed, but no event Stripe sends: it could not even be recorded
        raise InvalidWebhook("not a Stripe event")
    event_id, event_type = data.get("id"), data.get("type")
    inner = data.get("data")
    if not (isinstance(event_id, str) and event_id and isinstance(event_type, str) and event_type
            and isinstance(inner, dict) and isinstance(inner.get("object"), dict)):
        raise InvalidWebhook("not a Stripe event")
    state = None
    if event_type in _SESSION_EVENTS:
        state = _state_of(inner["object"])
        if event_type == "checkout.session.async_payment_failed":
            state = dataclasses.replace(state, status="failed")
    return WebhookEventData(event_id=event_id, event_type=event_type, state=state, payload=data,
                            account=_text(data.get("account")))


def _on(account: str) -> dict:
    """Request options acting on a connected account (nothing in direct mode)."""
    return {"stripe_account": account} if account else {}


def application_fee(amount: int, school) -> int:
    """The platform's share in minor units, rounded down (a school is never charged a part-kopeck)."""
    bps = school.platform_fee_bps if school.platform_fee_bps is not None else settings.STRIPE_APPLICATION_FEE_BPS
    return amount * bps // 10_000


class StripeProvider:
    name = "stripe"

    def create_checkout(self, *, payment, success_url: str, cancel_url: str, customer_email: str) -> Checkout:
        schema = connection.schema_name
        extra = {}
        if payment.provider_account:
            fee = application_fee(payment.amount, _school())
            if fee:
                extra["payment_intent_data"] = {"application_fee_amount": fee}
        try:
            session = _client().v1.checkout.sessions.create(
                params={
                    "mode": "payment",
                    "line_items": [{
                        "quantity": 1,
                        "price_data": {
                            "currency": payment.currency.lower(),
                            "unit_amount": payment.amount,
                            "product_data": {"name": payment.product.name},
                        },
                    }],
                    # Stripe puts the session's id where the placeholder is.
                    "success_url": success_url + "?session_id={CHECKOUT_SESSION_ID}",
                    "cancel_url": cancel_url,
                    # The school and the number: every school numbers its payments from 1.
                    "client_reference_id": payment_reference(schema, payment.pk),
                    "customer_email": customer_email,
                    # The schema travels with the money: webhooks find their school by it.
                    "metadata": {"schema": schema, "payment_id": str(payment.pk)},
                    **extra,
                },
                # A double click creates one session at Stripe.
                options={"idempotency_key": f"{schema}.payment.{payment.pk}", **_on(payment.provider_account)},
            )
        except stripe.StripeError as error:
            raise ProviderError(str(error)) from error
        return Checkout(session_id=session.id, url=session.url)

    def checkout_state(self, session_id: str, *, account: str = "") -> CheckoutState:
        try:
            return _state_of(_client().v1.checkout.sessions.retrieve(session_id, options=_on(account)))
        except stripe.StripeError as error:
            raise ProviderError(str(error)) from error

    def parse_webhook(self, *, payload: bytes, signature: str) -> WebhookEventData:
        if not signature:
            raise InvalidWebhook("unsigned")
        # Stripe signs a Connect endpoint (connected accounts' events) with a secret of its own.
        secrets = [secret for secret in (settings.STRIPE_WEBHOOK_SECRET, settings.STRIPE_CONNECT_WEBHOOK_SECRET)
                   if secret]
        for secret in secrets:
            try:
                event = stripe.Webhook.construct_event(payload, signature, secret)
                break
            except stripe.SignatureVerificationError as error:
                failure = error
            except (ValueError, TypeError, AttributeError, KeyError, RecursionError) as error:
                # Signed, but not JSON or not an object: not an event Stripe sends.
                raise InvalidWebhook("not a Stripe event") from error
        else:
            raise InvalidWebhook(str(failure)) from failure
        return _event_data(event.to_dict())

    def refund(self, *, payment, amount: int, idempotency_key: str) -> str:
        params = {"payment_intent": payment.provider_payment_id, "amount": amount}
        if payment.provider_account:
            params["refund_application_fee"] = True  # the platform gives its share back too
        try:
            refund = _client().v1.refunds.create(
                params=params, options={"idempotency_key": idempotency_key, **_on(payment.provider_account)}
            )
        except stripe.StripeError as error:
            raise ProviderError(getattr(error, "user_message", None) or str(error)) from error
        return refund.id


# Connect: a school's own account ---------------------------------------------------------------
def connect_account_create(*, email: str, schema: str, country: str = "") -> str:
    params = {"type": "express", "email": email, "metadata": {"schema": schema},
              "capabilities": {"card_payments": {"requested": True}, "transfers": {"requested": True}}}
    if country:
        params["country"] = country
    try:
        return _client().v1.accounts.create(params=params, options={"idempotency_key": f"{schema}.account"}).id
    except stripe.StripeError as error:
        raise ProviderError(str(error)) from error


def connect_onboarding_link(*, account: str, refresh_url: str, return_url: str) -> str:
    try:
        link = _client().v1.account_links.create(
            params={"account": account, "refresh_url": refresh_url, "return_url": return_url,
                    "type": "account_onboarding"}
        )
    except stripe.StripeError as error:
        raise ProviderError(str(error)) from error
    return link.url


def connect_account_ready(account: str) -> bool:
    """Can the account take card payments yet (onboarding finished and approved)?"""
    try:
        return bool(_client().v1.accounts.retrieve(account).charges_enabled)
    except stripe.StripeError as error:
        raise ProviderError(str(error)) from error


def get_provider(name: str = "stripe"):
    from billing.providers import get_provider as registry

    return registry(name)
