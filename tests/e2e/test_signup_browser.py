"""A visitor signs a school up in a real browser and lands in it, logged in as its manager."""

import time

import pytest
from django.db import connection

from shared_apps.tenants.models import School
from tests.e2e.conftest import axe_violations, has_horizontal_scroll

pytestmark = pytest.mark.browser


@pytest.fixture
def delta_school_removed(committed_db):
    yield
    connection.set_schema_to_public()
    for school in School.objects.filter(schema_name="delta"):
        school.delete(force_drop=True)


def test_a_visitor_signs_a_school_up_and_lands_logged_in_as_its_manager(server, page, delta_school_removed):
    page.goto(server.url("localhost", "/signup/"))
    page.get_by_label("School name").fill("Delta Languages")
    page.get_by_label("Address").fill("delta")
    page.get_by_label("Time zone").select_option("Europe/Moscow")
    page.get_by_label("Site language").select_option("en")
    page.get_by_label("Your name").fill("Dora Owner")
    page.get_by_label("Your email").fill("dora@delta.test")
    page.get_by_label("Password").fill("a-long-unusual-passphrase")

    started = time.monotonic()
    page.get_by_role("button", name="Create the school").click()
    page.wait_for_url(server.url("delta.localhost", "/manager/"))
    elapsed = time.monotonic() - started

    assert "Delta Languages" in page.title()
    assert page.get_by_role("heading", name="School overview").is_visible()
    assert elapsed < 5, f"signup took {elapsed:.1f}s"
    # Host-only cookies: the platform site did not get the school's session.
    platform_cookies = page.context.cookies(server.url("localhost", "/"))
    assert not [c for c in platform_cookies if c["name"] == "sessionid"]


def test_the_landing_page_is_accessible_and_fits_a_phone(server, browser):
    context = browser.new_context(viewport={"width": 375, "height": 667}, locale="en-US")
    page = context.new_page()
    page.goto(server.url("localhost", "/"))

    assert page.get_by_role("heading", level=1).is_visible()
    assert not has_horizontal_scroll(page)
    assert axe_violations(page) == []
    context.close()


def test_the_landing_page_speaks_russian(server, browser):
    context = browser.new_context(locale="ru-RU")
    page = context.new_page()
    page.goto(server.url("localhost", "/"))

    assert page.locator("html").get_attribute("lang") == "ru"
    context.close()
