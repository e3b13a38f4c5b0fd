"""The whole funnel on the demo school, in a real browser: from an anonymous visitor to a paying student.

A visitor books a free intro lesson → confirms the email from a real SMTP sink → the methodologist
records B1, picks the best-matching teacher and the weekly plan → the student pays on the (fake)
Stripe page → the student's lessons and balance show the plan.

The module runs its own Daphne, started after the fake Stripe and the SMTP sink so that its
environment points at both. Everything it makes lives in the demo school, which the `demo_school`
fixture drops at the end of the module.
"""

import re
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

from shared_apps.platform.management.commands.seed_demo import DEMO_PASSWORD
from tests.billing.stripe_fixtures import *  # noqa: F403 (stripe_fake, stripe_api)
from tests.billing.stripe_fixtures import WEBHOOK_SECRET
from tests.e2e.conftest import _free_port, axe_violations, has_horizontal_scroll, running_server
from tests.jobs.test_notifications_worker import Sink

pytestmark = [pytest.mark.browser, pytest.mark.committed]

HOST = "panda.localhost"
VISITOR = "vera.visitor@example.com"
LINK = re.compile(r"https?://\S+/trial/welcome/\S+/")


@pytest.fixture(scope="module")
def mail_sink():
    sink = Sink()
    port = _free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    sink.port = port
    try:
        yield sink
    finally:
        controller.stop()


@pytest.fixture(scope="module")
def funnel_server(stripe_fake, mail_sink, demo_school, django_db_setup, django_db_blocker):
    """Daphne on the test database, paying through the fake Stripe and mailing to the sink."""
    with running_server(
        django_db_blocker, STRIPE_API_BASE=stripe_fake.url, STRIPE_WEBHOOK_SECRET=WEBHOOK_SECRET,
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend", EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(mail_sink.port),
    ) as started:
        yield started


def _context(browser, server, language="en"):
    context = browser.new_context(locale="en-US", timezone_id="Europe/Moscow", viewport={"width": 375, "height": 800})
    context.add_cookies([{"name": "django_language", "value": language, "url": server.url(HOST, "/")}])
    return context


def _log_in(page, server, email):
    page.goto(server.url(HOST, "/accounts/login/"))
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    page.locator("form.form button[type=submit]").click()
    page.wait_for_load_state()


def _methodologist_reads_english():
    from tenant_apps.accounts.models import User

    with schema_context("panda"):
        User.objects.filter(email="methodologist@example.com").update(language="en")
    connection.set_schema_to_public()


def _trial_has_taken_place():
    """The trial's half hour has passed (the clock is moved, not waited for)."""
    from tenant_apps.scheduling.models import Lesson

    with schema_context("panda"):
        now = timezone.now()
        Lesson.objects.filter(kind="trial", student__email=VISITOR).update(
            starts_at=now - timedelta(minutes=40), ends_at=now - timedelta(minutes=10))
    connection.set_schema_to_public()


def test_a_visitor_becomes_a_paying_student(stripe_api, funnel_server, mail_sink, browser, committed_db):
    server = funnel_server
    stripe_api.register_webhook(server.url(HOST, "/billing/webhooks/stripe/"))
    visitor = _context(browser, server)
    page = visitor.new_page()

    # The public site: a real title, reviews, teachers, prices; the way to the free lesson.
    page.goto(server.url(HOST, "/"))
    assert page.title() == "Panda — online English and Chinese lessons, one to one"
    assert page.get_by_text("Li Wei makes tones fun.").is_visible()
    assert page.get_by_role("heading", name="Anna Brown").is_visible()
    assert not has_horizontal_scroll(page)
    assert axe_violations(page) == []
    page.get_by_role("link", name="Book a free intro lesson").first.click()
    page.wait_for_url("**/trial/")

    # A first try with a mistyped email keeps everything else.
    page.get_by_label("English").check()
    page.get_by_label("Your goal").fill("Speak at work")
    page.get_by_label("Monday 19:00").check()
    page.get_by_label("Thursday 19:00").check()
    first_slot = page.locator("#trial-times input[type=radio]").first
    first_slot.check()
    chosen = first_slot.get_attribute("value")
    page.get_by_label("Your name").fill("Vera Visitor")
    page.get_by_label("Email").fill("vera.visitor-at-example.com")
    assert not has_horizontal_scroll(page)
    assert axe_violations(page) == []
    page.get_by_role("button", name="Book the free lesson").click()
    page.wait_for_load_state()
    # Said beside the field, and in the summary at the top, which links to it.
    assert page.get_by_text("Enter a valid email address, e.g. name@example.com.", exact=True).is_visible()
    assert page.get_by_role("link", name="Email: Enter a valid email address").is_visible()
    assert page.get_by_label("Your goal").input_value() == "Speak at work"
    assert page.get_by_label("Thursday 19:00").is_checked()
    assert page.locator(f'#trial-times input[value="{chosen}"]').is_checked()
    page.get_by_label("Email").fill(VISITOR)
    page.get_by_role("button", name="Book the free lesson").click()
    page.wait_for_url("**/trial/booked/")
    assert "Your free lesson is booked" in page.get_by_role("heading", level=1).inner_text()
    assert VISITOR in page.locator("main").inner_text()

    # The confirmation link comes by email: it confirms the address and sets a password.
    message = mail_sink.wait_for(VISITOR, "Confirm your email")
    link = LINK.search(message.get_body(preferencelist=("plain",)).get_content()).group(0)
    page.goto(link)
    page.get_by_label("New password", exact=True).fill("Lantern-river-42")
    page.get_by_label("New password confirmation").fill("Lantern-river-42")
    page.get_by_role("button", name="Confirm and set the password").click()
    page.wait_for_url("**/student/")
    assert page.get_by_role("heading", name="Your free trial lesson").is_visible()
    assert not has_horizontal_scroll(page)
    assert axe_violations(page) == []

    # The methodologist runs the trial, records B1 and picks the teacher and the plan.
    _methodologist_reads_english()
    _trial_has_taken_place()
    staff = _context(browser, server)
    desk = staff.new_page()
    _log_in(desk, server, "methodologist@example.com")
    desk.goto(server.url(HOST, "/methodologist/"))
    desk.get_by_role("link", name=re.compile("Vera Visitor")).first.click()
    assert desk.get_by_text("Speak at work").first.is_visible()
    assert not has_horizontal_scroll(desk)
    assert axe_violations(desk) == []
    desk.get_by_label("The trial was held").check()
    desk.get_by_label("Level").select_option(label="B1 · Intermediate")
    desk.get_by_label("Notes").fill("Good listening, shy speaking.")
    desk.get_by_role("button", name="Save the result").click()
    desk.wait_for_url("**/teacher/")
    best = desk.locator(".match-list li").first
    assert "Anna Brown" in best.inner_text() and "2 of 2 preferred times free" in best.inner_text()
    assert axe_violations(desk) == []
    best.get_by_role("radio").check()
    desk.get_by_role("button", name="Save the teacher and the plan").click()
    desk.wait_for_load_state()
    assert "Anna Brown now teaches Vera Visitor" in desk.get_by_role("status").inner_text()
    staff.close()

    # The student sees the teacher and schedule, and pays.
    page.goto(server.url(HOST, "/student/"))
    offer = page.locator(".next-step-pay")
    assert "Your teacher is Anna Brown, your schedule is Mon 19:00, Thu 19:00" in " ".join(offer.inner_text().split())
    assert axe_violations(page) == []
    offer.get_by_role("link", name="Choose a package").click()
    page.wait_for_url("**/student/payments/")
    page.get_by_role("button", name="Pay", exact=True).first.click()
    page.wait_for_url(f"{stripe_api.url}/checkout/cs_test_*")
    page.get_by_label("Card number").fill("4242 4242 4242 4242")
    page.get_by_label("Expiry (MM / YY)").fill("12 / 34")
    page.get_by_label("CVC").fill("123")
    page.get_by_role("button", name="Pay", exact=True).click()
    page.wait_for_url(server.url(HOST, "/student/payments/"))
    assert page.get_by_role("status").inner_text().startswith("Paid! 8 lessons")

    # The plan booked its lessons: Mondays and Thursdays at 19:00 with Anna, and the balance says so.
    page.goto(server.url(HOST, "/student/lessons/"))
    main = " ".join(page.locator("main").inner_text().split())
    assert main.count("Anna Brown") >= 8
    assert "8 lessons left" in main
    from tenant_apps.scheduling.models import Lesson

    with schema_context("panda"):
        lessons = list(Lesson.objects.filter(student__email=VISITOR, kind="regular").select_related("teacher"))
        assert len(lessons) == 8
        assert {lesson.teacher.email for lesson in lessons} == {"teacher.anna@example.com"}
        moscow = timezone.get_fixed_timezone(180)
        assert {timezone.localtime(lesson.starts_at, moscow).strftime("%a %H:%M") for lesson in lessons} == {
            "Mon 19:00", "Thu 19:00"}
    connection.set_schema_to_public()
    assert axe_violations(page) == []
    visitor.close()
