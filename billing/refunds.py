"""A manager returns money through the provider; the pass's ledger records it with who and why."""

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from billing.models import LedgerEntry, Pass, Payment, Refund
from billing.money import format_money as _format_money
from billing.providers import get_provider
from billing.providers.base import ProviderError
from billing.services import NotEnoughCredits, _ledger_append, _lock, free_credits, locked


def format_money(amount: int, currency: str) -> str:
    return _format_money(amount, currency, (translation.get_language() or "en")[:2])


@transaction.atomic
def payment_refund(*, payment: Payment, amount: int, lessons_removed: int = 0, by, reason: str) -> Refund:
    """Return `amount` (minor units) of a paid payment and take `lessons_removed` free lessons off its pass.

    Never more than what is left of the payment. The provider is asked while the payment's row is
    locked: two managers refunding at once are served one after the other, and the second sees what
    the first returned. The idempotency key is the amount already refunded, so a retry after a lost
    answer does not return the money twice.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Say why the money is returned."), code="reason_required")
    payment = locked(Payment.objects).get(pk=payment.pk)
    if payment.status not in (Payment.Status.PAID, Payment.Status.REFUNDED) or payment.provider == "demo":
        raise ValidationError(_("Only a payment made through the payment provider can be refunded."), code="not_paid")
    left = payment.amount - payment.refunded_amount
    if amount < 1:
        raise ValidationError(_("Refund at least the smallest coin."), code="too_small")
    if amount > left:
        raise ValidationError(
            _("This is more than what is left of the payment: at most %(left)s can be refunded.")
            % {"left": format_money(left, payment.currency)}, code="too_much",
        )
    lesson_pass = Pass.objects.filter(payment=payment).first()
    if lessons_removed < 0:
        raise ValidationError(_("The number of lessons cannot be negative."), code="negative")
    if lessons_removed:
        if lesson_pass is None or free_credits(_lock(lesson_pass)) < lessons_removed:
            raise NotEnoughCredits()
    key = f"{connection.schema_name}.refund.{payment.pk}.{payment.refunded_amount}.{amount}"
    try:
        provider_refund_id = get_provider(payment.provider).refund(payment=payment, amount=amount, idempotency_key=key)
    except ProviderError as error:
        raise ValidationError(
            _("The payment provider did not refund: %(error)s") % {"error": error}, code="provider"
        ) from error
    payment.refunded_amount += amount
    if payment.refunded_amount == payment.amount:
        payment.status = Payment.Status.REFUNDED
    payment.save(update_fields=["refunded_amount", "status"])
    entry = None
    if lesson_pass is not None:
        note = gettext("%(amount)s returned: %(reason)s") % {"amount": format_money(amount, payment.currency),
                                                              "reason": reason}
        entry = _ledger_append(lesson_pass=_lock(lesson_pass), change=-lessons_removed, kind=LedgerEntry.Kind.REFUND,
                               actor=by, reason=note)
    return Refund.objects.create(payment=payment, amount=amount, lessons_removed=lessons_removed, reason=reason[:255],
                                 by=by, provider_refund_id=provider_refund_id, ledger_entry=entry)
