"""`make run`'s payments: the demo Stripe (devtools/fake_stripe.py) started as scripts/run-dev starts it.

The fake runs in its own process with the command line of scripts/run-dev, and delivers its webhooks to
the platform's endpoint of a real Daphne; a browser pays with the demo card (after one declined card)
and the student sees the lessons of the agreed weekly plan.
"""

import subprocess
import sys
from datetime import time

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

from billing.models import LedgerEntry, Pass, Payment
from tests.billing.stripe_fixtures import *  # noqa: F403 (committed_shop)
from tests.conftest import PASSWORD
from tests.e2e.conftest import ROOT, _free_port, _wait_for_port, axe_violations, running_server

pytestmark = [pytest.mark.browser, pytest.mark.committed]

DEV_SECRET = "whsec_panda_local"  # scripts/run-dev's


@pytest.fixture(scope="module")
def demo_payments(django_db_setup, django_db_blocker):
    """Daphne with run-dev's payment settings, and the fake Stripe process delivering to it."""
    fake_port = _free_port()
    with running_server(django_db_blocker, STRIPE_API_BASE=f"http://127.0.0.1:{fake_port}",
                        STRIPE_SECRET_KEY="sk_test_panda_local", STRIPE_WEBHOOK_SECRET=DEV_SECRET,
                        PAYMENTS_DEMO="1") as server:
        fake = subprocess.Popen(
            [sys.executable, "-m", "devtools.fake_stripe", "--port", str(fake_port),
             "--webhook", server.url("localhost", "/webhooks/stripe/"), "--webhook-secret", DEV_SECRET],
            cwd=ROOT,
        )
        try:
            _wait_for_port(fake_port, fake)
            yield server
        finally:
            fake.terminate()
            fake.wait(timeout=10)


@pytest.fixture
def weekly_plan(committed_shop):
    """Mondays and Thursdays at 10:00 UTC with alpha's teacher, who works every day 08–20 UTC."""
    from tenant_apps.notifications.models import Notification
    from tenant_apps.scheduling.models import Lesson, WeeklyPlan, WorkingHours
    from tenant_apps.scheduling.setup_services import weekly_plan_save, working_hours_add

    alpha, enrollment = committed_shop.school, committed_shop.enrollment
    started = timezone.now()
    with schema_context(alpha.school.schema_name):
        hours = [working_hours_add(teacher=alpha.teacher, weekday=day, starts=time(8), ends=time(20), time_zone="UTC")
                 for day in range(7)]
        weekly_plan_save(enrollment=enrollment, by=alpha.manager, time_zone="UTC", lesson_minutes=60,
                         slots=[(0, time(10)), (3, time(10))])
    connection.set_schema_to_public()
    yield
    with schema_context(alpha.school.schema_name):
        Lesson.objects.filter(enrollment=enrollment).delete()
        WeeklyPlan.objects.filter(enrollment=enrollment).delete()
        WorkingHours.objects.filter(pk__in=[h.pk for h in hours]).delete()
        Notification.objects.filter(recipient=alpha.teacher, created_at__gte=started).delete()
    connection.set_schema_to_public()


@pytest.fixture
def logged_out_afterwards(committed_shop):
    from django.contrib.sessions.models import Session

    yield
    with schema_context(committed_shop.school.school.schema_name):
        Session.objects.all().delete()
    connection.set_schema_to_public()


def test_a_student_pays_with_the_demo_card_and_the_plans_lessons_appear(
    demo_payments, committed_shop, weekly_plan, logged_out_afterwards, browser
):
    alpha = committed_shop.school
    page = browser.new_context(locale="en-US", timezone_id="UTC").new_page()
    page.goto(demo_payments.url(alpha.host, "/accounts/login/"))
    page.locator("input[name=login]").fill(alpha.student.email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form.form button[type=submit]").click()
    page.wait_for_url("**/student/")
    page.goto(demo_payments.url(alpha.host, "/student/payments/"))
    assert page.get_by_role("note").inner_text().startswith("This is a demo: no money is taken.")

    page.get_by_role("button", name="Pay", exact=True).click()
    page.wait_for_url("http://127.0.0.1:*/checkout/cs_test_*")
    assert "Demo payment: no money is taken." in page.get_by_role("note").inner_text()
    assert axe_violations(page) == []

    def pay_with(card):
        page.get_by_label("Card number").fill(card)
        page.get_by_label("Expiry (MM / YY)").fill("12 / 34")
        page.get_by_label("CVC").fill("123")
        page.get_by_role("button", name="Pay", exact=True).click()

    pay_with("4000 0000 0000 0002")
    assert page.get_by_role("alert").inner_text() == "Your card was declined."
    with schema_context(alpha.school.schema_name):
        assert not Pass.objects.filter(enrollment=committed_shop.enrollment).exists()
    connection.set_schema_to_public()

    pay_with("4242 4242 4242 4242")
    page.wait_for_url(demo_payments.url(alpha.host, "/student/payments/"))
    assert page.get_by_role("status").inner_text().startswith("Paid! 8 lessons, valid until ")

    # The webhook reached the app: the pass is there and the plan booked all 8 of its lessons.
    page.goto(demo_payments.url(alpha.host, "/student/lessons/"))
    rows = page.locator("tr.lesson-row")
    assert rows.count() == 8
    with schema_context(alpha.school.schema_name):
        (payment,) = Payment.objects.filter(enrollment=committed_shop.enrollment)
        assert payment.status == "paid"
        lesson_pass = Pass.objects.get(payment=payment)
        kinds = list(LedgerEntry.objects.filter(lesson_pass=lesson_pass).order_by("seq").values_list("kind", flat=True))
        assert kinds[0] == "purchase" and len(kinds) == 9
        assert LedgerEntry.objects.filter(lesson_pass=lesson_pass).order_by("-seq").first().balance_after == 0
    connection.set_schema_to_public()
    page.context.close()
