"""The demo school in a real browser: Russian by default, fits a phone, accessible homes."""

import pytest

from shared_apps.platform.management.commands.seed_demo import DEMO_PASSWORD
from tests.e2e.conftest import axe_violations, has_horizontal_scroll

pytestmark = pytest.mark.browser
HOST = "panda.localhost"


def log_in(page, server, email):
    page.goto(server.url(HOST, "/accounts/login/"))
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    page.locator("form.form button[type=submit]").click()
    page.wait_for_load_state()


def test_the_demo_student_logs_in_and_sees_the_russian_dashboard(server, browser, demo_school):
    context = browser.new_context(locale="en-US", timezone_id="Europe/Moscow")
    page = context.new_page()

    log_in(page, server, "student.ivan@example.com")

    assert page.url == server.url(HOST, "/student/")
    assert page.locator("html").get_attribute("lang") == "ru"
    assert page.get_by_role("heading", level=1).inner_text() == "Здравствуйте, Иван!"
    assert page.get_by_text("Мои языки").is_visible()
    context.close()


def test_the_dashboard_has_no_horizontal_scroll_on_a_phone(server, browser, demo_school):
    context = browser.new_context(viewport={"width": 375, "height": 667}, locale="ru-RU")
    page = context.new_page()

    log_in(page, server, "student.ivan@example.com")

    assert page.url.endswith("/student/")
    assert not has_horizontal_scroll(page)
    context.close()


@pytest.mark.parametrize(
    ("email", "home"),
    [
        ("student.ivan@example.com", "/student/"),
        ("teacher.anna@example.com", "/teacher/"),
        ("methodologist@example.com", "/methodologist/"),
        ("manager@example.com", "/manager/"),
    ],
)
def test_each_roles_home_has_no_wcag_a_or_aa_violations(server, browser, demo_school, email, home):
    context = browser.new_context(locale="ru-RU")
    page = context.new_page()

    log_in(page, server, email)

    assert page.url == server.url(HOST, home)
    assert axe_violations(page) == []
    context.close()


def test_the_login_page_is_accessible(server, browser, demo_school):
    context = browser.new_context(locale="ru-RU")
    page = context.new_page()
    page.goto(server.url(HOST, "/accounts/login/"))

    assert axe_violations(page) == []
    context.close()
