"""Paying: start a checkout, learn its outcome from the webhook or the return page."""

import logging
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from billing.models import Pass, Payment, Product, WebhookEvent
from billing.providers import get_provider
from billing.providers.base import CheckoutState, ProviderError, WebhookEventData, parse_reference
from billing.selectors import extension_offer_for
from billing.services import _school, locked, payment_mark_failed, payment_mark_paid, product_for_enrollment_ok

logger = logging.getLogger(__name__)

# A second "Pay" within this time reuses the first checkout instead of opening another.
REUSE_CHECKOUT_FOR = timedelta(minutes=30)


def payment_start(*, student, enrollment, product: Product, return_url_builder, now: datetime | None = None) -> str:
    """Create (or reuse) a pending payment and its checkout; returns the provider's page to go to.

    `return_url_builder(kind, payment)` gives the absolute success/cancel URLs.
    """
    now = now or timezone.now()
    if enrollment.student_id != student.pk or not enrollment.is_active:
        raise PermissionDenied
    school = _school()
    if payment_setup_missing(school):
        raise ValidationError(NOT_CONNECTED_MESSAGE, code="not_connected")
    if not product_for_enrollment_ok(product, enrollment):
        raise ValidationError(_("This package is not for this language."), code="wrong_product")
    extends = None
    if product.is_extension:
        offer = extension_offer_for(enrollment, now=now)
        if offer is None:
            raise ValidationError(_("The extension is offered only in the last days of a pass."), code="no_offer")
        extends = offer.lesson_pass
    payment = _pending_payment(student=student, enrollment=enrollment, product=product, extends=extends, now=now,
                               provider=school.payment_provider, account=_paying_account(school))
    if payment.provider_session_id and payment.checkout_url:
        return payment.checkout_url
    try:
        checkout = get_provider(payment.provider).create_checkout(
            payment=payment,
            success_url=return_url_builder("success", payment),
            cancel_url=return_url_builder("cancel", payment),
            customer_email=student.email,
        )
    except ProviderError:
        # No checkout ever opened: the history says so rather than "waiting for payment".
        payment_mark_failed(payment=payment, status=Payment.Status.CANCELLED,
                            message=str(_("The payment page could not be opened.")))
        raise
    Payment.objects.filter(pk=payment.pk).update(provider_session_id=checkout.session_id, checkout_url=checkout.url)
    return checkout.url


NOT_CONNECTED_MESSAGE = _("Payments are not open yet: the school has not connected its payment account.")


def payment_setup_missing(school) -> bool:
    """True when the school cannot take money yet (students and the manager are told so)."""
    from django.conf import settings

    from billing.providers.yookassa_provider import is_configured

    if school.payment_provider == "yookassa":
        return not is_configured()
    if settings.STRIPE_CONNECT:
        return not (school.payment_account_id and school.payment_account_ready)
    return False  # direct mode: the platform's own Stripe account


def _paying_account(school) -> str:
    from django.conf import settings

    if school.payment_provider == "stripe" and settings.STRIPE_CONNECT:
        return school.payment_account_id
    return ""


@transaction.atomic
def _pending_payment(*, student, enrollment, product, extends, now, provider="stripe", account="") -> Payment:
    # Locking the student's row serialises their double clicks: one pending payment, one checkout.
    # (`get_user_model()`, not `type(student)`: a view passes request.user, a SimpleLazyObject.)
    locked(get_user_model().objects).get(pk=student.pk)
    recent = (
        Payment.objects.filter(
            student=student, enrollment=enrollment, product=product, status=Payment.Status.PENDING,
            created_at__gte=now - REUSE_CHECKOUT_FOR, provider=provider, provider_account=account,
        )
        .order_by("-created_at")
        .first()
    )
    if recent is not None:
        return recent
    return Payment.objects.create(
        student=student, enrollment=enrollment, product=product, amount=product.price, currency=product.currency,
        extends_pass=extends, provider=provider, provider_account=account,
    )


def payment_apply_state(*, payment: Payment, state: CheckoutState, now: datetime | None = None) -> Pass | None:
    """Act on what the provider says. Precondition: `payment_refusal` found nothing wrong."""
    if state.status == "paid":
        return payment_mark_paid(payment=payment, provider_payment_id=state.payment_id, now=now)
    if state.status == "failed":
        payment_mark_failed(payment=payment, status=Payment.Status.FAILED, message=state.failure_message)
    elif state.status == "cancelled":
        payment_mark_failed(payment=payment, status=Payment.Status.CANCELLED)
    return None


def payment_sync(*, payment: Payment, now: datetime | None = None) -> Payment:
    """Ask the provider (the return page does this: the webhook may not have arrived yet)."""
    if payment.status == Payment.Status.PENDING and payment.provider_session_id:
        state = get_provider(payment.provider).checkout_state(payment.provider_session_id,
                                                              account=payment.provider_account)
        refusal = payment_refusal(payment=payment, state=state, account=payment.provider_account)
        if refusal:
            logger.error("Payment %s: the provider's checkout does not match it (%s)", payment.pk, refusal)
        else:
            payment_apply_state(payment=payment, state=state, now=now)
    payment.refresh_from_db()
    return payment


def webhook_handle(*, provider_name: str, payload: bytes, signature: str) -> str:
    """Verify, store once, act, in the current school's schema. Returns what happened.

    Raises InvalidWebhook for anything unsigned, forged or not shaped like an event (the view answers 400).
    """
    event = get_provider(provider_name).parse_webhook(payload=payload, signature=signature)
    return webhook_apply(provider_name=provider_name, event=event)


# Why an event is not applied to a payment (stored as the event's outcome).
ANOTHER_SCHOOL = "another school"
UNKNOWN_PAYMENT = "unknown payment"
ANOTHER_SESSION = "another checkout session"
ANOTHER_ACCOUNT = "another payment account"
AMOUNT_DIFFERS = "amount or currency differs"
NOT_OURS = "not ours"  # what the provider is told about another school's event


@transaction.atomic
def webhook_apply(*, provider_name: str, event: WebhookEventData) -> str:
    """Store a verified event once and act on it, in the current schema. Returns what happened.

    An event acts only on the payment it was made for: see `payment_for_event`. Any other event is
    stored (with why, and without its body, which may be another school's customer) and changes
    nothing; the provider is answered 2xx all the same, since a retry would never match either.
    A database error propagates (500), nothing is stored, and the provider retries.
    """
    payment, refusal = None, ""
    if event.state is not None:
        payment, refusal = payment_for_event(provider_name=provider_name, state=event.state, account=event.account)
    outcome = refusal or (event.state.status if event.state is not None else "ignored")
    try:
        with transaction.atomic():
            # The unique (provider, event id) row is the "processed once" guard: a replay, or a
            # second worker holding the same event, fails here and changes nothing.
            WebhookEvent.objects.create(
                provider=provider_name, event_id=event.event_id, event_type=event.event_type,
                payload={} if refusal else event.payload, outcome=outcome,
            )
    except IntegrityError:
        return "duplicate"
    if refusal == ANOTHER_SCHOOL:
        # Expected in direct mode: Stripe sends every event of the account to every school's endpoint.
        logger.info("%s event %s is another school's: not applied", provider_name, event.event_id)
        return NOT_OURS
    if refusal:
        logger.error("%s event %s refused: %s", provider_name, event.event_id, refusal)
        return f"refused: {refusal}"
    if payment is not None:
        payment_apply_state(payment=payment, state=event.state)
    return outcome


def payment_for_event(*, provider_name: str, state: CheckoutState, account: str) -> tuple[Payment | None, str]:
    """The payment this checkout was opened for in the current school, or why there is none.

    The checkout must name this school (its metadata, and its reference when that carries one), be
    the checkout stored on the payment (or carry the payment's number while our own write of the
    session id has not landed yet), be on the payment's account, and charge its amount and currency.
    """
    reference_schema, number = parse_reference(state.reference)
    if state.schema != connection.schema_name or reference_schema not in ("", connection.schema_name):
        return None, ANOTHER_SCHOOL
    payment = Payment.objects.filter(provider=provider_name, provider_session_id=state.session_id).first()
    if payment is None and number is not None:
        payment = Payment.objects.filter(provider=provider_name, pk=number).first()
        if payment is not None and payment.provider_session_id:
            return None, ANOTHER_SESSION  # the payment has a checkout, and it is not this one
    if payment is None:
        return None, UNKNOWN_PAYMENT
    return payment, payment_refusal(payment=payment, state=state, account=account, number=number)


def payment_refusal(*, payment: Payment, state: CheckoutState, account: str, number: int | None = None) -> str:
    """Why `state` is not about `payment` ("" when it is)."""
    if state.schema != connection.schema_name:
        return ANOTHER_SCHOOL
    if number is None:
        number = parse_reference(state.reference)[1]
    if number != payment.pk or payment.provider_session_id not in ("", state.session_id):
        return ANOTHER_SESSION
    if payment.provider_account != account:
        return ANOTHER_ACCOUNT
    if state.amount != payment.amount or state.currency != payment.currency.upper():
        return AMOUNT_DIFFERS
    return ""
