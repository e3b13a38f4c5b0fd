"""Reads on billing. Pages call these so that their query count stays constant as data grows."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from billing.models import LedgerEntry, Pass, Payment, Product, Reservation


def passes_for_student(student, *, now: datetime | None = None) -> QuerySet[Pass]:
    """The student's passes with free credits and open future reservations annotated (one query)."""
    now = now or timezone.now()
    last_balance = (
        LedgerEntry.objects.filter(lesson_pass=OuterRef("pk")).order_by("-seq").values("balance_after")[:1]
    )
    return (
        Pass.objects.filter(enrollment__student=student)
        .select_related("enrollment__language", "product")
        .annotate(
            free=Subquery(last_balance),
            reserved=Count("reservations", filter=Q(reservations__status=Reservation.Status.OPEN), distinct=True),
        )
        .order_by("-starts_at", "-pk")
    )


def pass_remaining(lesson_pass: Pass, now: datetime) -> int:
    """Lessons not yet spent: free credits (if the pass is running) plus open reservations."""
    free = 0 if lesson_pass.is_expired(now) else (getattr(lesson_pass, "free", None) or 0)
    return free + (getattr(lesson_pass, "reserved", 0) or 0)


def ledger_for_pass(lesson_pass: Pass) -> QuerySet[LedgerEntry]:
    return LedgerEntry.objects.filter(lesson_pass=lesson_pass).select_related("actor").order_by("seq")


def payments_for_student(student) -> QuerySet[Payment]:
    return Payment.objects.filter(student=student).select_related("product").order_by("-created_at", "-pk")


def products_on_sale() -> QuerySet[Product]:
    """Packages a student may buy (the extension is offered only at the end of a pass)."""
    return Product.objects.filter(is_active=True, is_extension=False).order_by("position", "lessons", "pk")


@dataclass(frozen=True)
class ExtensionOffer:
    lesson_pass: Pass
    product: Product
    remaining: int


def extension_offer_for(enrollment, *, now: datetime | None = None) -> ExtensionOffer | None:
    """From `extension_offer_days_before_end` before the end (day 27 of 28) until the end.

    Offered on the enrollment's latest pass, once (not after it has been extended).
    """
    from billing.services import _school, free_credits

    now = now or timezone.now()
    school = _school()
    latest = Pass.objects.filter(enrollment=enrollment).order_by("-valid_until", "-pk").first()
    if latest is None or latest.carried_into_or_none() is not None:
        return None
    offer_from = latest.valid_until - timedelta(days=school.extension_offer_days_before_end)
    if not (offer_from <= now < latest.valid_until):
        return None
    product = (
        Product.objects.filter(is_active=True, is_extension=True)
        .filter(Q(language__isnull=True) | Q(language_id=enrollment.language_id))
        .order_by("position", "pk")
        .first()
    )
    if product is None:
        return None
    reserved = latest.reservations.filter(status=Reservation.Status.OPEN, lesson_starts_at__gte=now).count()
    return ExtensionOffer(lesson_pass=latest, product=product, remaining=free_credits(latest) + reserved)




def free_lesson_grants_for(student) -> QuerySet:
    from billing.models import FreeLessonGrant

    return (
        FreeLessonGrant.objects.filter(student=student)
        .select_related("promo_code", "lesson_pass__enrollment__language")
        .order_by("-created_at", "-pk")[:50]
    )
