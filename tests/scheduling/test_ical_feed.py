"""The private iCal feed: parses with `icalendar`, UIDs stay, a move raises SEQUENCE, a cancellation
keeps the UID with STATUS:CANCELLED; a revoked or another school's token is 404; a few queries."""

from datetime import UTC, datetime, time, timedelta

import icalendar
import pytest
from django.test import Client
from django_tenants.utils import schema_context

from tenant_apps.scheduling.ical import feed_enable
from tenant_apps.scheduling.models import CalendarFeed, Lesson
from tenant_apps.scheduling.reschedule import lesson_move
from tenant_apps.scheduling.services import _create_lesson, lesson_cancel
from tests.scheduling.conftest import PAID_AT, buy, teacher_hours

NOW = PAID_AT + timedelta(days=1)


@pytest.fixture
def frozen(monkeypatch):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "now", lambda: NOW)
    return NOW


@pytest.fixture
def lesson_pass(alpha, enrollment, package, frozen):
    teacher_hours(alpha.teacher)
    return buy(alpha, enrollment, package)


def book(enrollment, lesson_pass, starts_at):
    return _create_lesson(enrollment=enrollment, lesson_pass=lesson_pass, starts_at=starts_at, minutes=60, now=PAID_AT)


def read_feed(client, url) -> dict:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = icalendar.Calendar.from_ical(response.content)
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def feed_url(client) -> str:
    """The link the profile page shows, after pressing "Get a calendar link"."""
    response = client.post("/profile/calendar-feed/", {"action": "enable"})
    assert response.status_code == 302 and response["Location"] == "/profile/#calendar-feed"
    page = client.get("/profile/").content.decode()
    url = page.split('id="calendar-feed-url" type="text" value="')[1].split('"')[0]
    assert url.startswith("http://alpha.localhost/calendar/") and url.endswith(".ics")
    return url.removeprefix("http://alpha.localhost")


@pytest.mark.access("lessons:calendar_feed_manage", who="allowed")
def test_the_feed_lists_lessons_with_names_language_and_join_link(client_for, alpha, enrollment, lesson_pass):
    lesson = book(enrollment, lesson_pass, datetime(2026, 3, 5, 10, tzinfo=UTC))
    student = client_for(alpha, alpha.student)

    events = read_feed(Client(HTTP_HOST=alpha.host), feed_url(student))  # no login: calendar apps have none

    event = events[f"lesson-{lesson.pk}@alpha.panda"]
    assert event.decoded("DTSTART") == datetime(2026, 3, 5, 10, tzinfo=UTC)
    assert event.decoded("DTEND") == datetime(2026, 3, 5, 11, tzinfo=UTC)
    assert str(event["SUMMARY"]) == "English lesson with Tom Teacher"
    description = str(event["DESCRIPTION"])
    assert "Teacher: Tom Teacher" in description and "Student: Sam Student" in description
    assert "Language: English" in description
    assert str(event["URL"]) == f"http://alpha.localhost/lessons/{lesson.pk}/room/"
    assert str(event["STATUS"]) == "CONFIRMED" and int(event["SEQUENCE"]) == 0
    # The teacher's own feed shows the same lesson under the same UID, named after the student.
    teacher_events = read_feed(Client(HTTP_HOST=alpha.host), feed_url(client_for(alpha, alpha.teacher)))
    assert str(teacher_events[f"lesson-{lesson.pk}@alpha.panda"]["SUMMARY"]) == "English lesson with Sam Student"


def test_a_move_keeps_the_uid_and_raises_sequence_a_cancellation_keeps_it_cancelled(client_for, alpha, enrollment,
                                                                                    lesson_pass):
    moved = book(enrollment, lesson_pass, datetime(2026, 3, 5, 10, tzinfo=UTC))
    cancelled = book(enrollment, lesson_pass, datetime(2026, 3, 9, 10, tzinfo=UTC))
    url = feed_url(client_for(alpha, alpha.student))
    anonymous = Client(HTTP_HOST=alpha.host)
    before = read_feed(anonymous, url)

    lesson_move(lesson=moved, starts_at=datetime(2026, 3, 6, 12, tzinfo=UTC), by=alpha.teacher, now=NOW)
    lesson_cancel(lesson=cancelled, by=alpha.student, now=NOW)
    after = read_feed(anonymous, url)

    assert set(after) == set(before)  # UIDs are stable
    moved_event = after[f"lesson-{moved.pk}@alpha.panda"]
    assert moved_event.decoded("DTSTART") == datetime(2026, 3, 6, 12, tzinfo=UTC)
    assert int(moved_event["SEQUENCE"]) == 1
    cancelled_event = after[f"lesson-{cancelled.pk}@alpha.panda"]
    assert str(cancelled_event["STATUS"]) == "CANCELLED" and int(cancelled_event["SEQUENCE"]) == 1


@pytest.mark.access("lessons:calendar_feed_manage", who="allowed")
def test_a_revoked_or_regenerated_token_gets_404(client_for, alpha, enrollment, lesson_pass):
    student = client_for(alpha, alpha.student)
    old = feed_url(student)
    anonymous = Client(HTTP_HOST=alpha.host)

    student.post("/profile/calendar-feed/", {"action": "regenerate"})
    new = "/calendar/" + CalendarFeed.objects.get(user=alpha.student).token + ".ics"
    assert anonymous.get(old).status_code == 404
    assert anonymous.get(new).status_code == 200

    student.post("/profile/calendar-feed/", {"action": "revoke"})
    assert anonymous.get(new).status_code == 404
    assert not CalendarFeed.objects.filter(user=alpha.student).exists()
    assert "Get a calendar link" in student.get("/profile/").content.decode()


def test_another_schools_token_gets_404_on_this_schools_host(cast, alpha):
    with schema_context(cast.b.school.schema_name):
        beta_token = feed_enable(cast.b.student).token
    assert Client(HTTP_HOST=cast.b.host).get(f"/calendar/{beta_token}.ics").status_code == 200
    assert Client(HTTP_HOST=cast.a.host).get(f"/calendar/{beta_token}.ics").status_code == 404
    assert Client(HTTP_HOST=cast.a.host).get("/calendar/nonsense.ics").status_code == 404


@pytest.mark.access("lessons:calendar_feed_manage", who="wrong_role")
def test_managing_the_feed_needs_a_login_and_a_post(client_for, alpha):
    anonymous = Client(HTTP_HOST=alpha.host)
    assert anonymous.post("/profile/calendar-feed/", {"action": "enable"})["Location"].startswith("/accounts/login/")
    assert client_for(alpha, alpha.student).get("/profile/calendar-feed/").status_code == 405
    assert not CalendarFeed.objects.exists()


def test_the_feed_costs_the_same_queries_with_more_lessons(client_for, alpha, enrollment, package, frozen,
                                                           django_assert_max_num_queries):
    from billing.models import Product

    teacher_hours(alpha.teacher, starts=time(0), ends=time(23, 59))
    big = buy(alpha, enrollment, Product.objects.create(name="40", lessons=40, price=1, currency="RUB"))
    url = feed_url(client_for(alpha, alpha.student))
    anonymous = Client(HTTP_HOST=alpha.host)
    book(enrollment, big, datetime(2026, 3, 4, 10, tzinfo=UTC))
    anonymous.get(url)
    with django_assert_max_num_queries(6) as few:
        anonymous.get(url)
    for index in range(30):
        book(enrollment, big, datetime(2026, 3, 5, tzinfo=UTC) + timedelta(hours=index * 3))
    with django_assert_max_num_queries(6) as many:
        assert len(read_feed(anonymous, url)) == 31
    assert len(many.captured_queries) == len(few.captured_queries)
    assert Lesson.objects.count() == 31


def test_the_feed_speaks_the_users_language(client_for, alpha, enrollment, lesson_pass):
    alpha.student.language = "ru"
    alpha.student.save(update_fields=["language"])
    book(enrollment, lesson_pass, datetime(2026, 3, 5, 10, tzinfo=UTC))
    events = read_feed(Client(HTTP_HOST=alpha.host), feed_url(client_for(alpha, alpha.student)))
    [event] = events.values()
    assert "Tom Teacher" in str(event["SUMMARY"]) and "lesson with" not in str(event["SUMMARY"])
