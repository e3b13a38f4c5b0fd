"""The lesson pages: lists in the viewer's zone, cancel with an honest confirmation, book another
time, freeze, mark, the unmarked list and the manager's view; list pages keep their query count."""

from datetime import UTC, datetime, time, timedelta

import pytest
from django.utils import timezone

from billing.models import Payment, Product
from billing.services import free_credits, payment_mark_paid
from tenant_apps.learning.models import Language
from tenant_apps.learning.services import enrollment_create
from tenant_apps.scheduling import selectors
from tenant_apps.scheduling.models import Lesson
from tenant_apps.scheduling.services import (
    SlotTaken,
    _create_lesson,
    lesson_book,
    lesson_cancel,
    lesson_mark,
    within_hours,
)
from tests.scheduling.conftest import teacher_hours


@pytest.fixture
def frozen(monkeypatch):
    """`timezone.now()` stands still (on a whole minute), so "exactly 8 hours" is exact in views too."""
    now = timezone.now().replace(second=0, microsecond=0)
    monkeypatch.setattr(timezone, "now", lambda: now)
    return now


@pytest.fixture
def lesson_pass(alpha, enrollment, package, frozen):
    return pay(alpha.student, enrollment, package, now=frozen - timedelta(days=3))


def pay(student, enrollment, product, now):
    payment = Payment.objects.create(student=student, enrollment=enrollment, product=product, amount=product.price,
                                     currency=product.currency)
    return payment_mark_paid(payment=payment, now=now)


def book(enrollment, lesson_pass, starts_at, minutes=60):
    return _create_lesson(enrollment=enrollment, lesson_pass=lesson_pass, starts_at=starts_at, minutes=minutes,
                          now=lesson_pass.starts_at)


def text(response) -> str:
    return " ".join(response.content.decode().split())


# The student's list ------------------------------------------------------------------------------
def test_the_student_sees_upcoming_and_past_lessons_with_teacher_language_and_status(
    client_for, alpha, enrollment, lesson_pass, frozen
):
    soon = book(enrollment, lesson_pass, frozen + timedelta(days=1))
    soon.needs_attention = "Outside the working hours after a clock change."
    soon.save(update_fields=["needs_attention"])
    held = book(enrollment, lesson_pass, frozen - timedelta(days=2))
    lesson_mark(lesson=held, outcome="held", by=alpha.teacher, now=held.ends_at)

    response = client_for(alpha, alpha.student).get("/student/lessons/")

    page = text(response)
    assert response.status_code == 200
    upcoming, past = page.split("Past lessons</h2>")
    assert "Tom Teacher" in upcoming and "English" in upcoming and "Scheduled" in upcoming
    assert "Needs attention" in upcoming and "Outside the working hours after a clock change." in upcoming
    assert f'/lessons/{soon.pk}/cancel/' in upcoming
    assert "Held" in past and f'/lessons/{held.pk}/cancel/' not in page
    assert "Join" not in page  # no classroom yet: nothing pretends to be one


def test_the_lessons_page_shows_what_is_left_on_the_pass_and_what_is_free_to_book(
    client_for, alpha, enrollment, lesson_pass, frozen
):
    book(enrollment, lesson_pass, frozen + timedelta(days=1))
    book(enrollment, lesson_pass, frozen + timedelta(days=2))

    page = text(client_for(alpha, alpha.student).get("/student/lessons/"))

    assert '<span class="stat-value">8</span> lessons left on the pass' in page
    assert 'Free to book</dt><dd class="pass-free">6</dd>' in page
    assert 'Booked</dt><dd class="pass-booked">2</dd>' in page


def test_times_show_in_the_viewers_zone(client_for, alpha, enrollment, lesson_pass, frozen):
    starts = datetime.combine(frozen.date() + timedelta(days=2), time(19), tzinfo=UTC)
    book(enrollment, lesson_pass, starts)
    alpha.student.time_zone = "Asia/Shanghai"
    alpha.student.save(update_fields=["time_zone"])
    alpha.teacher.time_zone = "Europe/London"
    alpha.teacher.save(update_fields=["time_zone"])

    student_page = text(client_for(alpha, alpha.student).get("/student/lessons/"))
    teacher_page = text(client_for(alpha, alpha.teacher).get(f"/teacher/lessons/?week={starts.date()}"))

    # One instant: 03:00 the next morning in Shanghai, 19:00 in London (GMT in winter).
    assert 'datetime="' + starts.astimezone(_zone("Asia/Shanghai")).isoformat() in student_page
    assert 'datetime="' + starts.astimezone(_zone("Europe/London")).isoformat() in teacher_page
    assert ", 03:00–04:00" in student_page


def _zone(name):
    from zoneinfo import ZoneInfo

    return ZoneInfo(name)


# Cancelling: the confirmation says which before the user confirms ---------------------------------
def test_exactly_8_hours_before_the_confirmation_says_the_lesson_returns(client_for, alpha, enrollment, lesson_pass,
                                                                         frozen):
    lesson = book(enrollment, lesson_pass, frozen + timedelta(hours=8))

    response = client_for(alpha, alpha.student).get(f"/lessons/{lesson.pk}/cancel/")

    page = text(response)
    assert response.status_code == 200
    assert "It is at least 8 hours before the start, so the lesson returns to your pass" in page
    assert 'name="expected" value="in_time"' in page


def test_7_hours_59_minutes_before_the_confirmation_says_the_lesson_is_spent(client_for, alpha, enrollment,
                                                                             lesson_pass, frozen):
    lesson = book(enrollment, lesson_pass, frozen + timedelta(hours=7, minutes=59))

    page = text(client_for(alpha, alpha.student).get(f"/lessons/{lesson.pk}/cancel/"))

    assert "It is less than 8 hours before the start, so the lesson will not return to your pass" in page
    assert 'name="expected" value="late"' in page


def test_the_window_is_the_schools(client_for, alpha, enrollment, lesson_pass, frozen):
    alpha.school.cancellation_window_hours = 24
    alpha.school.save(update_fields=["cancellation_window_hours"])
    lesson = book(enrollment, lesson_pass, frozen + timedelta(hours=12))

    page = text(client_for(alpha, alpha.student).get(f"/lessons/{lesson.pk}/cancel/"))

    assert "less than 24 hours before the start" in page


def test_confirming_in_time_returns_the_credit_and_offers_another_time(client_for, alpha, enrollment, lesson_pass,
                                                                       frozen):
    lesson = book(enrollment, lesson_pass, frozen + timedelta(hours=8))
    client = client_for(alpha, alpha.student)

    response = client.post(f"/lessons/{lesson.pk}/cancel/", {"expected": "in_time"}, follow=True)

    lesson.refresh_from_db()
    page = text(response)
    assert response.redirect_chain == [("/student/lessons/", 302)]
    assert lesson.status == "cancelled_in_time" and free_credits(lesson_pass) == 8
    assert "Lesson cancelled in time: it is back on your pass" in page
    assert f'href="/lessons/{lesson.pk}/rebook/">Book another time' in page


def test_confirming_late_spends_the_lesson(client_for, alpha, enrollment, lesson_pass, frozen):
    lesson = book(enrollment, lesson_pass, frozen + timedelta(hours=3))

    response = client_for(alpha, alpha.student).post(f"/lessons/{lesson.pk}/cancel/", {"expected": "late"}, follow=True)

    lesson.refresh_from_db()
    assert lesson.status == "cancelled_late" and free_credits(lesson_pass) == 7
    assert "It was too close to the start, so the lesson is spent." in text(response)
    assert f"/lessons/{lesson.pk}/rebook/" not in text(response)


def test_when_the_window_closed_while_the_page_was_open_nothing_happens_and_the_page_says_so(
    client_for, alpha, enrollment, lesson_pass, frozen
):
    lesson = book(enrollment, lesson_pass, frozen + timedelta(hours=7, minutes=59))

    response = client_for(alpha, alpha.student).post(f"/lessons/{lesson.pk}/cancel/", {"expected": "in_time"})

    lesson.refresh_from_db()
    assert response.status_code == 422
    assert lesson.status == "scheduled" and free_credits(lesson_pass) == 7
    page = text(response)
    assert "Time has moved on since this page was opened" in page
    assert 'name="expected" value="late"' in page


def test_a_started_lesson_cannot_be_cancelled_from_the_page(client_for, alpha, enrollment, lesson_pass, frozen):
    lesson = book(enrollment, lesson_pass, frozen - timedelta(minutes=5))
    client = client_for(alpha, alpha.student)

    page = text(client.get(f"/lessons/{lesson.pk}/cancel/"))
    response = client.post(f"/lessons/{lesson.pk}/cancel/", {"expected": "late"})

    assert "The lesson has started, so it cannot be cancelled" in page and "Yes, cancel" not in page
    assert response.status_code == 422
    assert Lesson.objects.get(pk=lesson.pk).status == "scheduled"


def test_the_teacher_cancels_a_lesson_hours_before_and_the_credit_returns(client_for, alpha, enrollment,
                                                                          lesson_pass, frozen):
    lesson = book(enrollment, lesson_pass, frozen + timedelta(hours=2))
    client = client_for(alpha, alpha.teacher)

    page = text(client.get(f"/lessons/{lesson.pk}/cancel/"))
    response = client.post(f"/lessons/{lesson.pk}/cancel/", {"expected": "by_teacher"})

    assert "You are the teacher, so the lesson returns to the student's pass." in page
    assert response.status_code == 302 and response["Location"] == "/teacher/lessons/"
    assert Lesson.objects.get(pk=lesson.pk).status == "cancelled_by_teacher"
    assert free_credits(lesson_pass) == 8


# Booking another time -----------------------------------------------------------------------------
@pytest.fixture
def cancelled_in_time(alpha, enrollment, lesson_pass, frozen):
    teacher_hours(alpha.teacher, zone="Europe/Moscow", starts=time(9), ends=time(21))
    lesson = book(enrollment, lesson_pass, frozen + timedelta(days=2))
    return lesson_cancel(lesson=lesson, by=alpha.student, now=frozen)


def test_the_rebook_page_offers_free_hours_of_the_same_teacher_inside_hours_and_the_pass(
    client_for, alpha, enrollment, lesson_pass, frozen, cancelled_in_time
):
    taken = book(enrollment, lesson_pass, _next_moscow(frozen, days=1, hour=12))
    slots = selectors.free_slots(enrollment=enrollment, lesson_pass=lesson_pass, minutes=60, now=frozen)

    response = client_for(alpha, alpha.student).get(f"/lessons/{cancelled_in_time.pk}/rebook/")

    assert response.status_code == 200
    assert slots and all(frozen < slot < min(frozen + timedelta(days=14), lesson_pass.valid_until) for slot in slots)
    assert all(within_hours(teacher=alpha.teacher, starts_at=slot, ends_at=slot + timedelta(hours=1)) for slot in slots)
    assert all(slot + timedelta(hours=1) <= taken.starts_at or slot >= taken.ends_at for slot in slots)
    assert all(slot.astimezone(_zone("Europe/Moscow")).minute == 0 for slot in slots)  # the teacher's whole hours
    assert text(response).count('name="starts_at"') == len(slots)
    assert "in the next 14 days, in one-hour steps" in text(response)


def test_the_student_books_another_time_and_it_takes_a_credit(client_for, alpha, enrollment, lesson_pass, frozen,
                                                              cancelled_in_time):
    slot = _next_moscow(frozen, days=3, hour=10)

    response = client_for(alpha, alpha.student).post(f"/lessons/{cancelled_in_time.pk}/rebook/",
                                                     {"starts_at": slot.isoformat()})

    assert response.status_code == 302 and response["Location"] == "/student/lessons/"
    booked = Lesson.objects.get(enrollment=enrollment, starts_at=slot)
    assert booked.status == "scheduled" and booked.teacher == alpha.teacher
    assert free_credits(lesson_pass) == 7


def test_by_default_another_time_is_booked_at_once_with_no_acceptance_step(
    client_for, alpha, enrollment, lesson_pass, frozen, cancelled_in_time
):
    """Panda's rule (School.rebook_needs_teacher off): the teacher's published free hours are their consent."""
    from tenant_apps.scheduling.models import RescheduleProposal

    slot = _next_moscow(frozen, days=3, hour=10)
    page = client_for(alpha, alpha.student).get(f"/lessons/{cancelled_in_time.pk}/rebook/")
    assert "Book this time" in text(page)

    client_for(alpha, alpha.student).post(f"/lessons/{cancelled_in_time.pk}/rebook/", {"starts_at": slot.isoformat()})

    assert Lesson.objects.get(enrollment=enrollment, starts_at=slot).status == "scheduled"
    assert not RescheduleProposal.objects.exists()


def test_a_school_that_wants_acceptance_sends_the_new_time_to_the_teacher(
    client_for, alpha, enrollment, lesson_pass, frozen, cancelled_in_time
):
    from django.core.cache import cache

    from shared_apps.tenants.models import School
    from tenant_apps.notifications.models import Notification
    from tenant_apps.scheduling.models import RescheduleProposal
    from tenant_apps.scheduling.reschedule import proposal_accept

    School.objects.filter(pk=alpha.school.pk).update(rebook_needs_teacher=True)
    cache.clear()  # the school is cached by host
    slot = _next_moscow(frozen, days=3, hour=10)
    page = client_for(alpha, alpha.student).get(f"/lessons/{cancelled_in_time.pk}/rebook/")
    assert "your teacher confirms it" in text(page) and "Send this time to my teacher" in text(page)

    response = client_for(alpha, alpha.student).post(f"/lessons/{cancelled_in_time.pk}/rebook/",
                                                     {"starts_at": slot.isoformat()})

    assert response.status_code == 302 and response["Location"] == "/student/lessons/"
    assert not Lesson.objects.filter(enrollment=enrollment, starts_at=slot).exists()
    assert free_credits(lesson_pass) == 8  # nothing is spent until the teacher accepts
    (proposal,) = RescheduleProposal.objects.filter(lesson=cancelled_in_time, status="pending")
    assert Notification.objects.filter(recipient=alpha.teacher, kind="scheduling.reschedule_proposed").exists()

    proposal_accept(proposal=proposal, by=alpha.teacher, now=frozen)

    assert Lesson.objects.get(enrollment=enrollment, starts_at=slot).status == "scheduled"
    assert free_credits(lesson_pass) == 7


def test_a_slot_taken_meanwhile_gets_a_clear_message(client_for, alpha, enrollment, lesson_pass, frozen,
                                                     cancelled_in_time, package):
    slot = _next_moscow(frozen, days=3, hour=10)
    english = Language.objects.get(code="en")
    other = enrollment_create(student=alpha.student2, language=english, teacher=alpha.teacher, by=alpha.manager)
    book(other, pay(alpha.student2, other, package, now=frozen - timedelta(days=1)), slot)

    response = client_for(alpha, alpha.student).post(f"/lessons/{cancelled_in_time.pk}/rebook/",
                                                     {"starts_at": slot.isoformat()})

    assert response.status_code == 422
    assert "This time is taken: the teacher or the student has another lesson then." in text(response)
    assert free_credits(lesson_pass) == 8


def test_a_time_outside_the_teachers_hours_is_refused(client_for, alpha, lesson_pass, frozen, cancelled_in_time):
    night = _next_moscow(frozen, days=3, hour=23)

    response = client_for(alpha, alpha.student).post(f"/lessons/{cancelled_in_time.pk}/rebook/",
                                                     {"starts_at": night.isoformat()})

    assert response.status_code == 422
    assert "outside the teacher&#x27;s working hours" in text(response)


def test_lesson_book_refuses_a_time_overlapping_the_teachers_other_lesson(alpha, enrollment, lesson_pass, frozen,
                                                                         package):
    teacher_hours(alpha.teacher, zone="Europe/Moscow", starts=time(9), ends=time(21))
    slot = _next_moscow(frozen, days=3, hour=10)
    english = Language.objects.get(code="en")
    other = enrollment_create(student=alpha.student2, language=english, teacher=alpha.teacher, by=alpha.manager)
    pay(alpha.student2, other, package, now=frozen - timedelta(days=1))

    lesson_book(enrollment=enrollment, starts_at=slot, by=alpha.student, now=frozen)
    with pytest.raises(SlotTaken):
        lesson_book(enrollment=other, starts_at=slot + timedelta(minutes=30), by=alpha.student2, now=frozen)


def _next_moscow(now, *, days, hour):
    moscow = _zone("Europe/Moscow")
    day = now.astimezone(moscow).date() + timedelta(days=days)
    return datetime.combine(day, time(hour), tzinfo=moscow).astimezone(UTC)


# Freezing ---------------------------------------------------------------------------------------
def test_the_student_freezes_a_week_from_tomorrow(client_for, alpha, enrollment, lesson_pass, frozen):
    tomorrow = timezone.localdate(frozen, _zone("Europe/Moscow")) + timedelta(days=1)
    in_that_week = book(enrollment, lesson_pass, _next_moscow(frozen, days=2, hour=12))
    old_end = lesson_pass.valid_until
    client = client_for(alpha, alpha.student)
    assert f'value="{tomorrow:%Y-%m-%d}"' in text(client.get("/student/lessons/"))

    response = client.post("/student/lessons/freeze/", {"lesson_pass": lesson_pass.pk, "starts_on": tomorrow},
                           follow=True)

    lesson_pass.refresh_from_db()
    assert response.redirect_chain == [("/student/lessons/", 302)]
    assert "Your pass is frozen from" in text(response) and "and now ends on" in text(response)
    assert lesson_pass.valid_until == old_end + timedelta(days=7)
    assert Lesson.objects.get(pk=in_that_week.pk).status == "frozen"
    assert "This pass has been frozen as often as the school allows." in text(response)


def test_a_second_freeze_is_refused_with_the_schools_limit(client_for, alpha, lesson_pass, frozen):
    client = client_for(alpha, alpha.student)
    tomorrow = timezone.localdate(frozen, _zone("Europe/Moscow")) + timedelta(days=1)
    client.post("/student/lessons/freeze/", {"lesson_pass": lesson_pass.pk, "starts_on": tomorrow})

    response = client.post("/student/lessons/freeze/",
                           {"lesson_pass": lesson_pass.pk, "starts_on": tomorrow + timedelta(days=9)})

    assert response.status_code == 422
    assert "This pass has already been frozen as often as the school allows." in text(response)
    assert lesson_pass.freezes.count() == 1


def test_a_freeze_outside_the_pass_is_refused_clearly(client_for, alpha, lesson_pass, frozen):
    after_the_end = timezone.localdate(lesson_pass.valid_until, _zone("Europe/Moscow")) + timedelta(days=1)

    response = client_for(alpha, alpha.student).post("/student/lessons/freeze/",
                                                     {"lesson_pass": lesson_pass.pk, "starts_on": after_the_end})
    day_before = timezone.localdate(frozen, _zone("Europe/Moscow")) - timedelta(days=1)
    yesterday = client_for(alpha, alpha.student).post("/student/lessons/freeze/",
                                                      {"lesson_pass": lesson_pass.pk, "starts_on": day_before})

    assert response.status_code == 422 and "Your pass ends on" in text(response)
    assert yesterday.status_code == 422 and "Choose today or a later day." in text(yesterday)
    assert lesson_pass.freezes.count() == 0


# The teacher ----------------------------------------------------------------------------------------
def test_the_teacher_sees_the_day_and_the_week_with_all_their_students(client_for, alpha, enrollment, lesson_pass,
                                                                       frozen, package):
    english = Language.objects.get(code="en")
    other = enrollment_create(student=alpha.student2, language=english, teacher=alpha.teacher, by=alpha.manager)
    other_pass = pay(alpha.student2, other, package, now=frozen - timedelta(days=3))
    today = timezone.localdate(frozen, _zone("Europe/Moscow"))
    monday = today - timedelta(days=today.weekday()) + timedelta(days=7)  # next week: nothing there is unmarked
    first = book(enrollment, lesson_pass, _at_moscow(monday + timedelta(days=1), 10))
    second = book(other, other_pass, _at_moscow(monday + timedelta(days=3), 10))
    next_week = book(enrollment, lesson_pass, _at_moscow(monday + timedelta(days=8), 10))
    client = client_for(alpha, alpha.teacher)

    week = text(client.get(f"/teacher/lessons/?week={monday + timedelta(days=4)}"))
    day = text(client.get(f"/teacher/lessons/?day={monday + timedelta(days=3)}"))

    assert f'data-lesson="{first.pk}"' in week and f'data-lesson="{second.pk}"' in week
    assert f'data-lesson="{next_week.pk}"' not in week
    assert "Sam Student" in week and "Sue Student" in week
    assert f'href="?week={monday - timedelta(days=7)}" rel="prev"' in week
    assert f'href="?week={monday + timedelta(days=7)}" rel="next"' in week
    assert f'data-lesson="{second.pk}"' in day and f'data-lesson="{first.pk}"' not in day


def _at_moscow(day, hour):
    return datetime.combine(day, time(hour), tzinfo=_zone("Europe/Moscow")).astimezone(UTC)


def test_another_teachers_lessons_are_not_on_the_teachers_page(client_for, alpha, enrollment, lesson_pass, frozen):
    lesson = book(enrollment, lesson_pass, frozen + timedelta(hours=3))

    page = text(client_for(alpha, alpha.teacher2).get(f"/teacher/lessons/?day={lesson.starts_at.date()}"))

    assert f'data-lesson="{lesson.pk}"' not in page


def test_the_teacher_marks_a_started_lesson_held_with_a_note(client_for, alpha, enrollment, lesson_pass, frozen):
    lesson = book(enrollment, lesson_pass, frozen - timedelta(minutes=30))
    client = client_for(alpha, alpha.teacher)
    page = text(client.get("/teacher/lessons/"))
    assert f'action="/lessons/{lesson.pk}/mark/"' in page

    response = client.post(f"/lessons/{lesson.pk}/mark/",
                           {"outcome": "held", "note": "Past simple", "next": "/teacher/lessons/?week=2026-01-05"})

    lesson.refresh_from_db()
    assert response.status_code == 302 and response["Location"] == "/teacher/lessons/?week=2026-01-05"
    assert (lesson.status, lesson.note, lesson.marked_by) == ("held", "Past simple", alpha.teacher)


@pytest.mark.parametrize(("outcome", "status", "free"), [("no_show", "no_show", 7),
                                                          ("cancelled_by_teacher", "cancelled_by_teacher", 8)])
def test_the_teacher_marks_a_no_show_or_their_own_cancellation(client_for, alpha, enrollment, lesson_pass, frozen,
                                                               outcome, status, free):
    lesson = book(enrollment, lesson_pass, frozen - timedelta(hours=2))

    client_for(alpha, alpha.teacher).post(f"/lessons/{lesson.pk}/mark/", {"outcome": outcome, "note": "ill"})

    assert Lesson.objects.get(pk=lesson.pk).status == status
    assert free_credits(lesson_pass) == free


def test_a_future_lesson_cannot_be_marked_and_an_outside_next_is_ignored(client_for, alpha, enrollment, lesson_pass,
                                                                         frozen):
    future = book(enrollment, lesson_pass, frozen + timedelta(hours=1))
    past = book(enrollment, lesson_pass, frozen - timedelta(hours=3))
    client = client_for(alpha, alpha.teacher)

    refused = client.post(f"/lessons/{future.pk}/mark/", {"outcome": "held"})
    marked = client.post(f"/lessons/{past.pk}/mark/", {"outcome": "held", "next": "https://evil.example/"})

    assert refused.status_code == 422 and "A lesson can be marked once it has started." in text(refused)
    assert marked["Location"] == "/teacher/lessons/"


def test_a_lesson_is_listed_unmarked_24_hours_and_1_minute_after_its_end_not_23_59(alpha, enrollment, lesson_pass,
                                                                                   frozen):
    lesson = book(enrollment, lesson_pass, frozen - timedelta(days=2))

    listed = selectors.unmarked_lessons(now=lesson.ends_at + timedelta(hours=24, minutes=1), teacher=alpha.teacher)
    not_yet = selectors.unmarked_lessons(now=lesson.ends_at + timedelta(hours=23, minutes=59), teacher=alpha.teacher)

    assert list(listed) == [lesson]
    assert list(not_yet) == []
    assert list(selectors.unmarked_lessons(now=lesson.ends_at + timedelta(days=1, minutes=1),
                                           teacher=alpha.teacher2)) == []


def test_the_teacher_and_the_manager_see_the_unmarked_lesson(client_for, alpha, enrollment, lesson_pass, frozen):
    # One-minute lessons, so that the two ends can be two minutes apart without overlapping.
    unmarked = book(enrollment, lesson_pass, frozen - timedelta(hours=24, minutes=2), minutes=1)  # ended 24 h 1 min ago
    recent = book(enrollment, lesson_pass, frozen - timedelta(hours=24), minutes=1)  # ended 23 h 59 min ago

    teacher_page = client_for(alpha, alpha.teacher).get("/teacher/lessons/").content.decode()
    manager_page = client_for(alpha, alpha.manager).get("/manager/lessons/").content.decode()

    not_marked = teacher_page.split("Not marked</h2>")[1].split("</section>")[0]
    assert f'data-lesson="{unmarked.pk}"' in not_marked and f'data-lesson="{recent.pk}"' not in not_marked
    school_wide = manager_page.split("Not marked</h2>")[1].split("<h2>")[0]
    assert f'data-lesson="{unmarked.pk}"' in school_wide and f'data-lesson="{recent.pk}"' not in school_wide


# The manager --------------------------------------------------------------------------------------
def test_the_manager_views_any_teachers_or_students_week(client_for, alpha, enrollment, lesson_pass, frozen):
    lesson = book(enrollment, lesson_pass, frozen + timedelta(hours=3))
    week = timezone.localdate(lesson.starts_at, _zone("Europe/Moscow"))
    client = client_for(alpha, alpha.manager)

    by_teacher = text(client.get(f"/manager/lessons/?teacher={alpha.teacher.pk}&week={week}"))
    by_student = text(client.get(f"/manager/lessons/?student={alpha.student.pk}&week={week}"))
    other_teacher = text(client.get(f"/manager/lessons/?teacher={alpha.teacher2.pk}&week={week}"))

    assert "Lessons of Tom Teacher" in by_teacher and f'data-lesson="{lesson.pk}"' in by_teacher
    assert "Lessons of Sam Student" in by_student and f'data-lesson="{lesson.pk}"' in by_student
    assert f'data-lesson="{lesson.pk}"' not in other_teacher and "No lessons this week." in other_teacher
    assert f'href="?teacher={alpha.teacher.pk}&amp;week=' in by_teacher


def test_the_manager_sees_teacher_cancellations_per_teacher_this_month(client_for, alpha, enrollment, lesson_pass,
                                                                       frozen):
    for hours in (3, 4):
        lesson_cancel(lesson=book(enrollment, lesson_pass, frozen + timedelta(hours=hours)), by=alpha.teacher,
                      now=frozen)
    lesson_cancel(lesson=book(enrollment, lesson_pass, frozen + timedelta(hours=30)), by=alpha.student, now=frozen)
    marked = book(enrollment, lesson_pass, frozen - timedelta(hours=2))
    lesson_mark(lesson=marked, outcome="cancelled_by_teacher", by=alpha.teacher, now=frozen)

    page = text(client_for(alpha, alpha.manager).get("/manager/lessons/"))

    assert '<tr class="cancellation-row"><td>Tom Teacher</td><td>3</td></tr>' in page
    assert page.count('class="cancellation-row"') == 1


def test_last_months_cancellations_do_not_count():
    moscow = _zone("Europe/Moscow")
    start, end = selectors.month_bounds(datetime(2026, 3, 1, 0, 30, tzinfo=moscow).astimezone(UTC), moscow)

    assert start == datetime(2026, 3, 1, tzinfo=moscow) and end == datetime(2026, 4, 1, tzinfo=moscow)


# The schedule sections: a calendar above, the list of coming weeks below (also without JavaScript) ---------
@pytest.mark.parametrize("who", ["student", "teacher"])
def test_the_schedule_shows_a_calendar_and_lists_the_coming_weeks(client_for, alpha, enrollment,
                                                                  lesson_pass, frozen, who):
    lesson = book(enrollment, lesson_pass, frozen + timedelta(days=1))
    lesson_cancel(lesson=book(enrollment, lesson_pass, frozen + timedelta(days=2)), by=alpha.student, now=frozen)

    page = text(client_for(alpha, getattr(alpha, who)).get(f"/{who}/schedule/"))

    assert 'data-calendar-config="calendar-config"' in page and f'"/{who}/schedule/events/"' in page
    assert f'data-lesson="{lesson.pk}"' in page and page.count("data-lesson=") == 1
    assert "Week of" in page


# The teacher's students ---------------------------------------------------------------------------
def test_the_teachers_students_page_shows_the_next_lesson_and_the_pass_balance(client_for, alpha, enrollment,
                                                                                lesson_pass, frozen):
    book(enrollment, lesson_pass, frozen - timedelta(days=1))
    nearest = book(enrollment, lesson_pass, frozen + timedelta(days=1))
    book(enrollment, lesson_pass, frozen + timedelta(days=2))

    page = text(client_for(alpha, alpha.teacher).get("/teacher/students/"))

    row = page.split("Sam Student")[1].split("</tr>")[0]
    assert f'datetime="{timezone.localtime(nearest.starts_at, _zone("Europe/Moscow")).isoformat()}"' in row
    assert row.endswith("<td>8</td>")


# Query counts ------------------------------------------------------------------------------------
@pytest.fixture
def big_pass(alpha, enrollment, frozen):
    product = Product.objects.create(name="40 lessons", lessons=40, price=9_990_00, currency="RUB")
    return pay(alpha.student, enrollment, product, now=frozen - timedelta(days=3))


def add_lessons(enrollment, lesson_pass, count, *, start):
    for index in range(count):
        book(enrollment, lesson_pass, start + timedelta(minutes=30 * index), minutes=30)


@pytest.mark.parametrize(("who", "url"), [
    ("student", "/student/lessons/"),
    ("student", "/student/schedule/"),
    ("teacher", "/teacher/lessons/?week={today}"),
    ("teacher", "/teacher/lessons/?day={today}"),
    ("teacher", "/teacher/schedule/"),
    ("teacher", "/teacher/students/"),
    ("manager", "/manager/lessons/?teacher={teacher}&week={today}"),
    ("manager", "/manager/lessons/?student={student}&week={today}"),
])
def test_lesson_lists_cost_the_same_with_3_or_30_lessons(client_for, alpha, enrollment, big_pass, frozen,
                                                         django_assert_max_num_queries, who, url):
    today = timezone.localdate(frozen, _zone("Europe/Moscow"))
    url = url.format(today=today, teacher=alpha.teacher.pk, student=alpha.student.pk)
    client = client_for(alpha, getattr(alpha, who))
    # Three lessons two days ago (not marked), then 27 today: past, started and still to come.
    add_lessons(enrollment, big_pass, 3, start=_at_moscow(today - timedelta(days=2), 10))
    client.get(url)
    with django_assert_max_num_queries(12) as few:
        client.get(url)

    add_lessons(enrollment, big_pass, 27, start=_at_moscow(today, 0))
    with django_assert_max_num_queries(12) as many:
        response = client.get(url)

    assert response.status_code == 200
    assert Lesson.objects.filter(enrollment=enrollment).count() == 30
    assert len(many.captured_queries) == len(few.captured_queries)


def test_rebook_links_and_freeze_forms_cost_no_query_per_lesson(client_for, alpha, enrollment, big_pass, frozen,
                                                                django_assert_max_num_queries):
    client = client_for(alpha, alpha.student)
    for index in range(3):
        lesson_cancel(lesson=book(enrollment, big_pass, frozen + timedelta(days=1, hours=index)),
                      by=alpha.student, now=frozen)
    client.get("/student/lessons/")
    with django_assert_max_num_queries(12) as few:
        client.get("/student/lessons/")

    for index in range(27):
        lesson_cancel(lesson=book(enrollment, big_pass, frozen + timedelta(days=3, hours=index)),
                      by=alpha.student, now=frozen)
    with django_assert_max_num_queries(12) as many:
        page = text(client.get("/student/lessons/"))

    assert page.count(">Book another time<") == 30
    assert len(many.captured_queries) == len(few.captured_queries)
