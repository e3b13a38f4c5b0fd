"""YooKassa through its official SDK (`yookassa`); tests point YOOKASSA_API_BASE at a local fake.

YooKassa does not sign its notifications. So a notification is only a hint: its payment is fetched
again from the API with our credentials, and what the API says is what we act on. A forged
"payment.succeeded" for a payment the API calls pending (or does not know) grants nothing.
"""

import json
import threading
from decimal import Decimal

import requests
from django.conf import settings
from django.db import connection
from yookassa import Configuration
from yookassa import Payment as YooPayment
from yookassa import Refund as YooRefund
from yookassa.domain.exceptions import ApiError

from billing.money import to_major, to_minor
from billing.providers.base import (
    Checkout,
    CheckoutState,
    InvalidWebhook,
    ProviderError,
    WebhookEventData,
    storable,
)

# The SDK keeps its credentials in class attributes; every call configures them (the same values
# for every school: the platform's shop) under a lock, so a thread never sees another's half-set.
_configure_lock = threading.Lock()
_FAILURES = (ApiError, requests.RequestException, ValueError, AttributeError, TypeError)


def _configure() -> None:
    if not settings.YOOKASSA_SHOP_ID or not settings.YOOKASSA_SECRET_KEY:
        raise ProviderError("YooKassa is not configured (YOOKASSA_SHOP_ID, YOOKASSA_SECRET_KEY)")
    with _configure_lock:
        Configuration.configure(settings.YOOKASSA_SHOP_ID, settings.YOOKASSA_SECRET_KEY,
                                api_url=settings.YOOKASSA_API_BASE, max_attempts=1)


def is_configured() -> bool:
    return bool(settings.YOOKASSA_SHOP_ID and settings.YOOKASSA_SECRET_KEY)


def amount_value(minor: int, currency: str) -> str:
    """YooKassa's money is a decimal string: 199000 kopecks → "1990.00"."""
    return f"{to_major(minor, currency):f}"


def _error_text(error: Exception) -> str:
    content = getattr(error, "content", None)
    if isinstance(content, dict):
        return content.get("description") or content.get("code") or str(error)
    return str(error)


def _state_of(payment: dict) -> CheckoutState:
    status = payment.get("status")
    details = payment.get("cancellation_details") or {}
    if status == "succeeded":
        state = "paid"
    elif status == "canceled":
        # Cancelled by the student (or the page expired) vs. declined by the bank.
        by_student = details.get("reason") in ("expired_on_confirmation", "canceled_by_merchant")
        state = "cancelled" if by_student else "failed"
    else:
        state = "pending"  # pending, waiting_for_capture
    metadata = payment.get("metadata") or {}
    amount, currency = _amount_of(payment.get("amount"))
    return CheckoutState(
        session_id=payment["id"], status=state, payment_id=payment["id"] if state == "paid" else "",
        failure_message=(details.get("reason") or "").replace("_", " ") if state == "failed" else "",
        reference=str(metadata.get("payment_id", "")), schema=str(metadata.get("schema", "")),
        amount=amount, currency=currency,
    )


def _amount_of(amount) -> tuple[int | None, str]:
    """{"value": "1990.00", "currency": "RUB"} → (199000, "RUB"); (None, "") if it is not that."""
    try:
        currency = str(amount["currency"]).upper()
        return to_minor(Decimal(str(amount["value"])), currency), currency
    except (KeyError, TypeError, ArithmeticError, ValueError):
        return None, ""


class YooKassaProvider:
    name = "yookassa"

    def create_checkout(self, *, payment, success_url: str, cancel_url: str, customer_email: str) -> Checkout:
        _configure()
        schema = connection.schema_name
        params = {
            "amount": {"value": amount_value(payment.amount, payment.currency), "currency": payment.currency},
            "capture": True,  # one stage: paid is paid
            "confirmation": {"type": "redirect", "return_url": success_url},
            "description": payment.product.name[:128],
            # The schema travels with the money: the notification's school is found by it.
            "metadata": {"schema": schema, "payment_id": str(payment.pk)},
        }
        try:
            created = YooPayment.create(params, idempotency_key=f"{schema}.payment.{payment.pk}")
        except _FAILURES as error:
            raise ProviderError(_error_text(error)) from error
        return Checkout(session_id=created.id, url=created.confirmation.confirmation_url)

    def fetch(self, payment_id: str) -> dict:
        _configure()
        try:
            return dict(YooPayment.find_one(payment_id))
        except _FAILURES as error:
            raise ProviderError(_error_text(error)) from error

    def checkout_state(self, session_id: str, *, account: str = "") -> CheckoutState:
        return _state_of(self.fetch(session_id))

    def parse_webhook(self, *, payload: bytes, signature: str = "") -> WebhookEventData:
        """Read the notification, then believe only the API: the payment is fetched again."""
        try:
            body = json.loads(payload)
            payment_id = body["object"]["id"]
            event_name = str(body["event"])
        except (ValueError, KeyError, TypeError, RecursionError) as error:
            raise InvalidWebhook("not a YooKassa notification") from error
        if not isinstance(payment_id, str) or not payment_id or not event_name.startswith("payment."):
            raise InvalidWebhook("not a payment notification")
        if not storable(body):
            raise InvalidWebhook("not a YooKassa notification")
        try:
            fetched = self.fetch(payment_id)
        except ProviderError as error:
            # Unknown to the API (forged), or the API is away: either way nothing is granted now;
            # YooKassa retries a genuine notification.
            raise InvalidWebhook(f"payment {payment_id} could not be confirmed: {error}") from error
        state = _state_of(fetched)
        # The id is what we act on (the API's status), not what the notification claims: a forged
        # "succeeded" stored as processed must not shadow the genuine one that comes later.
        return WebhookEventData(
            event_id=f"{fetched['id']}:{fetched.get('status')}", event_type=event_name, state=state,
            payload={"notification": body, "object": fetched},
        )

    def refund(self, *, payment, amount: int, idempotency_key: str) -> str:
        _configure()
        params = {"payment_id": payment.provider_payment_id or payment.provider_session_id,
                  "amount": {"value": amount_value(amount, payment.currency), "currency": payment.currency}}
        try:
            return YooRefund.create(params, idempotency_key=idempotency_key).id
        except _FAILURES as error:
            raise ProviderError(_error_text(error)) from error
