"""Calendars in a real browser on the demo school: the teacher's week shows the demo lessons at the
teacher's wall-clock times (whatever the browser's own zone), then the student proposes another
time from their calendar, the teacher accepts, and both calendars show the lesson at its new time."""

import os
import zoneinfo

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

from shared_apps.platform.management.commands.seed_demo import DEMO_PASSWORD
from tests.e2e.conftest import axe_violations, has_horizontal_scroll

pytestmark = pytest.mark.browser
HOST = "panda.localhost"
TEACHER, STUDENT = "teacher.anna@example.com", "student.maria@example.com"
SHOTS = os.environ.get("PANDA_SCREENSHOTS")  # a folder: the test also saves what it saw there


def login(browser, server, email, **options):
    context = browser.new_context(**options)
    page = context.new_page()
    page.goto(server.url(HOST, "/accounts/login/"))
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    page.locator("form.form button[type=submit]").click()
    page.wait_for_load_state()
    return page


def show_week_of(page, path, instant):
    """Open the schedule page and move its calendar to the week holding `instant`."""
    page.goto(server_url(page, path))
    page.wait_for_selector(".calendar[data-ready=true]")
    page.evaluate("iso => document.querySelector('.calendar').calendar.gotoDate(iso)", instant.isoformat())
    page.wait_for_selector(".calendar[aria-busy=false]")


def server_url(page, path):
    base = page.url.split("/", 3)
    return f"{base[0]}//{base[2]}{path}"


def event_at(page, instant):
    return page.locator(f'.calendar .cal-lesson[data-start-utc="{instant.isoformat()}"]')


def shot(page, name):
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def demo_lessons():
    """Maria's coming English lessons with Anna (the demo books Wednesdays 18:00 London)."""
    from tenant_apps.scheduling.models import Lesson

    with schema_context("panda"):
        lessons = list(Lesson.objects.filter(student__email=STUDENT, teacher__email=TEACHER, status="scheduled",
                                             starts_at__gt=timezone.now()).order_by("starts_at"))
    connection.set_schema_to_public()
    return lessons


def test_the_teachers_week_then_a_proposal_accepted_moves_the_lesson_on_both_calendars(server, browser, demo_school,
                                                                                     committed_db):
    london = zoneinfo.ZoneInfo("Europe/London")
    lessons = demo_lessons()
    assert lessons, "the demo books Maria's Wednesday lessons"
    lesson = lessons[0]
    # The browser thinks it is in Los Angeles: the calendar still runs in Anna's zone (London).
    teacher = login(browser, server, TEACHER, viewport={"width": 1280, "height": 900}, locale="en-GB",
                    timezone_id="America/Los_Angeles")

    show_week_of(teacher, "/teacher/schedule/", lesson.starts_at)

    event = event_at(teacher, lesson.starts_at)
    event.wait_for()
    local = lesson.starts_at.astimezone(london)
    assert event.locator(".fc-event-time").inner_text().startswith(local.strftime("%H:%M"))
    column = teacher.locator(f'.fc-timegrid-col[data-date="{local:%Y-%m-%d}"]')
    assert column.locator(f'[data-start-utc="{lesson.starts_at.isoformat()}"]').count() == 1
    assert teacher.locator(".fc-bg-event.cal-free").count() > 0  # Anna's free time is shaded
    assert teacher.locator(".fc-bg-event.cal-hours").count() > 0
    shot(teacher, "teacher-week")
    assert axe_violations(teacher) == []

    # Maria (Russian, her browser in Tokyo) clicks the lesson in her calendar and proposes another free time.
    student = login(browser, server, STUDENT, viewport={"width": 375, "height": 800}, locale="ru-RU",
                    timezone_id="Asia/Tokyo")
    show_week_of(student, "/student/schedule/", lesson.starts_at)
    assert not has_horizontal_scroll(student)
    assert student.locator(".fc-list").count() == 1  # a list at phone width
    shot(student, "student-list-phone")
    event_at(student, lesson.starts_at).locator("a").first.click()
    student.wait_for_url(f"**/lessons/{lesson.pk}/propose/")
    choice = student.locator("input[name=starts_at]").nth(3)
    new_start = timezone.datetime.fromisoformat(choice.get_attribute("value"))
    choice.check()
    student.locator("form.slot-picker button[type=submit]").click()
    student.wait_for_url("**/student/lessons/")
    assert student.locator("[data-proposal]").count() == 1
    assert axe_violations(student) == []

    # Anna accepts on her schedule page.
    teacher.goto(server_url(teacher, "/teacher/schedule/"))
    teacher.locator("[data-proposal] button", has_text="Accept").click()
    teacher.wait_for_load_state()
    assert teacher.locator("[data-proposal]").count() == 0
    show_week_of(teacher, "/teacher/schedule/", new_start)
    moved = event_at(teacher, new_start)
    moved.wait_for()
    assert moved.locator(".fc-event-time").inner_text().startswith(new_start.astimezone(london).strftime("%H:%M"))
    shot(teacher, "teacher-after-move")

    # Maria's calendar shows it too, at the same instant, in her browser's zone (Tokyo): she has no
    # zone of her own, so the device's became hers when she logged in.
    show_week_of(student, "/student/schedule/", new_start)
    event_at(student, new_start).wait_for()
    tokyo = new_start.astimezone(zoneinfo.ZoneInfo("Asia/Tokyo"))
    assert tokyo.strftime("%H:%M") in event_at(student, new_start).inner_text()
    if new_start.date() != lesson.starts_at.date():
        assert event_at(student, lesson.starts_at).count() == 0
    from tenant_apps.scheduling.models import Lesson

    with schema_context("panda"):
        after = Lesson.objects.get(pk=lesson.pk)
    connection.set_schema_to_public()
    assert after.starts_at == new_start and after.sequence == lesson.sequence + 1
    teacher.context.close()
    student.context.close()
