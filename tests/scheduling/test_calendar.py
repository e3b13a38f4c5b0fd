"""Calendar data: lessons in the viewer's zone as FullCalendar reads them, the teacher's hours and free
time, the manager's view of a teacher; date ranges checked; a few queries however many lessons."""

import json
import zoneinfo
from datetime import UTC, datetime, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from tenant_apps.scheduling.calendar import parse_range
from tenant_apps.scheduling.models import ExtraHours, Lesson, TimeOff
from tenant_apps.scheduling.services import _create_lesson, lesson_cancel
from tests.scheduling.conftest import PAID_AT, buy, teacher_hours

MOSCOW = zoneinfo.ZoneInfo("Europe/Moscow")
WEEK = "start=2026-03-02T00:00:00&end=2026-03-09T00:00:00"


@pytest.fixture
def frozen(monkeypatch):
    now = PAID_AT + timedelta(days=1)
    monkeypatch.setattr(timezone, "now", lambda: now)
    return now


@pytest.fixture
def lesson_pass(alpha, enrollment, package, frozen):
    teacher_hours(alpha.teacher, zone="Europe/London", starts=time(9), ends=time(12))
    return buy(alpha, enrollment, package)


def book(enrollment, lesson_pass, starts_at, minutes=60):
    return _create_lesson(enrollment=enrollment, lesson_pass=lesson_pass, starts_at=starts_at, minutes=minutes,
                          now=PAID_AT)


def events(client, url, query=WEEK):
    response = client.get(f"{url}?{query}")
    assert response.status_code == 200, response.content
    return response.json()


def test_the_students_week_shows_lessons_as_wall_clock_times_of_the_students_zone(client_for, alpha, enrollment,
                                                                                  lesson_pass):
    alpha.student.time_zone = "America/New_York"
    alpha.student.save(update_fields=["time_zone"])
    lesson = book(enrollment, lesson_pass, datetime(2026, 3, 4, 10, tzinfo=UTC))

    [event] = events(client_for(alpha, alpha.student), "/student/schedule/events/")

    # 10:00 UTC is 05:00 in New York (EST, UTC-5): served without offset, FullCalendar runs in that zone.
    assert event["start"] == "2026-03-04T05:00" and event["end"] == "2026-03-04T06:00"
    assert event["extendedProps"]["startUtc"] == "2026-03-04T10:00:00+00:00"
    assert event["title"] == "Tom Teacher · English"
    assert event["url"] == f"/lessons/{lesson.pk}/propose/"  # a click proposes another time
    page = client_for(alpha, alpha.student).get("/student/schedule/").content.decode()
    assert '"timeZone": "America/New_York"' in page


def test_the_calendar_follows_the_clock_change_of_the_viewers_zone(client_for, alpha, enrollment, lesson_pass):
    alpha.student.time_zone = "America/New_York"
    alpha.student.save(update_fields=["time_zone"])
    book(enrollment, lesson_pass, datetime(2026, 3, 7, 15, tzinfo=UTC))  # Saturday: EST
    book(enrollment, lesson_pass, datetime(2026, 3, 9, 15, tzinfo=UTC))  # Monday: EDT from 8 March

    starts = [e["start"] for e in events(client_for(alpha, alpha.student), "/student/schedule/events/",
                                         "start=2026-03-02&end=2026-03-16")]

    assert starts == ["2026-03-07T10:00", "2026-03-09T11:00"]


def test_cancelled_lessons_and_trials_show_with_their_status(client_for, alpha, enrollment, lesson_pass, frozen):
    cancelled = book(enrollment, lesson_pass, datetime(2026, 3, 5, 10, tzinfo=UTC))
    lesson_cancel(lesson=cancelled, by=alpha.student, now=frozen)
    Lesson.objects.create(kind="trial", enrollment=enrollment, teacher=alpha.methodologist, student=alpha.student,
                          starts_at=datetime(2026, 3, 6, 9, tzinfo=UTC),
                          ends_at=datetime(2026, 3, 6, 9, 30, tzinfo=UTC))

    shown = events(client_for(alpha, alpha.student), "/student/schedule/events/")

    by_kind = {e["extendedProps"]["kind"]: e for e in shown}
    assert "cal-cancelled" in by_kind["regular"]["classNames"]
    assert by_kind["regular"]["extendedProps"]["statusLabel"] == "cancelled in time"
    assert by_kind["trial"]["title"] == "Trial: Olga Method"


def test_the_teachers_week_shades_hours_and_free_time_around_lessons(client_for, alpha, enrollment, lesson_pass):
    alpha.teacher.time_zone = "Europe/Moscow"
    alpha.teacher.save(update_fields=["time_zone"])
    book(enrollment, lesson_pass, datetime(2026, 3, 4, 10, tzinfo=UTC))  # Wednesday 13:00 Moscow
    TimeOff.objects.create(teacher=alpha.teacher, starts_at=datetime(2026, 3, 5, tzinfo=UTC),
                           ends_at=datetime(2026, 3, 6, tzinfo=UTC))
    ExtraHours.objects.create(teacher=alpha.teacher, starts_at=datetime(2026, 3, 8, 18, tzinfo=UTC),
                              ends_at=datetime(2026, 3, 8, 20, tzinfo=UTC))

    shown = events(client_for(alpha, alpha.teacher), "/teacher/schedule/events/")

    def of(kind):
        return [(e["start"], e["end"]) for e in shown if kind in e.get("classNames", [])]

    # Hours 09–12 London = 12–15 Moscow; Thursday is a day off; Sunday has extra hours 21–23 Moscow.
    assert ("2026-03-04T12:00", "2026-03-04T15:00") in of("cal-hours")
    assert not [h for h in of("cal-hours") if h[0].startswith("2026-03-05")]
    assert ("2026-03-08T21:00", "2026-03-08T23:00") in of("cal-hours")
    wednesday_free = [f for f in of("cal-free") if f[0].startswith("2026-03-04")]
    assert wednesday_free == [("2026-03-04T12:00", "2026-03-04T13:00"), ("2026-03-04T14:00", "2026-03-04T15:00")]
    assert of("cal-off") == [("2026-03-05T03:00", "2026-03-06T03:00")]
    # Monday has passed (now is Tuesday 12:00 Moscow): its hours are shaded, none of it is offered as free.
    assert ("2026-03-02T12:00", "2026-03-02T15:00") in of("cal-hours")
    assert not [f for f in of("cal-free") if f[0].startswith("2026-03-02")]
    assert [f for f in of("cal-free") if f[0].startswith("2026-03-03")] == [("2026-03-03T12:00", "2026-03-03T15:00")]
    [lesson] = [e for e in shown if "cal-lesson" in e["classNames"]]
    assert lesson["start"] == "2026-03-04T13:00" and lesson["title"] == "Sam Student · English"
    assert lesson["url"].endswith("/move/")


def test_the_manager_sees_any_teachers_week(client_for, alpha, enrollment, lesson_pass):
    book(enrollment, lesson_pass, datetime(2026, 3, 4, 10, tzinfo=UTC))
    client = client_for(alpha, alpha.manager)

    shown = events(client, "/manager/lessons/events/", f"teacher={alpha.teacher.pk}&{WEEK}")

    assert [e["title"] for e in shown if "cal-lesson" in e["classNames"]] == ["Sam Student · English"]
    assert not [e for e in shown if e.get("url")]  # the manager looks, the teacher acts
    assert client.get(f"/manager/lessons/events/?teacher={alpha.student.pk}&{WEEK}").status_code == 404
    assert client.get(f"/manager/lessons/events/?teacher=x&{WEEK}").status_code == 404
    page = client.get(f"/manager/lessons/?teacher={alpha.teacher.pk}").content.decode()
    assert f"/manager/lessons/events/?teacher={alpha.teacher.pk}" in page


@pytest.mark.parametrize("url, allowed", [
    ("/student/schedule/events/", "student"),
    ("/teacher/schedule/events/", "teacher"),
    ("/manager/lessons/events/?teacher={teacher}&", "manager"),
])
@pytest.mark.access(
    "lessons:student_events",
    "lessons:teacher_events",
    "lessons:manager_events",
    who=("allowed", "wrong_role"),
)
def test_calendar_data_is_for_its_role_only(client_for, cast, alpha, url, allowed):
    url = url.format(teacher=alpha.teacher.pk)
    url = url + ("" if url.endswith("&") else "?") + WEEK
    for who in ("student", "teacher", "manager"):
        status = client_for(alpha, getattr(alpha, who)).get(url).status_code
        assert status == (200 if who == allowed else 403), who
    beta = Client(HTTP_HOST=cast.a.host)
    beta.cookies["sessionid"] = client_for(cast.b, getattr(cast.b, allowed)).cookies["sessionid"].value
    response = beta.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("query, message", [
    ("", "Give the calendar's start and end as dates."),
    ("start=yesterday&end=2026-03-09", "Give the calendar's start and end as dates."),
    ("start=2026-02-30&end=2026-03-09", "Give the calendar's start and end as dates."),
    ("start=2026-03-09&end=2026-03-02", "The calendar's end must come after its start."),
    ("start=2026-01-01&end=2026-06-01", "A calendar shows at most 62 days at once."),
])
def test_a_bad_range_is_refused_with_a_message(client_for, alpha, query, message):
    response = client_for(alpha, alpha.student).get(f"/student/schedule/events/?{query}")
    assert response.status_code == 400
    assert response.json() == {"error": message}


def test_ranges_with_offsets_and_without_are_read_in_the_viewers_zone():
    start, end = parse_range({"start": "2026-03-02T00:00:00+03:00", "end": "2026-03-09"}, MOSCOW)
    assert start == datetime(2026, 3, 1, 21, tzinfo=UTC) and end == datetime(2026, 3, 8, 21, tzinfo=UTC)
    start, _end = parse_range({"start": "2026-03-02T00:00:00 03:00", "end": "2026-03-03"}, UTC)  # "+" as a space
    assert start == datetime(2026, 3, 1, 21, tzinfo=UTC)
    with pytest.raises(ValidationError):
        parse_range({"start": "2026-03-02", "end": "2026-05-04"}, MOSCOW)


@pytest.mark.parametrize("who, url", [
    ("student", "/student/schedule/events/?"),
    ("teacher", "/teacher/schedule/events/?"),
    ("manager", "/manager/lessons/events/?teacher={teacher}&"),
])
def test_calendar_data_costs_the_same_queries_with_more_lessons(client_for, alpha, enrollment, package, frozen,
                                                               django_assert_max_num_queries, who, url):
    from billing.models import Product

    teacher_hours(alpha.teacher, zone="Europe/London", starts=time(0), ends=time(23, 59))
    big = buy(alpha, enrollment, Product.objects.create(name="40", lessons=40, price=1, currency="RUB"))
    url = url.format(teacher=alpha.teacher.pk) + WEEK
    client = client_for(alpha, getattr(alpha, who))
    book(enrollment, big, datetime(2026, 3, 3, 10, tzinfo=UTC))
    client.get(url)
    with django_assert_max_num_queries(10) as few:
        client.get(url)
    for hour in range(30):
        book(enrollment, big, datetime(2026, 3, 4, 0, tzinfo=UTC) + timedelta(hours=hour * 3))
    with django_assert_max_num_queries(10) as many:
        shown = json.loads(client.get(url).content)
    assert len([e for e in shown if "cal-lesson" in e.get("classNames", [])]) == 31
    assert len(many.captured_queries) == len(few.captured_queries)


def test_the_calendar_is_in_russian_for_a_russian_reader(client_for, alpha):
    alpha.teacher.language = "ru"
    alpha.teacher.save(update_fields=["language"])
    page = client_for(alpha, alpha.teacher).get("/teacher/schedule/").content.decode()
    assert '"locale": "ru"' in page


def test_the_managers_calendar_opens_on_the_week_the_list_shows(client_for, alpha):
    page = client_for(alpha, alpha.manager).get(f"/manager/lessons/?teacher={alpha.teacher.pk}&week=2026-03-04")
    assert '"initialDate": "2026-03-02"' in page.content.decode()
