"""Plans booked into passes across DST; no overlaps; the window; marking; freezing."""

import threading
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from billing.services import free_credits
from tenant_apps.scheduling.models import Lesson
from tenant_apps.scheduling.services import (
    IN_TIME,
    LATE,
    SlotTaken,
    _create_lesson,
    cancel_outcome,
    lesson_cancel,
    lesson_mark,
    pass_freeze,
    plan_book,
)
from tenant_apps.scheduling.timeslots import local_instant, weekly_occurrences
from tests.scheduling.conftest import PAID_AT, buy, make_plan, teacher_hours


@pytest.mark.parametrize("zone", ["Europe/London", "America/New_York", "Europe/Moscow", "Asia/Shanghai"])
def test_a_weekly_slot_keeps_19_local_across_both_dst_changes(zone):
    tz = ZoneInfo(zone)
    start, end = datetime(2026, 1, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC)

    instants = list(weekly_occurrences([(0, time(19))], tz, start, end))

    assert len(instants) == 52
    assert {instant.astimezone(tz).strftime("%a %H:%M") for instant in instants} == {"Mon 19:00"}
    offsets = {instant.astimezone(tz).utcoffset() for instant in instants}
    assert len(offsets) == (1 if zone in ("Europe/Moscow", "Asia/Shanghai") else 2)


def test_a_wall_time_in_the_spring_gap_does_not_exist():
    assert local_instant(date(2026, 3, 29), time(1, 30), ZoneInfo("Europe/London")) is None
    assert local_instant(date(2026, 3, 29), time(2, 30), ZoneInfo("Europe/London")) is not None


def test_activating_a_pass_books_the_plan_as_far_as_its_credits_go(
    alpha, enrollment, package, django_capture_on_commit_callbacks
):
    from django.utils import timezone

    teacher_hours(alpha.teacher)
    make_plan(enrollment)
    with django_capture_on_commit_callbacks(execute=True):
        lesson_pass = buy(alpha, enrollment, package, now=timezone.now())  # the hook books after commit

    lessons = list(Lesson.objects.filter(enrollment=enrollment).order_by("starts_at"))
    london = ZoneInfo("Europe/London")
    assert len(lessons) == 8 and free_credits(lesson_pass) == 0
    assert {lesson.starts_at.astimezone(london).strftime("%a %H:%M") for lesson in lessons} == {
        "Mon 19:00",
        "Thu 19:00",
    }
    assert all(lesson.lesson_pass_id == lesson_pass.pk for lesson in lessons)


def test_a_pass_across_the_spring_change_keeps_19_london_and_moves_an_hour_in_utc(alpha, enrollment, package):
    teacher_hours(alpha.teacher)
    plan = make_plan(enrollment)
    mid_march = datetime(2026, 3, 16, 9, tzinfo=UTC)
    lesson_pass = buy(alpha, enrollment, package, now=mid_march)

    result = plan_book(plan=plan, lesson_pass=lesson_pass, now=mid_march)

    london = ZoneInfo("Europe/London")
    assert len(result.booked) == 8 and not result.flagged
    assert {lesson.starts_at.astimezone(london).strftime("%H:%M") for lesson in result.booked} == {"19:00"}
    # 29 March: London moves to summer time; 19:00 local is 19:00 UTC before and 18:00 UTC after.
    assert {lesson.starts_at.astimezone(UTC).hour for lesson in result.booked} == {19, 18}


def test_a_plan_in_another_zone_than_the_teachers_hours_is_flagged_after_a_dst_shift(alpha, enrollment, package):
    teacher_hours(alpha.teacher, zone="Europe/Moscow", starts=time(9), ends=time(22))  # Moscow has no DST
    plan = make_plan(enrollment, zone="Europe/London", slots=((0, time(19)),))  # 22:00 Moscow in winter
    lesson_pass = buy(alpha, enrollment, package)

    result = plan_book(plan=plan, lesson_pass=lesson_pass, now=PAID_AT)

    # Winter: 19:00 London = 22:00 Moscow, ends 23:00 → outside; summer: 21:00 Moscow → inside.
    assert result.flagged and all(lesson.starts_at < datetime(2026, 3, 29, tzinfo=UTC) for lesson in result.flagged)
    assert all(lesson.needs_attention for lesson in result.flagged)


def test_back_to_back_lessons_work_and_overlaps_do_not(alpha, enrollment, package):
    lesson_pass = buy(alpha, enrollment, package)
    nine = PAID_AT + timedelta(days=1)

    first = _create_lesson(enrollment=enrollment, lesson_pass=lesson_pass, starts_at=nine, minutes=60, now=PAID_AT)
    second = _create_lesson(enrollment=enrollment, lesson_pass=lesson_pass, starts_at=nine + timedelta(hours=1),
                            minutes=60, now=PAID_AT)

    assert first.ends_at == second.starts_at
    with pytest.raises(SlotTaken):
        _create_lesson(enrollment=enrollment, lesson_pass=lesson_pass, starts_at=nine + timedelta(minutes=30),
                       minutes=60, now=PAID_AT)
    assert free_credits(lesson_pass) == 6  # the refused booking took no credit


def test_exactly_8_hours_before_is_in_time_and_7h59_is_late(alpha, enrollment, package):
    lesson_pass = buy(alpha, enrollment, package)
    start = PAID_AT + timedelta(days=2)
    lesson = _create_lesson(enrollment=enrollment, lesson_pass=lesson_pass, starts_at=start, minutes=60, now=PAID_AT)

    assert cancel_outcome(lesson=lesson, by=alpha.student, now=start - timedelta(hours=8)) == IN_TIME
    assert cancel_outcome(lesson=lesson, by=alpha.student, now=start - timedelta(hours=7, minutes=59)) == LATE


def test_cancelling_in_time_returns_the_credit_and_late_burns_it(alpha, enrollment, package):
    lesson_pass = buy(alpha, enrollment, package)
    start = PAID_AT + timedelta(days=2)
    early = _create_lesson(enrollment=enrollment, lesson_pass=lesson_pass, starts_at=start, minutes=60, now=PAID_AT)
    late = _create_lesson(enrollment=enrollment, lesson_pass=lesson_pass, starts_at=start + timedelta(days=1),
                          minutes=60, now=PAID_AT)
    assert free_credits(lesson_pass) == 6

    lesson_cancel(lesson=early, by=alpha.student, now=start - timedelta(hours=9))
    lesson_cancel(lesson=late, by=alpha.student, now=late.starts_at - timedelta(hours=1))

    assert free_credits(lesson_pass) == 7
    assert Lesson.objects.get(pk=early.pk).status == "cancelled_in_time"
    assert Lesson.objects.get(pk=late.pk).status == "cancelled_late"


def test_a_teacher_cancellation_always_returns_the_credit(alpha, enrollment, package):
    lesson_pass = buy(alpha, enrollment, package)
    lesson = _create_lesson(enrollment=enrollment, lesson_pass=lesson_pass, starts_at=PAID_AT + timedelta(hours=3),
                            minutes=60, now=PAID_AT)

    lesson_cancel(lesson=lesson, by=alpha.teacher, now=PAID_AT + timedelta(hours=2))

    assert free_credits(lesson_pass) == 8
    assert Lesson.objects.get(pk=lesson.pk).status == "cancelled_by_teacher"


def test_another_student_cannot_cancel_and_a_started_lesson_is_marked_instead(alpha, enrollment, package):
    from django.core.exceptions import PermissionDenied

    lesson_pass = buy(alpha, enrollment, package)
    lesson = _create_lesson(enrollment=enrollment, lesson_pass=lesson_pass, starts_at=PAID_AT + timedelta(days=1),
                            minutes=60, now=PAID_AT)
    with pytest.raises(PermissionDenied):
        lesson_cancel(lesson=lesson, by=alpha.student2, now=PAID_AT)
    with pytest.raises(ValidationError):
        lesson_cancel(lesson=lesson, by=alpha.student, now=lesson.starts_at)

    lesson_mark(lesson=lesson, outcome="held", by=alpha.teacher, note="Past simple", now=lesson.ends_at)
    assert Lesson.objects.get(pk=lesson.pk).status == "held"
    with pytest.raises(ValidationError):
        lesson_mark(lesson=lesson, outcome="no_show", by=alpha.teacher, now=lesson.ends_at)


def test_a_freeze_moves_the_end_cancels_that_week_free_and_the_plan_goes_on(alpha, enrollment, package):
    teacher_hours(alpha.teacher)
    plan = make_plan(enrollment)
    lesson_pass = buy(alpha, enrollment, package)
    plan_book(plan=plan, lesson_pass=lesson_pass, now=PAID_AT)
    old_end = lesson_pass.valid_until
    week = PAID_AT + timedelta(days=7)

    pass_freeze(lesson_pass=lesson_pass, by=alpha.student, starts_at=week, now=PAID_AT)

    lesson_pass.refresh_from_db()
    assert lesson_pass.valid_until == old_end + timedelta(days=7)
    assert Lesson.objects.filter(lesson_pass=lesson_pass, status="frozen").count() == 2
    scheduled = Lesson.objects.filter(lesson_pass=lesson_pass, status="scheduled")
    assert scheduled.count() == 8 and free_credits(lesson_pass) == 0
    assert not scheduled.filter(starts_at__gte=week, starts_at__lt=week + timedelta(days=7)).exists()
    with pytest.raises(ValidationError):
        pass_freeze(lesson_pass=lesson_pass, by=alpha.student, starts_at=week + timedelta(days=8), now=PAID_AT)


def test_twenty_threads_booking_one_slot_make_one_lesson(committed_cast):
    from django_tenants.utils import schema_context

    from billing.models import LedgerEntry, Pass, Payment, Product, Reservation
    from tenant_apps.learning.models import Enrollment, Language
    from tenant_apps.learning.services import enrollment_create

    alpha = committed_cast.a
    with schema_context(alpha.school.schema_name):
        english = Language.objects.get(code="en")
        enrollment = enrollment_create(student=alpha.student2, language=english, teacher=alpha.teacher2, by=None)
        product = Product.objects.create(name="race", lessons=20, price=100, currency="RUB")
        payment = Payment.objects.create(student=alpha.student2, enrollment=enrollment, product=product, amount=100,
                                         currency="RUB")
        from billing.services import payment_mark_paid

        lesson_pass = payment_mark_paid(payment=payment, now=PAID_AT)
    start = PAID_AT + timedelta(days=3)
    outcomes = []

    def book():
        with schema_context(alpha.school.schema_name):
            try:
                _create_lesson(enrollment=enrollment, lesson_pass=lesson_pass, starts_at=start, minutes=60, now=PAID_AT)
                outcomes.append("booked")
            except SlotTaken:
                outcomes.append("taken")
        connection.close()

    threads = [threading.Thread(target=book) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    try:
        with schema_context(alpha.school.schema_name):
            assert outcomes.count("booked") == 1 and outcomes.count("taken") == 19
            assert Lesson.objects.filter(enrollment=enrollment).count() == 1
            assert free_credits(lesson_pass) == 19
    finally:
        with schema_context(alpha.school.schema_name):
            Lesson.objects.filter(enrollment=enrollment).delete()
            Reservation.objects.filter(lesson_pass=lesson_pass).delete()
            LedgerEntry.objects.filter(lesson_pass=lesson_pass).delete()
            Pass.objects.filter(pk=lesson_pass.pk).delete()
            Payment.objects.filter(enrollment=enrollment).delete()
            product.delete()
            Enrollment.objects.filter(pk=enrollment.pk).delete()
        connection.set_schema_to_public()
