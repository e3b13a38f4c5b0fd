"""Moving a lesson in the school's admin goes through lesson_move: the calendar's rules, both sides told."""

import re
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from tenant_apps.notifications.models import Notification
from tenant_apps.scheduling.models import Lesson
from tests.scheduling.conftest import buy, make_plan, teacher_hours

MOSCOW = "Europe/Moscow"


@pytest.fixture
def lesson(alpha, enrollment, package, django_capture_on_commit_callbacks):
    teacher_hours(alpha.teacher, zone=MOSCOW, starts=time(8), ends=time(22))
    make_plan(enrollment, zone=MOSCOW, slots=((0, time(10)), (3, time(10))))
    with django_capture_on_commit_callbacks(execute=True):
        lesson_pass = buy(alpha, enrollment, package, now=timezone.now())
    return Lesson.objects.filter(lesson_pass=lesson_pass).order_by("starts_at")[2]


def post_time(client, lesson, when):
    """Post `when` as the change page shows times: the page's own wall clock (the viewer's zone), moved."""
    url = reverse("school_admin:scheduling_lesson_change", args=[lesson.pk])
    page = client.get(url).content.decode()
    day = re.search(r'name="starts_at_0" value="([^"]+)"', page)
    clock = re.search(r'name="starts_at_1" value="([^"]+)"', page)
    if day is None:  # read-only: post the time anyway, it must change nothing
        shown = timezone.localtime(when, ZoneInfo(MOSCOW))
    else:
        shown = datetime.fromisoformat(f"{day[1]}T{clock[1]}+00:00") + (when - lesson.starts_at)  # wall clock
    return client.post(url, {"starts_at_0": shown.strftime("%Y-%m-%d"), "starts_at_1": shown.strftime("%H:%M:%S"),
                             "_save": "Save"})


def test_a_manager_moves_a_lesson_in_the_admin_and_both_sides_are_told(alpha, lesson, client_for):
    new_time = lesson.starts_at + timedelta(hours=3)

    response = post_time(client_for(alpha, alpha.manager), lesson, new_time)

    assert response.status_code == 302
    moved = Lesson.objects.get(pk=lesson.pk)
    assert (moved.starts_at, moved.ends_at - moved.starts_at, moved.sequence) == (new_time, timedelta(hours=1),
                                                                                  lesson.sequence + 1)
    for person in (alpha.student, alpha.teacher):
        assert Notification.objects.filter(recipient=person, kind="scheduling.lesson_moved").count() == 1


def test_the_admin_refuses_a_time_outside_the_teachers_hours_and_changes_nothing(alpha, lesson, client_for):
    night = lesson.starts_at + timedelta(hours=13)  # 23:00 in Moscow

    response = post_time(client_for(alpha, alpha.manager), lesson, night)

    assert response.status_code == 200
    assert "outside the teacher&#x27;s working hours" in response.content.decode()
    assert Lesson.objects.get(pk=lesson.pk).starts_at == lesson.starts_at
    assert not Notification.objects.filter(kind="scheduling.lesson_moved").exists()


def test_a_past_or_cancelled_lesson_is_read_only_in_the_admin(alpha, lesson, client_for):
    Lesson.objects.filter(pk=lesson.pk).update(status="cancelled_in_time")
    client = client_for(alpha, alpha.manager)

    page = client.get(reverse("school_admin:scheduling_lesson_change", args=[lesson.pk])).content.decode()
    post_time(client, lesson, lesson.starts_at + timedelta(hours=3))

    assert 'name="starts_at_0"' not in page
    assert Lesson.objects.get(pk=lesson.pk).starts_at == lesson.starts_at
