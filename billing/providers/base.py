"""The payment-provider interface: Stripe first; YooKassa (billing 2/2) implements the same."""

import json
from dataclasses import dataclass
from typing import Protocol


class InvalidWebhook(Exception):
    """Unsigned, forged or unreadable: answer 400 and change nothing."""


class ProviderError(Exception):
    """The provider could not be reached or refused the request."""


@dataclass(frozen=True)
class Checkout:
    session_id: str
    url: str


@dataclass(frozen=True)
class CheckoutState:
    """What the provider says about one checkout."""

    session_id: str
    status: str  # "paid", "pending", "failed", "cancelled"
    payment_id: str = ""
    failure_message: str = ""
    reference: str = ""  # our payment's reference as we gave it: "<schema>-<id>" (or the bare id of old sessions)
    schema: str = ""  # the school the checkout was opened in, from the metadata we gave it
    amount: int | None = None  # minor units, as the provider will charge (None: not stated)
    currency: str = ""  # upper case, as on Payment


def payment_reference(schema: str, payment_id: int) -> str:
    """What a checkout carries to name its payment: the school too, since every school counts from 1."""
    return f"{schema}-{payment_id}"


def parse_reference(reference: str) -> tuple[str, int | None]:
    """("<schema>", id) from "<schema>-<id>"; ("", id) from a bare id; ("", None) from anything else."""
    schema, _dash, number = reference.rpartition("-")
    if not (number.isascii() and number.isdigit() and len(number) <= 18):  # a bigint, not 5,000 digits
        return "", None
    return schema, int(number)


@dataclass(frozen=True)
class WebhookEventData:
    event_id: str
    event_type: str
    state: CheckoutState | None  # None: an event we do not act on
    payload: dict
    account: str = ""  # Stripe Connect: the connected account the event happened on


class PaymentProvider(Protocol):
    name: str

    def create_checkout(self, *, payment, success_url: str, cancel_url: str, customer_email: str) -> Checkout: ...

    def checkout_state(self, session_id: str) -> CheckoutState: ...

    def parse_webhook(self, *, payload: bytes, signature: str) -> WebhookEventData: ...

    def refund(self, *, payment, amount: int, idempotency_key: str) -> str: ...


def storable(data) -> bool:
    """Whether Postgres' jsonb takes it: no NaN or Infinity, and no NUL character anywhere."""
    try:
        text = json.dumps(data, allow_nan=False)
    except (ValueError, TypeError, RecursionError):
        return False
    return "\\u0000" not in text
