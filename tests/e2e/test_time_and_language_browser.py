"""Everyone's own time and language, in a real browser (Chromium's `timezone_id`) on the demo school.

A visitor's first page is already in the browser's zone, and the trial form keeps that zone; a student
in New York, London and Shanghai sees the same three lessons at their own wall clock on both sides of
the spring clock changes (New York moves on 14 March 2027, London on 28 March, Shanghai never); a
student whose device is elsewhere is offered the device's zone; the header's language switch changes
the next page and the next email.
"""

from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.db import connection
from django_tenants.utils import schema_context

from shared_apps.platform.management.commands.seed_demo import DEMO_PASSWORD
from tests.e2e.conftest import log_in, wait_until

pytestmark = pytest.mark.browser
HOST = "panda.localhost"
STUDENT, TEACHER = "student.maria@example.com", "teacher.anna@example.com"

# Three Wednesdays at 14:00 UTC around the spring clock changes.
LESSON_STARTS = [datetime(2027, 3, 3, 14, tzinfo=UTC), datetime(2027, 3, 17, 14, tzinfo=UTC),
                 datetime(2027, 3, 31, 14, tzinfo=UTC)]
WALL_CLOCKS = {  # zone: the offset and the wall clock of each of the three lessons
    "America/New_York": [("-05:00", "09:00"), ("-04:00", "10:00"), ("-04:00", "10:00")],
    "Europe/London": [("+00:00", "14:00"), ("+00:00", "14:00"), ("+01:00", "15:00")],
    "Asia/Shanghai": [("+08:00", "22:00"), ("+08:00", "22:00"), ("+08:00", "22:00")],
}


@pytest.fixture
def spring_lessons(demo_school, committed_db):
    from tenant_apps.learning.models import Enrollment
    from tenant_apps.scheduling.models import Lesson

    with schema_context("panda"):
        enrollment = Enrollment.objects.get(student__email=STUDENT, teacher__email=TEACHER, is_active=True)
        lessons = [Lesson.objects.create(enrollment=enrollment, teacher=enrollment.teacher, student=enrollment.student,
                                         starts_at=starts, ends_at=starts + timedelta(hours=1))
                   for starts in LESSON_STARTS]
    connection.set_schema_to_public()
    yield lessons
    with schema_context("panda"):
        Lesson.objects.filter(pk__in=[lesson.pk for lesson in lessons]).delete()
    connection.set_schema_to_public()


def _set_profile(email, **fields):
    from tenant_apps.accounts.models import User

    with schema_context("panda"):
        User.objects.filter(email=email).update(**fields)
        user = User.objects.get(email=email)
    connection.set_schema_to_public()
    return user


def _login(context, server, email):
    return log_in(context.new_page(), server.url(HOST, "/accounts/login/"), email, DEMO_PASSWORD)


@pytest.mark.parametrize("zone", list(WALL_CLOCKS))
def test_a_visitors_first_page_and_trial_form_are_in_the_browsers_zone(server, browser, demo_school, zone):
    context = browser.new_context(locale="en-GB", timezone_id=zone)
    page = context.new_page()

    page.goto(server.url(HOST, "/trial/"))  # no cookie yet: drawn in Moscow time, then re-read at once
    wait_until(page, f"document.documentElement.dataset.zone === {zone!r}")

    assert page.locator("input[name=time_zone]").input_value() == zone
    assert {"name": "tz", "value": zone.replace("/", "%2F")}.items() <= next(
        cookie for cookie in context.cookies() if cookie["name"] == "tz").items()
    context.close()


def test_a_student_sees_each_lesson_at_their_own_wall_clock_across_the_clock_changes(server, browser,
                                                                                   spring_lessons):
    try:
        for zone, expected in WALL_CLOCKS.items():
            _set_profile(STUDENT, time_zone="", language="en")  # no zone of her own: the device's is taken
            context = browser.new_context(locale="en-GB", timezone_id=zone, viewport={"width": 375, "height": 800})
            page = _login(context, server, STUDENT)
            page.goto(server.url(HOST, "/student/lessons/"))

            for lesson, (offset, clock) in zip(spring_lessons, expected, strict=True):
                local = lesson.starts_at.astimezone(_zone(zone))
                assert local.isoformat().endswith(offset)
                when = page.locator(f'time[datetime="{local.isoformat()}"]').first
                assert clock in when.inner_text()
            assert page.locator(".zone-note").inner_text().startswith("Times are in ")
            assert _set_profile(STUDENT).time_zone == zone  # the device's zone became hers at login
            context.close()
    finally:
        _set_profile(STUDENT, time_zone="", language="ru")  # as the demo seeds her


def test_a_student_abroad_is_offered_the_devices_zone(server, browser, spring_lessons):
    _set_profile(STUDENT, time_zone="Asia/Shanghai", language="en")
    try:
        context = browser.new_context(locale="en-GB", timezone_id="America/New_York")
        page = _login(context, server, STUDENT)
        page.goto(server.url(HOST, "/student/lessons/"))
        prompt = page.locator(".zone-prompt")
        assert "Your device is in New York." in prompt.inner_text()

        prompt.get_by_role("button", name="Use New York time").click()
        page.wait_for_load_state()

        assert _set_profile(STUDENT).time_zone == "America/New_York"
        assert page.locator(".zone-prompt").count() == 0
        assert "09:00" in page.locator('time[datetime="2027-03-03T09:00:00-05:00"]').first.inner_text()
        context.close()
    finally:
        _set_profile(STUDENT, time_zone="", language="ru")  # as the demo seeds her


def test_the_header_switch_changes_the_next_page_and_the_next_email(server, browser, demo_school, committed_db):
    from tenant_apps.accounts.notification_kinds import PASSWORD_CHANGED
    from tenant_apps.notifications.models import Notification
    from tenant_apps.notifications.services import notify

    _set_profile(STUDENT, language="ru")
    try:
        context = browser.new_context(locale="ru-RU", timezone_id="Europe/Moscow")
        page = _login(context, server, STUDENT)
        assert page.locator("html").get_attribute("lang") == "ru"

        with page.expect_navigation():
            page.locator("#language-select").select_option("en")
        assert page.locator("html").get_attribute("lang") == "en"
        page.goto(server.url(HOST, "/student/lessons/"))
        assert page.locator("html").get_attribute("lang") == "en"
        context.close()

        user = _set_profile(STUDENT)
        assert user.language == "en"
        mail.outbox.clear()
        with schema_context("panda"):
            notify(user, PASSWORD_CHANGED)
        connection.set_schema_to_public()
        email = mail.outbox[-1]
        assert email.subject.endswith("Your password was changed")
        assert '<html lang="en">' in email.alternatives[0][0]
    finally:
        _set_profile(STUDENT, language="ru")
        with schema_context("panda"):
            Notification.objects.filter(recipient__email=STUDENT, kind=PASSWORD_CHANGED).delete()
        connection.set_schema_to_public()


def _zone(name):
    import zoneinfo

    return zoneinfo.ZoneInfo(name)
