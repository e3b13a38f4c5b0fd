"""A student pays for a package in a real browser: our page → Stripe's (the local fake) → back.

The module runs its own Daphne, started after the fake Stripe so that its environment points at
it: the shared `server` fixture may already be running (started by another module, without
STRIPE_API_BASE), and this test must not depend on the order modules run in.
"""


import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django_tenants.utils import schema_context

from billing.models import LedgerEntry, Pass, Payment
from tests.billing.stripe_fixtures import *  # noqa: F403 (stripe_fake, stripe_api, committed_shop)
from tests.billing.stripe_fixtures import WEBHOOK_SECRET
from tests.conftest import PASSWORD
from tests.e2e.conftest import axe_violations, running_server

pytestmark = [pytest.mark.browser, pytest.mark.committed]


@pytest.fixture(scope="module")
def pay_server(stripe_fake, django_db_setup, django_db_blocker):
    """Daphne on the test database, talking to the fake Stripe."""
    with running_server(django_db_blocker, STRIPE_API_BASE=stripe_fake.url,
                        STRIPE_WEBHOOK_SECRET=WEBHOOK_SECRET) as started:
        yield started


@pytest.fixture
def logged_out_afterwards(committed_shop):
    """The browser's login is a committed session row: removed with the rest."""
    yield
    student = committed_shop.school.student
    with schema_context(committed_shop.school.school.schema_name):
        for session in Session.objects.all():
            if session.get_decoded().get("_auth_user_id") == str(student.pk):
                session.delete()
    connection.set_schema_to_public()


def test_a_student_pays_for_a_package_and_sees_the_pass(
    stripe_api, pay_server, committed_shop, logged_out_afterwards, browser
):
    alpha = committed_shop.school
    stripe_api.register_webhook(pay_server.url(alpha.host, "/billing/webhooks/stripe/"))
    context = browser.new_context(locale="en-US", timezone_id="Europe/Moscow")
    page = context.new_page()

    page.goto(pay_server.url(alpha.host, "/accounts/login/"))
    page.locator("input[name=login]").fill(alpha.student.email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form.form button[type=submit]").click()
    page.wait_for_url("**/student/")
    page.get_by_role("navigation").get_by_role("link", name="Payments").click()
    page.wait_for_url("**/student/payments/")
    assert page.get_by_text("No passes yet").is_visible()
    assert axe_violations(page) == []

    page.get_by_role("button", name="Pay", exact=True).click()

    page.wait_for_url(f"{stripe_api.url}/checkout/cs_test_*")
    assert page.get_by_role("heading", level=1).inner_text() == "Pay 1990.00 RUB"
    assert axe_violations(page) == []
    page.get_by_label("Card number").fill("4242 4242 4242 4242")
    page.get_by_label("Expiry (MM / YY)").fill("12 / 34")
    page.get_by_label("CVC").fill("123")
    page.get_by_role("button", name="Pay", exact=True).click()

    page.wait_for_url(pay_server.url(alpha.host, "/student/payments/"))
    assert page.get_by_role("status").inner_text().startswith("Paid! 8 lessons, valid until ")
    lesson_pass = page.locator("li.card.pass")
    assert " ".join(lesson_pass.locator(".pass-remaining").inner_text().split()) == "8 lessons left"
    assert axe_violations(page) == []
    context.close()

    # Stripe's webhook reached the server before the student was sent back, and was accepted.
    (delivery,) = stripe_api.deliveries
    assert (delivery.event_type, delivery.status, delivery.body) == ("checkout.session.completed", 200, "paid")
    with schema_context(alpha.school.schema_name):
        (payment,) = Payment.objects.filter(enrollment=committed_shop.enrollment)
        assert payment.status == "paid"
        assert Pass.objects.filter(payment=payment, lessons=8).count() == 1
        assert LedgerEntry.objects.filter(lesson_pass__payment=payment, kind="purchase").count() == 1
    connection.set_schema_to_public()
