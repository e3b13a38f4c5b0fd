"""Each role's home and lists on a 375 px phone, in both languages, on the demo school: the next action is
above the fold, lists are cards with their actions on screen, the section menu is one button, axe finds
nothing, and no page shifts as it loads (CLS ≤ 0.05, measured with a PerformanceObserver)."""

import pytest

from shared_apps.platform.management.commands.seed_demo import DEMO_PASSWORD
from tests.e2e.conftest import axe_violations, has_horizontal_scroll, log_in

pytestmark = pytest.mark.browser
HOST = "panda.localhost"
PHONE = {"width": 375, "height": 740}
STUDENT, TEACHER = "student.maria@example.com", "teacher.anna@example.com"
MAX_CLS = 0.05

# Sums every layout shift not caused by input, from the first paint on (buffered).
CLS_OBSERVER = """
window.__cls = 0;
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) if (!entry.hadRecentInput) window.__cls += entry.value;
}).observe({ type: "layout-shift", buffered: true });
"""

PAGES = {
    STUDENT: ["/student/", "/student/schedule/", "/student/lessons/", "/student/payments/"],
    TEACHER: ["/teacher/", "/teacher/schedule/", "/teacher/lessons/"],
}


def _phone(browser, server, email, language):
    context = browser.new_context(viewport=PHONE, locale="ru-RU" if language == "ru" else "en-GB",
                                  timezone_id="Europe/London")
    context.add_init_script(CLS_OBSERVER)
    page = log_in(context.new_page(), server.url(HOST, "/accounts/login/"), email, DEMO_PASSWORD)
    with page.expect_navigation():
        page.locator("#language-select").select_option(language)
    return page


def _settled(page):
    """Loaded, the calendar (if any) drawn with its events, then a moment for late shifts."""
    page.wait_for_load_state("load")
    if page.locator(".calendar").count():
        page.wait_for_selector(".calendar[data-ready=true][aria-busy=false]")
    page.wait_for_timeout(400)


@pytest.mark.parametrize("language", ["ru", "en"])
@pytest.mark.parametrize("email", [STUDENT, TEACHER])
def test_homes_and_lists_fit_a_phone_without_shifting(server, browser, demo_school, email, language):
    page = _phone(browser, server, email, language)
    try:
        for path in PAGES[email]:
            page.goto(server.url(HOST, path))
            _settled(page)
            assert page.evaluate("window.__cls") <= MAX_CLS, path
            assert not has_horizontal_scroll(page), path
            assert axe_violations(page) == [], path
            # Every action button of a list is on screen (no column pushed off to the right).
            for box in page.locator("table.table-cards .button").evaluate_all(
                    "els => els.map(e => e.getBoundingClientRect().right)"):
                assert box <= PHONE["width"], path

        page.goto(server.url(HOST, PAGES[email][0]))
        next_card = page.locator(".home-next")
        assert next_card.bounding_box()["y"] < PHONE["height"] / 2  # the next action leads, above the fold
        menu = page.locator("[data-nav-toggle]")
        assert menu.is_visible() and not page.locator("#side-nav-list").is_visible()
        menu.click()
        assert page.locator("#side-nav-list").is_visible() and menu.get_attribute("aria-expanded") == "true"
    finally:
        page.context.close()


def test_on_a_computer_the_lists_stay_tables_and_the_menu_stays_open(server, browser, demo_school):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = log_in(context.new_page(), server.url(HOST, "/accounts/login/"), TEACHER, DEMO_PASSWORD)
    page.goto(server.url(HOST, "/teacher/lessons/"))

    assert page.locator("#side-nav-list").is_visible() and not page.locator("[data-nav-toggle]").is_visible()
    if page.locator("table.table-cards").count():
        assert page.locator("table.table-cards").first.evaluate("t => getComputedStyle(t).display") == "table"
    context.close()
