"""The ledger's main path: buy, book, hold, cancel in time, extend on day 27: 3 left + 8 = 11."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from billing.models import LedgerEntry, Payment, Reservation
from billing.selectors import extension_offer_for, pass_remaining, passes_for_student
from billing.services import (
    credit_consume,
    credit_release,
    credit_reserve,
    free_credits,
    passes_record_expiry,
    payment_mark_paid,
)

PAID_AT = datetime(2026, 11, 2, 16, 0, tzinfo=UTC)


def pay(alpha, enrollment, product, now=PAID_AT, extends=None):
    payment = Payment.objects.create(student=alpha.student, enrollment=enrollment, product=product,
                                     amount=product.price, currency=product.currency, extends_pass=extends)
    return payment_mark_paid(payment=payment, now=now)


def test_a_paid_payment_creates_a_pass_of_8_valid_28_days(alpha, enrollment, package):
    lesson_pass = pay(alpha, enrollment, package)

    assert lesson_pass.lessons == 8 and free_credits(lesson_pass) == 8
    assert lesson_pass.valid_until == PAID_AT + timedelta(days=28)
    assert list(lesson_pass.ledger.values_list("kind", "change", "balance_after")) == [("purchase", 8, 8)]


def test_paying_twice_for_one_payment_creates_one_pass(alpha, enrollment, package):
    payment = Payment.objects.create(student=alpha.student, enrollment=enrollment, product=package,
                                     amount=package.price, currency="RUB")
    first = payment_mark_paid(payment=payment, now=PAID_AT)
    second = payment_mark_paid(payment=payment, now=PAID_AT + timedelta(minutes=1))

    assert first.pk == second.pk
    assert LedgerEntry.objects.filter(kind="purchase").count() == 1


def test_book_hold_and_cancel_in_time(alpha, enrollment, package):
    lesson_pass = pay(alpha, enrollment, package)
    start = PAID_AT + timedelta(days=3)
    credit_reserve(lesson_pass=lesson_pass, lesson_id=1, lesson_starts_at=start, now=PAID_AT)
    credit_reserve(lesson_pass=lesson_pass, lesson_id=2, lesson_starts_at=start + timedelta(days=1), now=PAID_AT)

    credit_consume(lesson_id=1, kind=LedgerEntry.Kind.HELD)
    credit_release(lesson_id=2)

    assert free_credits(lesson_pass) == 7
    assert Reservation.objects.get(lesson_id=1).status == "consumed"
    with pytest.raises(ValidationError):
        credit_release(lesson_id=2)  # already returned


def test_the_balance_can_never_go_below_zero(alpha, enrollment, package):
    package.lessons = 1
    package.save()
    lesson_pass = pay(alpha, enrollment, package)
    credit_reserve(lesson_pass=lesson_pass, lesson_id=1, lesson_starts_at=PAID_AT + timedelta(days=1), now=PAID_AT)

    with pytest.raises(ValidationError):
        credit_reserve(lesson_pass=lesson_pass, lesson_id=2, lesson_starts_at=PAID_AT + timedelta(days=2), now=PAID_AT)
    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerEntry.objects.create(lesson_pass=lesson_pass, seq=99, change=-5, balance_after=-5, kind="adjustment")


def test_a_lesson_after_the_end_cannot_take_a_credit(alpha, enrollment, package):
    lesson_pass = pay(alpha, enrollment, package)

    with pytest.raises(ValidationError):
        credit_reserve(lesson_pass=lesson_pass, lesson_id=1, lesson_starts_at=lesson_pass.valid_until, now=PAID_AT)


def test_day_27_extension_carries_three_over_to_eleven(alpha, enrollment, package, extension):
    old = pay(alpha, enrollment, package)
    for lesson_id in range(1, 6):  # five lessons held
        credit_reserve(lesson_pass=old, lesson_id=lesson_id, lesson_starts_at=PAID_AT + timedelta(days=lesson_id),
                       now=PAID_AT)
        credit_consume(lesson_id=lesson_id, kind=LedgerEntry.Kind.HELD)
    tomorrow = PAID_AT + timedelta(days=27, hours=12)
    credit_reserve(lesson_pass=old, lesson_id=6, lesson_starts_at=tomorrow, now=PAID_AT)  # 1 booked, 2 free
    day_26 = PAID_AT + timedelta(days=26)
    day_27 = PAID_AT + timedelta(days=27)

    assert extension_offer_for(enrollment, now=day_26) is None
    offer = extension_offer_for(enrollment, now=day_27)
    assert offer is not None and offer.remaining == 3

    new = pay(alpha, enrollment, extension, now=day_27, extends=old)

    passes = {p.pk: p for p in passes_for_student(alpha.student, now=day_27)}
    assert pass_remaining(passes[new.pk], day_27) == 11
    assert pass_remaining(passes[old.pk], day_27) == 0
    assert Reservation.objects.get(lesson_id=6, status="open").lesson_pass_id == new.pk
    assert new.valid_until == day_27 + timedelta(days=28)
    assert extension_offer_for(enrollment, now=day_27) is None  # offered once


def test_without_extension_the_rest_burns_and_expiry_is_recorded_once(alpha, enrollment, package):
    lesson_pass = pay(alpha, enrollment, package)
    end = lesson_pass.valid_until

    assert passes_record_expiry(now=end - timedelta(seconds=1)) == 0
    assert passes_record_expiry(now=end) == 1
    assert passes_record_expiry(now=end + timedelta(days=1)) == 0
    (passed,) = passes_for_student(alpha.student, now=end)
    assert pass_remaining(passed, end) == 0
    assert lesson_pass.ledger.get(kind="expired").change == -8
