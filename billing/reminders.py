"""Billing's reminder: the extension offer, sent once per pass when the offer opens (day 27 of 28)."""

from datetime import timedelta

from billing.models import Pass
from billing.notification_kinds import EXTENSION_OFFER
from billing.selectors import extension_offer_for
from tenant_apps.notifications.reminders import DueReminder


def _version(pass_id: int) -> str | None:
    """The pass's end while it is still the one to extend; None once extended (or gone)."""
    lesson_pass = Pass.objects.filter(pk=pass_id).first()
    if lesson_pass is None or lesson_pass.carried_into_or_none() is not None:
        return None
    return lesson_pass.valid_until.isoformat()


def extension_offers(now):
    from billing.services import _school

    offer_days = _school().extension_offer_days_before_end
    ending = Pass.objects.filter(
        valid_until__gt=now, valid_until__lte=now + timedelta(days=offer_days)
    ).select_related("enrollment__student", "enrollment__language")
    for lesson_pass in ending:
        offer = extension_offer_for(lesson_pass.enrollment, now=now)
        if offer is None or offer.lesson_pass.pk != lesson_pass.pk:
            continue
        yield DueReminder(
            key=f"pass.{lesson_pass.pk}.extension",
            recipient=lesson_pass.enrollment.student,
            kind=EXTENSION_OFFER,
            context={"remaining": offer.remaining, "extension": offer.product.lessons},
            url="/student/payments/",
            subject_version=lesson_pass.valid_until.isoformat(),
            due_at=lesson_pass.valid_until - timedelta(days=offer_days),
            current_version=lambda pk=lesson_pass.pk: _version(pk),
        )
