"""The trial form by keyboard: the weekly grid is one Tab stop with arrow keys and quick ranges, empty
days say so, and a form sent back with errors puts focus on a summary of what to fix."""

import pytest

from tests.e2e.conftest import axe_violations

pytestmark = pytest.mark.browser
HOST = "panda.localhost"


def test_the_trial_form_is_quick_by_keyboard(server, browser, demo_school):
    context = browser.new_context(locale="en-GB", timezone_id="Europe/Moscow", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(server.url(HOST, "/trial/"))

    # From the goal to the submit button: a handful of Tab presses, not one per box of the grid.
    page.locator("#id_goal").focus()
    presses = 0
    while not page.evaluate("document.activeElement.matches('button[type=submit]')") and presses < 60:
        page.keyboard.press("Tab")
        presses += 1
    assert presses < 40

    first = page.locator("[data-week-grid] input[type=checkbox]").first
    first.focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Space")
    assert page.locator("[data-week-grid] input:checked").count() == 1
    focused = page.evaluate("document.activeElement.value")
    assert focused.startswith("1-")  # Tuesday, the second row's time

    page.locator("[data-range=weekday-evenings]").click()
    assert page.locator("[data-week-grid] input:checked").count() == 1 + 5 * 4
    page.locator("[data-range=none]").click()
    assert page.locator("[data-week-grid] input:checked").count() == 0

    page.locator("form.form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.evaluate("document.activeElement.matches('[data-error-summary]')")
    assert page.locator("[data-error-summary] a[href='#preferred-times']").count() == 1
    assert axe_violations(page) == []
    context.close()
