"""Stripe Checkout through Stripe's own library (tests point it at a local fake, localstripe)."""

import stripe
from django.conf import settings
from django.db import connection

from billing.providers.base import (
    Checkout,
    CheckoutState,
    InvalidWebhook,
    ProviderError,
    WebhookEventData,
)

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
    data = session if isinstance(session, dict) else session.to_dict()
    payment_status = data.get("payment_status")
    status = data.get("status")
    if payment_status == "paid":
        state = "paid"
    elif status == "expired":
        state = "cancelled"
    elif data.get("last_payment_error") or payment_status == "failed":
        state = "failed"
    else:
        state = "pending"
    error = data.get("last_payment_error") or {}
    return CheckoutState(
        session_id=data["id"],
        status=state,
        payment_id=data.get("payment_intent") or "",
        failure_message=(error.get("message") if isinstance(error, dict) else "") or "",
        reference=data.get("client_reference_id") or "",
    )


class StripeProvider:
    name = "stripe"

    def create_checkout(self, *, payment, success_url: str, cancel_url: str, customer_email: str) -> Checkout:
        schema = connection.schema_name
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
                    "success_url": success_url,
                    "cancel_url": cancel_url,
                    "client_reference_id": str(payment.pk),
                    "customer_email": customer_email,
                    # The schema travels with the money: webhooks find their school by it.
                    "metadata": {"schema": schema, "payment_id": str(payment.pk)},
                },
                # A double click creates one session at Stripe.
                options={"idempotency_key": f"{schema}.payment.{payment.pk}"},
            )
        except stripe.StripeError as error:
            raise ProviderError(str(error)) from error
        return Checkout(session_id=session.id, url=session.url)

    def checkout_state(self, session_id: str) -> CheckoutState:
        try:
            return _state_of(_client().v1.checkout.sessions.retrieve(session_id))
        except stripe.StripeError as error:
            raise ProviderError(str(error)) from error

    def parse_webhook(self, *, payload: bytes, signature: str) -> WebhookEventData:
        if not signature:
            raise InvalidWebhook("unsigned")
        try:
            event = stripe.Webhook.construct_event(payload, signature, settings.STRIPE_WEBHOOK_SECRET)
        except (ValueError, stripe.SignatureVerificationError) as error:
            raise InvalidWebhook(str(error)) from error
        data = event.to_dict()
        state = None
        if data["type"] in _SESSION_EVENTS:
            session = data["data"]["object"]
            state = _state_of(session)
            if data["type"] == "checkout.session.async_payment_failed":
                state = CheckoutState(session_id=state.session_id, status="failed", payment_id=state.payment_id,
                                      failure_message=state.failure_message, reference=state.reference)
        return WebhookEventData(event_id=data["id"], event_type=data["type"], state=state, payload=data)

    def refund(self, *, payment) -> str:
        try:
            refund = _client().v1.refunds.create(params={"payment_intent": payment.provider_payment_id})
        except stripe.StripeError as error:
            raise ProviderError(str(error)) from error
        return refund.id


def get_provider(name: str = "stripe"):
    if name != "stripe":
        raise ProviderError(f"Unknown payment provider {name!r}")
    return StripeProvider()
