"""Every section of every role's navigation, opened by a real browser on a phone.

The demo school's people walk their own areas: each page answers 200, fits 375 px without
sideways scrolling, and axe-core finds no WCAG A/AA violation.
"""

import pytest

from shared_apps.platform.management.commands.seed_demo import DEMO_PASSWORD
from tenant_apps.areas.navigation import navigation
from tests.e2e.conftest import axe_violations, has_horizontal_scroll

pytestmark = pytest.mark.browser
HOST = "panda.localhost"
WALKERS = {
    "student": "student.ivan@example.com",
    "teacher": "teacher.anna@example.com",
    "methodologist": "methodologist@example.com",
    "manager": "manager@example.com",
}
# Pages reached from an area rather than its side navigation.
EXTRA = {
    "student": ["/profile/", "/notifications/", "/notifications/preferences/", "/accounts/2fa/",
                "/student/dictionary/review/"],
    "teacher": ["/teacher/hours/", "/profile/"],
    "manager": ["/manager/products/new/"],
}


@pytest.mark.parametrize("role", list(WALKERS))
def test_every_page_of_a_role_opens_fits_a_phone_and_is_accessible(server, browser, demo_school, role):
    context = browser.new_context(viewport={"width": 375, "height": 740}, locale="ru-RU")
    page = context.new_page()
    page.goto(server.url(HOST, "/accounts/login/"))
    page.locator("input[name=login]").fill(WALKERS[role])
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    page.locator("form.form button[type=submit]").click()
    page.wait_for_load_state()

    problems = []
    for path in [item["url"] for item in navigation(role)] + EXTRA.get(role, []):
        response = page.goto(server.url(HOST, path))
        if response.status != 200:
            problems.append((path, f"HTTP {response.status}"))
            continue
        if has_horizontal_scroll(page):
            problems.append((path, "scrolls sideways at 375 px"))
        violations = axe_violations(page)
        if violations:
            problems.append((path, violations))
    context.close()

    assert problems == []


@pytest.mark.parametrize(
    ("host", "path"),
    [
        ("localhost", "/"),
        ("localhost", "/signup/"),
        (HOST, "/"),
        (HOST, "/accounts/login/"),
        (HOST, "/accounts/signup/"),
        (HOST, "/accounts/password/reset/"),
        ("nowhere.localhost", "/"),
    ],
)
def test_every_page_a_visitor_reaches_fits_a_phone_and_is_accessible(server, browser, demo_school, host, path):
    context = browser.new_context(viewport={"width": 375, "height": 740}, locale="ru-RU")
    page = context.new_page()

    response = page.goto(server.url(host, path))

    assert response.status == (404 if host.startswith("nowhere") else 200)
    assert not has_horizontal_scroll(page)
    assert axe_violations(page) == []
    context.close()
