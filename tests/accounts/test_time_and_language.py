"""Times in the viewer's zone, stored in UTC; the interface in the viewer's language."""

from datetime import UTC, datetime

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
