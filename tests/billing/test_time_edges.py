"""The instants where a pass changes: the day-27 offer, the exact end, and validity across DST.

A pass is valid for `validity_days` × 24 h of real time from its payment, in UTC, up to
`valid_until` exclusive: the same instant for everyone, whatever their zone. Where the 28 days
cross a DST change, the end therefore falls at another wall-clock hour than the payment (paid
12:00 in Berlin on 20 October, valid until 11:00 on 17 November), and the page shows exactly
that instant in the student's own zone rather than a rounded local time that would differ by an
hour from what the server enforces.
"""

import zoneinfo
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from django.utils import timezone

from billing.models import Payment
from billing.selectors import extension_offer_for, pass_remaining, passes_for_student
from billing.services import PassNotUsable, credit_reserve, payment_mark_paid
from shared_apps.tenants.models import School
from tenant_apps.accounts.models import User

PAID_AT = datetime(2026, 11, 2, 16, 0, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)


def pay(alpha, enrollment, product, now=PAID_AT):
    payment = Payment.objects.create(student=alpha.student, enrollment=enrollment, product=product,
                                     amount=product.price, currency=product.currency)
    return payment_mark_paid(payment=payment, now=now)


def offer_days(alpha, days: int) -> None:
    School.objects.filter(schema_name=alpha.school.schema_name).update(extension_offer_days_before_end=days)


@pytest.fixture
def bought(alpha, enrollment, package, extension):
    offer_days(alpha, 1)
    return pay(alpha, enrollment, package)


# The day-27 offer -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("after_payment", "offered"),
    [
        (timedelta(days=26), False),
        (timedelta(days=26, hours=23, minutes=59, seconds=59), False),  # the last second of day 26
        (timedelta(days=27) - MICROSECOND, False),
        (timedelta(days=27), True),  # valid_until − 1 day, exactly
        (timedelta(days=27, hours=12), True),
        (timedelta(days=28) - MICROSECOND, True),  # the pass's last instant
        (timedelta(days=28), False),  # valid_until: the pass has ended
        (timedelta(days=28, seconds=1), False),
        (timedelta(days=60), False),
    ],
)
def test_the_extension_is_offered_from_day_27_until_the_end(bought, enrollment, after_payment, offered):
    offer = extension_offer_for(enrollment, now=PAID_AT + after_payment)

    assert (offer is not None) == offered
    if offered:
        assert offer.lesson_pass.pk == bought.pk and offer.remaining == 8


def test_the_school_decides_how_early_the_extension_is_offered(alpha, bought, enrollment):
    offer_days(alpha, 3)

    assert extension_offer_for(enrollment, now=bought.valid_until - timedelta(days=3) - MICROSECOND) is None
    assert extension_offer_for(enrollment, now=bought.valid_until - timedelta(days=3)) is not None


# The exact end instant --------------------------------------------------------------------------
def test_a_lesson_starting_exactly_at_the_end_cannot_take_a_credit(bought):
    with pytest.raises(PassNotUsable) as refused:
        credit_reserve(lesson_pass=bought, lesson_id=1, lesson_starts_at=bought.valid_until, now=PAID_AT)

    assert refused.value.code == "after_end"


def test_a_lesson_starting_a_microsecond_before_the_end_takes_a_credit(bought):
    reservation = credit_reserve(lesson_pass=bought, lesson_id=1, lesson_starts_at=bought.valid_until - MICROSECOND,
                                 now=bought.valid_until - MICROSECOND)

    assert reservation.lesson_pass_id == bought.pk


def test_nothing_can_be_booked_at_the_end_instant(bought):
    with pytest.raises(PassNotUsable):
        credit_reserve(lesson_pass=bought, lesson_id=1, lesson_starts_at=bought.valid_until - timedelta(hours=1),
                       now=bought.valid_until)


def remaining_at(alpha, lesson_pass, now) -> int:
    (shown,) = [p for p in passes_for_student(alpha.student, now=now) if p.pk == lesson_pass.pk]
    return pass_remaining(shown, now)


def test_free_credits_count_until_the_end_instant_and_not_at_it(alpha, bought):
    assert remaining_at(alpha, bought, bought.valid_until - MICROSECOND) == 8
    assert remaining_at(alpha, bought, bought.valid_until) == 0
    assert bought.is_expired(bought.valid_until) and not bought.is_expired(bought.valid_until - MICROSECOND)


def test_a_past_lesson_not_yet_marked_keeps_its_credit_after_the_end(alpha, bought):
    credit_reserve(lesson_pass=bought, lesson_id=1, lesson_starts_at=bought.valid_until - timedelta(hours=1),
                   now=PAID_AT)

    assert remaining_at(alpha, bought, bought.valid_until - MICROSECOND) == 8  # 7 free + 1 booked
    assert remaining_at(alpha, bought, bought.valid_until) == 1  # the 7 burned; the lesson waits to be marked


@pytest.mark.parametrize(
    ("before_end", "days"),
    [
        (timedelta(days=27, hours=23), 28),
        (timedelta(days=1, seconds=1), 2),
        (timedelta(days=1), 1),  # the last day, from its first instant
        (timedelta(hours=1), 1),
        (MICROSECOND, 1),
        (timedelta(0), 0),
        (-timedelta(hours=5), 0),
    ],
)
def test_days_left_counts_the_last_day_as_one(bought, before_end, days):
    assert bought.days_left(bought.valid_until - before_end) == days


# Across a DST change, on the page ---------------------------------------------------------------
def page_at(client, monkeypatch, moment):
    """The payments page as it looks at `moment` (the view reads the clock once)."""
    monkeypatch.setattr("billing.views.timezone", SimpleNamespace(now=lambda: moment))
    response = client.get("/student/payments/")
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(
    ("zone", "valid_until_utc", "shown"),
    [
        # CEST (UTC+2) → CET (UTC+1) on 25 October: 28 × 24 h later the wall clock says 11:00.
        ("Europe/Berlin", datetime(2026, 11, 17, 10, 0, tzinfo=UTC),
         ('datetime="2026-11-17T11:00:00+01:00"', "17 Nov 2026, 11:00")),
        # EDT (UTC−4) → EST (UTC−5) on 1 November.
        ("America/New_York", datetime(2026, 11, 17, 16, 0, tzinfo=UTC),
         ('datetime="2026-11-17T11:00:00-05:00"', "17 Nov 2026, 11:00")),
        # No DST in Moscow: the same wall-clock hour.
        ("Europe/Moscow", datetime(2026, 11, 17, 9, 0, tzinfo=UTC),
         ('datetime="2026-11-17T12:00:00+03:00"', "17 Nov 2026, 12:00")),
    ],
)
def test_a_pass_bought_across_a_dst_change_is_28_times_24_hours(alpha, enrollment, package, client_for, monkeypatch,
                                                               zone, valid_until_utc, shown):
    User.objects.filter(pk=alpha.student.pk).update(time_zone=zone)
    paid_at = datetime(2026, 10, 20, 12, 0, tzinfo=zoneinfo.ZoneInfo(zone))  # noon, the student's wall clock
    lesson_pass = pay(alpha, enrollment, package, now=paid_at)

    # Whatever zone the caller's `now` carries (services add days in UTC, not in wall-clock time).
    lesson_pass.refresh_from_db()
    assert lesson_pass.valid_until.astimezone(UTC) - paid_at.astimezone(UTC) == timedelta(hours=28 * 24)
    assert lesson_pass.valid_until == valid_until_utc
    html = page_at(client_for(alpha, alpha.student), monkeypatch, paid_at + timedelta(days=7))
    time_attribute, text = shown
    assert f"<time {time_attribute}>{text}</time>" in html


def test_the_last_day_across_dst_shows_one_day_left_then_ended(alpha, enrollment, package, client_for, monkeypatch):
    User.objects.filter(pk=alpha.student.pk).update(time_zone="Europe/Berlin")
    paid_at = datetime(2026, 10, 20, 12, 0, tzinfo=zoneinfo.ZoneInfo("Europe/Berlin"))
    lesson_pass = pay(alpha, enrollment, package, now=paid_at)
    client = client_for(alpha, alpha.student)

    # 16 November 12:00 in Berlin, the payment's wall-clock hour, is already within the last 24 h.
    last_day = datetime(2026, 11, 16, 12, 0, tzinfo=zoneinfo.ZoneInfo("Europe/Berlin"))
    assert lesson_pass.valid_until - last_day == timedelta(hours=23)
    assert "1 day left" in page_at(client, monkeypatch, last_day)
    ended = page_at(client, monkeypatch, lesson_pass.valid_until)
    assert "ended" in ended and "day left" not in ended and "days left" not in ended


def test_the_offer_opens_24_hours_before_the_end_across_dst(alpha, enrollment, package, extension):
    offer_days(alpha, 1)
    paid_at = datetime(2026, 10, 20, 12, 0, tzinfo=zoneinfo.ZoneInfo("Europe/Berlin"))
    lesson_pass = pay(alpha, enrollment, package, now=paid_at)
    opens = timezone.localtime(lesson_pass.valid_until - timedelta(days=1), zoneinfo.ZoneInfo("Europe/Berlin"))

    assert opens == datetime(2026, 11, 16, 11, 0, tzinfo=zoneinfo.ZoneInfo("Europe/Berlin"))
    assert extension_offer_for(enrollment, now=opens - MICROSECOND) is None
    assert extension_offer_for(enrollment, now=opens).lesson_pass.pk == lesson_pass.pk
