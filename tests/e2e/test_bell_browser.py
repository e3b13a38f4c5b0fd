"""The live bell in a real browser: two pages of one person stay in step without a reload."""

import threading

import pytest
from django.db import connection, transaction
from django_tenants.utils import schema_context

from tenant_apps.accounts.notification_kinds import INVITATION_ACCEPTED
from tenant_apps.notifications.models import Notification
from tenant_apps.notifications.services import notify
from tests.conftest import PASSWORD
from tests.e2e.conftest import axe_violations

pytestmark = pytest.mark.browser


@pytest.fixture
def alpha_manager_notifications(committed_cast):
    """Three unread notifications for alpha's manager, committed; removed afterwards."""
    alpha = committed_cast.a
    with schema_context(alpha.school.schema_name):
        for index in range(3):
            Notification.objects.create(recipient=alpha.manager, kind=INVITATION_ACCEPTED, title=f"Welcome {index}")
    yield alpha
    with schema_context(alpha.school.schema_name):
        Notification.objects.filter(recipient=alpha.manager).delete()
    connection.set_schema_to_public()


def logged_in_pages(browser, server, host, email, count=2):
    context = browser.new_context(locale="en-US")
    first = context.new_page()
    first.goto(server.url(host, "/accounts/login/"))
    first.locator("input[name=login]").fill(email)
    first.locator("input[name=password]").fill(PASSWORD)
    first.locator("form.form button[type=submit]").click()
    first.wait_for_url("**/manager/")
    pages = [first] + [context.new_page() for _ in range(count - 1)]
    for page in pages:
        page.goto(server.url(host, "/manager/"))
        page.wait_for_selector("[data-bell][data-live=true]")
    return context, pages


def test_reading_in_one_page_clears_the_bell_in_the_other(server, browser, alpha_manager_notifications):
    alpha = alpha_manager_notifications
    context, (reader, watcher) = logged_in_pages(browser, server, alpha.host, "manager@alpha.test")
    assert watcher.locator("[data-bell-count]").inner_text() == "3"

    reader.goto(server.url(alpha.host, "/notifications/"))
    reader.get_by_role("button", name="Mark all as read").click()

    watcher.wait_for_selector("[data-bell][data-unread='0']", timeout=5000)
    assert watcher.locator("[data-bell-count]").is_hidden()
    assert watcher.get_by_role("link", name="Notifications", exact=True).is_visible()
    context.close()


def test_a_new_notification_raises_the_count_without_a_reload(server, browser, alpha_manager_notifications):
    alpha = alpha_manager_notifications
    context, (page,) = logged_in_pages(browser, server, alpha.host, "manager@alpha.test", count=1)
    page.evaluate("window.__marker = 'same page'")

    def someone_acts():
        # Its own thread, as a web request or a worker would be: Playwright's event loop owns this one.
        with schema_context(alpha.school.schema_name), transaction.atomic():
            notify(alpha.manager, INVITATION_ACCEPTED, {"name": "Nina", "roles": "Teacher"})
        connection.close()

    actor = threading.Thread(target=someone_acts)
    actor.start()
    actor.join()

    page.wait_for_selector("[data-bell][data-unread='4']", timeout=5000)
    assert page.evaluate("window.__marker") == "same page"  # no reload happened
    assert page.locator("[data-bell]").get_attribute("aria-label") == "Notifications, 4 unread"
    context.close()


def test_the_notifications_page_is_accessible(server, browser, alpha_manager_notifications):
    alpha = alpha_manager_notifications
    context, (page,) = logged_in_pages(browser, server, alpha.host, "manager@alpha.test", count=1)
    page.goto(server.url(alpha.host, "/notifications/"))

    assert axe_violations(page) == []
    context.close()
