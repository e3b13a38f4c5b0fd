"""Times in the viewer's zone, stored in UTC; the interface in the viewer's language."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import timezone
from django_tenants.utils import schema_context

from tenant_apps.accounts.middleware import LanguageMiddleware, TimezoneMiddleware
from tenant_apps.accounts.models import User

LESSON_START = datetime(2026, 7, 15, 16, 0, tzinfo=UTC)


@pytest.mark.parametrize(("zone", "shown"), [("Europe/Moscow", "19:00"), ("America/New_York", "12:00"), ("", "19:00")])
def test_a_lesson_at_16_utc_in_july_shows_in_the_viewers_zone(cast, zone, shown):
    request = RequestFactory().get("/")
    request.user = User(email="v@x.test", time_zone=zone)  # empty: the school's zone (Moscow)
    request.tenant = cast.a.school
    request.COOKIES = {}

    rendered = []

    def view(req):
        rendered.append(Template('{{ start|time:"H:i" }}').render(Context({"start": LESSON_START})))
        return None

    TimezoneMiddleware(view)(request)

    assert rendered == [shown]
    assert timezone.get_current_timezone_name() == "UTC"  # deactivated after the request


def test_a_forged_time_zone_cookie_falls_back_to_the_schools_zone(cast):
    request = RequestFactory().get("/")
    request.user = User(email="v@x.test")
    request.tenant = cast.a.school
    request.COOKIES = {"tz": "Mars/Olympus"}

    assert TimezoneMiddleware.zone_for(request).key == "Europe/Moscow"


def test_a_russian_school_speaks_russian_and_a_user_may_choose_english(client_for, cast):
    school = cast.a.school
    school.default_language = "ru"
    school.save(update_fields=["default_language"])
    anonymous = client_for(cast.a).get("/accounts/login/")
    assert anonymous["Content-Language"] == "ru"

    student = cast.a.student
    student.language = "en"
    with schema_context(cast.a.school.schema_name):
        student.save(update_fields=["language"])
    assert client_for(cast.a, student).get("/student/")["Content-Language"] == "en"


def test_the_language_switcher_changes_the_language(client_for, cast):
    client = client_for(cast.a)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})

    assert client.get("/accounts/login/")["Content-Language"] == "en"
    client.post("/i18n/setlang/", {"language": "ru", "next": "/"})
    assert client.get("/accounts/login/")["Content-Language"] == "ru"


def test_language_middleware_prefers_the_users_choice(cast):
    request = RequestFactory().get("/", HTTP_ACCEPT_LANGUAGE="en")
    request.user = User(email="v@x.test", language="ru")
    request.tenant = cast.a.school
    assert LanguageMiddleware.language_for(request) == "ru"


def test_the_browsers_zone_arrives_url_encoded_and_is_decoded(cast):
    request = RequestFactory().get("/")
    request.user = User(email="v@x.test")
    request.tenant = cast.a.school
    request.COOKIES = {"tz": "America%2FNew_York"}

    assert TimezoneMiddleware.zone_and_source(request) == (ZoneInfo("America/New_York"), "device")


def test_the_header_switch_changes_a_logged_in_persons_profile_language(client_for, cast):
    student = cast.a.student
    with schema_context(cast.a.school.schema_name):
        User.objects.filter(pk=student.pk).update(language="ru")
    client = client_for(cast.a, student)

    client.post("/i18n/setlang/", {"language": "en", "next": "/student/"})

    assert client.get("/student/")["Content-Language"] == "en"
    with schema_context(cast.a.school.schema_name):
        assert User.objects.get(pk=student.pk).language == "en"


def _moscow_student(cast):
    with schema_context(cast.a.school.schema_name):
        User.objects.filter(pk=cast.a.student.pk).update(time_zone="Europe/Moscow", language="en")
    return cast.a.student


@pytest.mark.access("accounts:zone_choose", who="allowed")
def test_a_student_abroad_is_asked_and_may_switch_to_the_devices_zone(client_for, cast):
    student = _moscow_student(cast)
    client = client_for(cast.a, student)
    client.cookies["tz"] = "America%2FNew_York"

    page = client.get("/student/").content.decode()
    assert "Your device is in New York. Show times in New York time" in page

    response = client.post("/accounts/time-zone/", {"time_zone": "America/New_York", "answer": "switch",
                                                    "next": "/student/"})
    assert response["Location"] == "/student/"
    with schema_context(cast.a.school.schema_name):
        assert User.objects.get(pk=student.pk).time_zone == "America/New_York"
    assert "Your device is in" not in client.get("/student/").content.decode()


def test_keeping_ones_zone_stops_the_question_and_changes_nothing(client_for, cast):
    student = _moscow_student(cast)
    client = client_for(cast.a, student)
    client.cookies["tz"] = "Asia%2FShanghai"

    client.post("/accounts/time-zone/", {"time_zone": "Asia/Shanghai", "answer": "keep", "next": "https://evil.test/"})

    assert "Your device is in" not in client.get("/student/").content.decode()
    with schema_context(cast.a.school.schema_name):
        assert User.objects.get(pk=student.pk).time_zone == "Europe/Moscow"


@pytest.mark.access("accounts:zone_choose", who="wrong_role")
def test_an_unknown_zone_is_refused_and_nobody_else_can_answer(client_for, cast):
    student = cast.a.student
    response = client_for(cast.a, student).post("/accounts/time-zone/", {"time_zone": "Mars/Olympus",
                                                                         "answer": "switch"})
    assert response.status_code == 400
    anonymous = client_for(cast.a).post("/accounts/time-zone/", {"time_zone": "Asia/Shanghai", "answer": "switch"})
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]


def test_an_email_says_its_language_and_names_the_zone_of_its_times(cast, django_capture_on_commit_callbacks):
    from django.core import mail

    from tenant_apps.accounts.localtime import when_for
    from tenant_apps.accounts.notification_kinds import PASSWORD_CHANGED
    from tenant_apps.notifications.services import notify

    student = cast.a.student
    with schema_context(cast.a.school.schema_name):
        User.objects.filter(pk=student.pk).update(language="ru", time_zone="Asia/Shanghai")
        student.refresh_from_db()
        with django_capture_on_commit_callbacks(execute=True):
            notify(student, PASSWORD_CHANGED)
    html = mail.outbox[-1].alternatives[0][0]
    assert '<html lang="ru">' in html
    with schema_context(cast.a.school.schema_name):
        assert when_for(student, LESSON_START, school=cast.a.school) == "чт 16 июл. 2026, 00:00 (Шанхай, UTC+08:00)"
