"""The payment-provider interface: Stripe first; YooKassa (billing 2/2) implements the same."""

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
    reference: str = ""  # our payment's id, as we gave it to the provider


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
