"""The setup pages: a teacher's hours (weekly windows, days off, extra hours) and an enrollment's
weekly plan (who may set it, what is refused, booking it now across a clock change, two zones)."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.messages import get_messages
from django.utils import formats, timezone, translation

from billing.models import Product
from tenant_apps.accounts.localtime import when_for
from tenant_apps.notifications.models import Notification
from tenant_apps.scheduling import notification_kinds as kinds
from tenant_apps.scheduling.models import ExtraHours, Lesson, PlanSlot, TimeOff, WeeklyPlan, WorkingHours
from tenant_apps.scheduling.services import _create_lesson, within_hours
from tests.scheduling.conftest import buy, teacher_hours

HOURS = "/teacher/hours/"
LONDON, MOSCOW, NEW_YORK = ZoneInfo("Europe/London"), ZoneInfo("Europe/Moscow"), ZoneInfo("America/New_York")


def told(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def plan_url(enrollment) -> str:
    return f"/plans/{enrollment.pk}/"


def plan_data(zone="Europe/London", slots=((0, "19:00"), (3, "19:00")), minutes=60, book_now=False) -> dict:
    data = {
        "time_zone": zone, "lesson_minutes": str(minutes),
        "slots-TOTAL_FORMS": str(len(slots)), "slots-INITIAL_FORMS": "0",
        "slots-MIN_NUM_FORMS": "0", "slots-MAX_NUM_FORMS": "14",
    }
    for number, (weekday, at) in enumerate(slots):
        data[f"slots-{number}-weekday"] = str(weekday)
        data[f"slots-{number}-starts"] = at
    if book_now:
        data["book_now"] = "on"
    return data


def in_a_week() -> date:
    return (timezone.now() + timedelta(days=7)).astimezone(LONDON).date()


@pytest.fixture
def london_teacher(alpha):
    alpha.teacher.time_zone = "Europe/London"
    alpha.teacher.save(update_fields=["time_zone"])
    return alpha.teacher


# Teacher's hours: who may open them ------------------------------------------------------------
@pytest.mark.access("schedule_setup:hours", who="allowed")
def test_a_teacher_sees_their_hours_in_the_schools_zone_until_they_choose_one(alpha, client_for):
    response = client_for(alpha, alpha.teacher).get(HOURS)

    assert response.status_code == 200
    assert "Europe/Moscow" in response.content.decode()  # the school's zone: the teacher has none yet
    assert 'href="/plans/' not in response.content.decode()  # no students yet


@pytest.mark.access("schedule_setup:hours", "schedule_setup:hours_add", who="wrong_role")
@pytest.mark.parametrize("role", ["student", "manager", "methodologist"])
def test_other_roles_may_not_open_a_teachers_hours(alpha, client_for, role):
    client = client_for(alpha, getattr(alpha, role))

    assert client.get(HOURS).status_code == 403
    window = {"weekday": 0, "starts": "09:00", "ends": "13:00"}
    assert client.post("/teacher/hours/windows/add/", window).status_code == 403
    assert not WorkingHours.objects.exists()


def test_anonymous_visitors_and_another_schools_teacher_are_sent_to_log_in(cast, alpha, client_for):
    beta_session = client_for(cast.b, cast.b.teacher)

    for client in (client_for(alpha), beta_session):
        response = client.post("/teacher/hours/windows/add/", {"weekday": 0, "starts": "09:00", "ends": "13:00"},
                               HTTP_HOST=alpha.host)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/?next=")
        assert client.get(HOURS, HTTP_HOST=alpha.host)["Location"].startswith("/accounts/login/?next=")
    assert not WorkingHours.objects.exists()


def test_the_hours_page_costs_the_same_queries_with_more_students_and_plans(alpha, enrollment, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tenant_apps.learning.models import Language
    from tenant_apps.learning.services import enrollment_create

    client = client_for(alpha, alpha.teacher)
    teacher_hours(alpha.teacher)
    client.post(plan_url(enrollment), plan_data())

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(HOURS).status_code == 200
        return len(captured)

    one = queries()
    for student, code in ((alpha.student2, "en"), (alpha.student, "zh"), (alpha.student2, "zh")):
        more = enrollment_create(student=student, language=Language.objects.get(code=code), teacher=alpha.teacher,
                                 by=alpha.manager)
        client.post(plan_url(more), plan_data(slots=((1, "10:00"), (4, "12:00"))))

    assert queries() == one


# Weekly windows --------------------------------------------------------------------------------
@pytest.mark.access("schedule_setup:hours_add", "schedule_setup:hours_remove", who="allowed")
def test_a_teacher_adds_a_weekly_window_in_their_zone_and_removes_it(alpha, london_teacher, client_for):
    client = client_for(alpha, london_teacher)

    response = client.post("/teacher/hours/windows/add/", {"weekday": 0, "starts": "09:00", "ends": "13:00"})

    assert response.status_code == 302 and response["Location"] == HOURS
    window = WorkingHours.objects.get(teacher=london_teacher)
    assert (window.weekday, window.starts, window.ends, window.time_zone) == (0, time(9), time(13), "Europe/London")
    page = client.get(HOURS).content.decode()
    assert "09:00–13:00" in page and "Europe/London" in page

    assert client.post(f"/teacher/hours/windows/{window.pk}/remove/").status_code == 302
    assert not WorkingHours.objects.exists()


def test_a_window_must_end_after_it_starts(alpha, client_for):
    response = client_for(alpha, alpha.teacher).post(
        "/teacher/hours/windows/add/", {"weekday": 2, "starts": "13:00", "ends": "09:00"}
    )

    assert response.status_code == 422
    assert "The end must be after the start." in response.content.decode()
    assert not WorkingHours.objects.exists()


def test_windows_of_one_weekday_may_touch_but_not_overlap(alpha, client_for):
    client = client_for(alpha, alpha.teacher)
    add = lambda weekday, starts, ends: client.post(  # noqa: E731
        "/teacher/hours/windows/add/", {"weekday": weekday, "starts": starts, "ends": ends}
    )
    assert add(0, "09:00", "13:00").status_code == 302

    refused = add(0, "12:00", "14:00")

    assert refused.status_code == 422
    assert "This overlaps your Monday window 09:00–13:00." in refused.content.decode()
    assert add(0, "13:00", "15:00").status_code == 302  # back to back
    assert add(1, "12:00", "14:00").status_code == 302  # another weekday
    assert WorkingHours.objects.filter(teacher=alpha.teacher).count() == 3


@pytest.mark.access("schedule_setup:hours_zone", who="allowed")
def test_changing_the_zone_keeps_the_wall_clock_times_and_fills_an_empty_profile_zone(alpha, client_for):
    WorkingHours.objects.create(teacher=alpha.teacher, weekday=0, starts=time(9), ends=time(13),
                                time_zone="Europe/Moscow")

    response = client_for(alpha, alpha.teacher).post("/teacher/hours/zone/", {"time_zone": "Asia/Shanghai"})

    assert response.status_code == 302
    window = WorkingHours.objects.get()
    assert (window.starts, window.time_zone) == (time(9), "Asia/Shanghai")
    alpha.teacher.refresh_from_db()
    assert alpha.teacher.time_zone == "Asia/Shanghai"


@pytest.mark.access("schedule_setup:hours_remove", who="wrong_role")
def test_another_teachers_window_cannot_be_removed(alpha, client_for):
    window = WorkingHours.objects.create(teacher=alpha.teacher, weekday=0, starts=time(9), ends=time(13),
                                         time_zone="Europe/Moscow")

    response = client_for(alpha, alpha.teacher2).post(f"/teacher/hours/windows/{window.pk}/remove/")

    assert response.status_code == 404
    assert WorkingHours.objects.filter(pk=window.pk).exists()


# Days off and extra hours ---------------------------------------------------------------------
@pytest.mark.access("schedule_setup:time_off_add", who="allowed")
def test_days_off_are_whole_days_in_the_teachers_zone_and_close_the_hours(alpha, london_teacher, client_for):
    teacher_hours(london_teacher)  # 08:00–22:00 London, every day
    day = in_a_week()

    response = client_for(alpha, london_teacher).post(
        "/teacher/hours/days-off/add/", {"first_day": day.isoformat(), "last_day": day.isoformat(), "reason": "Dentist"}
    )

    assert response.status_code == 302
    time_off = TimeOff.objects.get(teacher=london_teacher)
    assert time_off.starts_at == datetime.combine(day, time(0), tzinfo=LONDON)
    assert time_off.ends_at == datetime.combine(day + timedelta(days=1), time(0), tzinfo=LONDON)
    ten = datetime.combine(day, time(10), tzinfo=LONDON)
    assert not within_hours(teacher=london_teacher, starts_at=ten, ends_at=ten + timedelta(hours=1))
    next_day = ten + timedelta(days=1)
    assert within_hours(teacher=london_teacher, starts_at=next_day, ends_at=next_day + timedelta(hours=1))


def test_days_off_warn_about_lessons_already_booked_then(alpha, london_teacher, enrollment, package, client_for):
    lesson_pass = buy(alpha, enrollment, package, now=timezone.now())
    day = in_a_week()
    _create_lesson(enrollment=enrollment, lesson_pass=lesson_pass, minutes=60, now=timezone.now(),
                   starts_at=datetime.combine(day, time(19), tzinfo=LONDON))

    response = client_for(alpha, london_teacher).post(
        "/teacher/hours/days-off/add/", {"first_day": day.isoformat(), "last_day": day.isoformat()}
    )

    assert "1 lesson is already booked on those days: it stays until you or the student cancel it." in told(response)


@pytest.mark.parametrize("first, last, message", [
    (8, 7, "The last day cannot be before the first day."),
    (-9, -8, "These days are over: days off in the past change nothing."),
])
def test_days_off_are_refused_with_a_clear_message(alpha, london_teacher, client_for, first, last, message):
    today = timezone.now().astimezone(LONDON).date()

    response = client_for(alpha, london_teacher).post("/teacher/hours/days-off/add/", {
        "first_day": (today + timedelta(days=first)).isoformat(),
        "last_day": (today + timedelta(days=last)).isoformat(),
    })

    assert response.status_code == 422
    assert message in response.content.decode()
    assert not TimeOff.objects.exists()


@pytest.mark.access("schedule_setup:extra_hours_add", who="allowed")
def test_extra_hours_open_one_day_outside_the_weekly_hours(alpha, london_teacher, client_for):
    day = in_a_week()
    client = client_for(alpha, london_teacher)

    refused = client.post("/teacher/hours/extra/add/", {"day": day.isoformat(), "starts": "08:00", "ends": "07:00"})
    response = client.post("/teacher/hours/extra/add/", {"day": day.isoformat(), "starts": "07:00", "ends": "08:00"})

    assert refused.status_code == 422 and "The end must be after the start." in refused.content.decode()
    assert response.status_code == 302
    seven = datetime.combine(day, time(7), tzinfo=LONDON)
    assert ExtraHours.objects.get().starts_at == seven
    assert within_hours(teacher=london_teacher, starts_at=seven, ends_at=seven + timedelta(hours=1))
    assert not within_hours(teacher=london_teacher, starts_at=seven + timedelta(days=7),
                            ends_at=seven + timedelta(days=7, hours=1))


# Weekly plan: who may set it -------------------------------------------------------------------
@pytest.mark.parametrize("who, status", [
    ("teacher", 200), ("manager", 200), ("methodologist", 200),  # the enrollment's teacher; staff
    ("student", 403),  # the enrollment's own student: sees it exists, may not change it
    ("student2", 404), ("teacher2", 404),  # anyone else: it does not exist
])
@pytest.mark.access("schedule_setup:plan", who=("allowed", "wrong_role"))
def test_the_plan_page_is_for_the_enrollments_teacher_a_methodologist_and_a_manager(alpha, enrollment, client_for,
                                                                                     who, status):
    client = client_for(alpha, getattr(alpha, who))

    assert client.get(plan_url(enrollment)).status_code == status
    assert client.post(plan_url(enrollment), plan_data()).status_code == (302 if status == 200 else status)
    assert WeeklyPlan.objects.filter(enrollment=enrollment).exists() == (status == 200)


def test_the_plan_of_a_missing_enrollment_is_not_found(alpha, client_for):
    assert client_for(alpha, alpha.manager).get("/plans/999999/").status_code == 404


def test_the_plan_page_sends_strangers_to_log_in(cast, alpha, enrollment, client_for):
    for client in (client_for(alpha), client_for(cast.b, cast.b.manager)):
        response = client.post(plan_url(enrollment), plan_data(), HTTP_HOST=alpha.host)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/?next=")
    assert not WeeklyPlan.objects.exists()


# Weekly plan: saving ---------------------------------------------------------------------------
def test_a_new_plan_defaults_to_the_teachers_zone_and_saving_replaces_its_times(alpha, london_teacher, enrollment,
                                                                                client_for):
    client = client_for(alpha, alpha.methodologist)
    assert client.get(plan_url(enrollment)).context["form"].initial["time_zone"] == "Europe/London"

    assert client.post(plan_url(enrollment), plan_data()).status_code == 302
    plan = WeeklyPlan.objects.get(enrollment=enrollment)
    assert (plan.time_zone, plan.lesson_minutes, plan.agreed_by) == ("Europe/London", 60, alpha.methodologist)
    assert list(plan.slots.values_list("weekday", "starts")) == [(0, time(19)), (3, time(19))]

    client.post(plan_url(enrollment), plan_data(slots=((0, "19:00"), (4, "08:30")), minutes=45))

    plan.refresh_from_db()
    assert plan.lesson_minutes == 45 and WeeklyPlan.objects.count() == 1
    slots = PlanSlot.objects.filter(plan=plan).values_list("weekday", "starts")
    assert list(slots) == [(0, time(19)), (4, time(8, 30))]


@pytest.mark.parametrize("data, message", [
    (plan_data(slots=()), "Add at least one weekly time."),
    (plan_data(slots=((0, "19:00"), (0, "19:30"))), "Two weekly times are closer together than one lesson (60 min)."),
    (plan_data(slots=((6, "23:30"), (0, "00:15"))), "Two weekly times are closer together than one lesson (60 min)."),
    (plan_data(slots=((0, ""),)), "Give both the weekday and the time, or leave both empty."),
    (plan_data(minutes=5), "Ensure this value is greater than or equal to 15."),
])
def test_a_plan_is_refused_with_a_clear_message(alpha, enrollment, client_for, data, message):
    response = client_for(alpha, alpha.teacher).post(plan_url(enrollment), data)

    assert response.status_code == 422
    assert message in response.content.decode()
    assert not WeeklyPlan.objects.exists()


def test_a_time_outside_the_teachers_hours_is_saved_with_a_warning(alpha, london_teacher, enrollment, client_for):
    for weekday in range(5):
        WorkingHours.objects.create(teacher=london_teacher, weekday=weekday, starts=time(9), ends=time(17),
                                    time_zone="Europe/London")
    client = client_for(alpha, london_teacher)

    response = client.post(plan_url(enrollment), plan_data(slots=((0, "10:00"), (3, "19:00"))))

    assert response.status_code == 302
    assert WeeklyPlan.objects.get().slots.count() == 2
    warnings = [m for m in told(response) if "outside the teacher's working hours" in m]
    assert warnings == ["Thursday 19:00 is outside the teacher's working hours: lessons then are booked but flagged "
                        "for the teacher."]


def test_booking_now_without_a_running_pass_books_nothing_and_says_so(alpha, enrollment, client_for):
    response = client_for(alpha, alpha.teacher).post(plan_url(enrollment), plan_data(book_now=True))

    assert response.status_code == 302
    assert "There is no running pass to book into: the plan books itself when one is paid." in told(response)
    assert not Lesson.objects.exists()


def _next_clock_change(zone: ZoneInfo, after: datetime) -> datetime:
    offset, day = after.astimezone(zone).utcoffset(), after
    while day.astimezone(zone).utcoffset() == offset:
        day += timedelta(days=1)
    return day


def test_booking_now_keeps_19_london_across_the_next_clock_change(alpha, london_teacher, enrollment, client_for):
    """Whichever change comes next (spring or autumn), the pass spans it and every lesson stays at 19:00."""
    teacher_hours(london_teacher)  # 08:00–22:00 London, every day
    now = timezone.now()
    days = (_next_clock_change(LONDON, now) - now).days + 22
    product = Product.objects.create(name="Long pass", lessons=2 * (days // 7 + 2), validity_days=days, price=100,
                                     currency="RUB")
    lesson_pass = buy(alpha, enrollment, product, now=now)

    response = client_for(alpha, london_teacher).post(plan_url(enrollment), plan_data(book_now=True))

    lessons = list(Lesson.objects.filter(lesson_pass=lesson_pass))
    assert len(lessons) >= 2 * (days // 7) and not any(lesson.needs_attention for lesson in lessons)
    local = {lesson.starts_at.astimezone(LONDON).strftime("%a %H:%M") for lesson in lessons}
    assert local == {"Mon 19:00", "Thu 19:00"}
    assert {lesson.starts_at.astimezone(UTC).hour for lesson in lessons} == {18, 19}  # summer and winter time
    with translation.override("en"):
        until = formats.date_format(lesson_pass.valid_until.astimezone(LONDON), "DATETIME_FORMAT")
    assert f"{len(lessons)} lessons booked into the pass valid until {until}." in told(response)


def test_a_teacher_in_moscow_and_a_student_in_new_york_see_the_same_instant(alpha, enrollment, package, client_for):
    alpha.teacher.time_zone, alpha.student.time_zone = "Europe/Moscow", "America/New_York"
    alpha.teacher.save(update_fields=["time_zone"])
    alpha.student.save(update_fields=["time_zone"])
    teacher_hours(alpha.teacher, zone="Europe/Moscow", starts=time(9), ends=time(22))
    buy(alpha, enrollment, package, now=timezone.now())
    client = client_for(alpha, alpha.teacher)

    client.post(plan_url(enrollment), plan_data(zone="Europe/Moscow", slots=((0, "19:00"),), book_now=True))

    first = Lesson.objects.filter(enrollment=enrollment).order_by("starts_at").first()
    assert first.starts_at.astimezone(MOSCOW).strftime("%a %H:%M") == "Mon 19:00"
    new_york = first.starts_at.astimezone(NEW_YORK)
    # The student is told in their own zone: Monday 11:00 (12:00 while New York is on summer time).
    told_student = Notification.objects.get(recipient=alpha.student, kind=kinds.LESSONS_BOOKED).context["first"]
    assert told_student == when_for(alpha.student, first.starts_at, school=alpha.school)
    assert told_student.startswith("Mon ") and "(New York time, UTC−0" in told_student
    # The teacher's page shows both sides of the next lesson: the same instant, two wall clocks.
    row = client.get(plan_url(enrollment)).context["rows"][0]
    assert row["instant"] == first.starts_at
    assert row["teacher_sees"] == "Monday 19:00"
    assert row["student_sees"] == f"Monday {new_york:%H:%M}" and new_york.hour in (11, 12)


def test_booking_now_reports_a_time_another_lesson_holds(alpha, london_teacher, enrollment, package, client_for):
    teacher_hours(london_teacher)
    lesson_pass = buy(alpha, enrollment, package, now=timezone.now())
    plan_book_first = next(  # the first Monday 19:00 London from now, taken by another lesson of the teacher
        instant for instant in (timezone.now() + timedelta(hours=h) for h in range(1, 24 * 8))
        if instant.astimezone(LONDON).strftime("%a %H") == "Mon 19"
    ).astimezone(LONDON).replace(minute=0, second=0, microsecond=0)
    _create_lesson(enrollment=enrollment, lesson_pass=lesson_pass, starts_at=plan_book_first, minutes=30,
                   now=timezone.now())

    response = client_for(alpha, london_teacher).post(plan_url(enrollment), plan_data(book_now=True))

    clash = [message for message in told(response) if message.startswith("Not booked")]
    assert len(clash) == 1
    assert not Lesson.objects.filter(plan__isnull=False, starts_at=plan_book_first).exists()



# The demo --------------------------------------------------------------------------------------
def test_the_demo_gets_hours_and_plans_and_seeding_again_changes_nothing(alpha):
    from billing.demo import seed_billing
    from shared_apps.platform.management.commands.seed_demo import DEMO_CAST
    from tenant_apps.accounts.services import user_create
    from tenant_apps.learning.demo import seed_learning
    from tenant_apps.scheduling.demo import seed_scheduling

    for email, name, roles, language in DEMO_CAST:
        user_create(email=email, password=None, full_name=name, language=language, **roles)
    seed_learning()
    seed_billing()

    def counts():
        return WorkingHours.objects.count(), PlanSlot.objects.count(), Lesson.objects.count()

    seed_scheduling()
    first = counts()
    seed_scheduling()

    assert counts() == first and first[:2] == (11, 5)
    hours = set(WorkingHours.objects.values_list("teacher__email", "time_zone", "starts", "ends"))
    assert hours == {("teacher.anna@example.com", "Europe/London", time(9), time(21)),
                     ("teacher.li@example.com", "Asia/Shanghai", time(10), time(22))}
    plans = {
        (plan.enrollment.student.email, plan.enrollment.language.code, plan.time_zone,
         tuple((slot.weekday, slot.starts) for slot in plan.slots.all()))
        for plan in WeeklyPlan.objects.select_related("enrollment__student", "enrollment__language")
    }
    assert plans == {
        ("student.ivan@example.com", "en", "Europe/London", ((0, time(19)), (3, time(19)))),
        ("student.ivan@example.com", "zh", "Asia/Shanghai", ((1, time(12)),)),
        ("student.maria@example.com", "en", "Europe/London", ((2, time(18)),)),
        ("student.alex@example.com", "zh", "Asia/Shanghai", ((5, time(11)),)),
    }
    # Every lesson falls inside its pass, at its plan's wall-clock time in the plan's zone.
    lessons = Lesson.objects.select_related("lesson_pass", "plan")
    assert lessons.exists()
    assert all(lesson.starts_at < lesson.lesson_pass.valid_until for lesson in lessons)
    for lesson in lessons:
        local = lesson.starts_at.astimezone(lesson.plan.zone)
        assert (local.weekday(), local.time()) in {(slot.weekday, slot.starts) for slot in lesson.plan.slots.all()}
