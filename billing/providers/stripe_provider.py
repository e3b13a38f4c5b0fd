"""Stripe Checkout through Stripe's own library (tests point it at a local fake, localstripe).

Two modes. Direct (settings.STRIPE_CONNECT off, billing 1/2's): every school's money goes to the
platform's account. Connect (STRIPE_CONNECT on): the platform's one key acts on behalf of each
school's connected account (the `Stripe-Account` header), so Checkout Sessions, their payments and
refunds live in the school's account, and the platform may take an application fee.
"""

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
                    "client_reference_id": str(payment.pk),
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
            except (ValueError, stripe.SignatureVerificationError) as error:
                failure = error
        else:
            raise InvalidWebhook(str(failure)) from failure
        data = event.to_dict()
        state = None
        if data["type"] in _SESSION_EVENTS:
            session = data["data"]["object"]
            state = _state_of(session)
            if data["type"] == "checkout.session.async_payment_failed":
                state = CheckoutState(session_id=state.session_id, status="failed", payment_id=state.payment_id,
                                      failure_message=state.failure_message, reference=state.reference)
        return WebhookEventData(event_id=data["id"], event_type=data["type"], state=state, payload=data,
                                account=data.get("account") or "")

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
