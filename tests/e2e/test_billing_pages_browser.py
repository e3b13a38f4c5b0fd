"""Billing 2/2's pages in a real browser on a phone: the demo school's manager and a student.

Every page answers 200, fits 375 px and passes axe; a student redeems the demo promo code and sees
the lessons on the pass. (The demo school is dropped after the module, with what the test wrote.)
"""

import os

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from shared_apps.platform.management.commands.seed_demo import DEMO_PASSWORD
from tests.e2e.conftest import axe_violations, has_horizontal_scroll

pytestmark = [pytest.mark.browser, pytest.mark.committed]
HOST = "panda.localhost"
SHOTS = os.environ.get("PANDA_SCREENSHOTS", "")


def log_in(browser, server, email, locale="ru-RU"):
    context = browser.new_context(viewport={"width": 375, "height": 740}, locale=locale)
    page = context.new_page()
    page.goto(server.url(HOST, "/accounts/login/"))
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    page.locator("form.form button[type=submit]").click()
    page.wait_for_load_state()
    return context, page


def check(page, server, path, problems):
    response = page.goto(server.url(HOST, path))
    if response.status != 200:
        problems.append((path, f"HTTP {response.status}"))
        return
    if has_horizontal_scroll(page):
        problems.append((path, "scrolls sideways at 375 px"))
    if violations := axe_violations(page):
        problems.append((path, violations))
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, path.strip("/").replace("/", "_") + ".png"), full_page=True)


def test_the_managers_money_pages_fit_a_phone_and_are_accessible(server, browser, demo_school, committed_db):
    from billing.models import Pass, Payment

    with schema_context("panda"):
        payment = Payment.objects.order_by("pk").first()
        lesson_pass = Pass.objects.order_by("pk").first()
    connection.set_schema_to_public()
    context, page = log_in(browser, server, "manager@example.com")

    problems = []
    for path in ["/manager/payments/", f"/manager/payments/{payment.pk}/", "/manager/passes/",
                 f"/manager/passes/{lesson_pass.pk}/", "/manager/free-lessons/", "/manager/report/",
                 "/manager/payment-account/"]:
        check(page, server, path, problems)
    context.close()

    assert problems == []


def test_a_student_redeems_the_demo_code_in_the_browser(server, browser, demo_school, committed_db):
    from billing.models import FreeLessonGrant

    # Maria reads the school in Russian (the demo school's language).
    context, page = log_in(browser, server, "student.maria@example.com")
    problems = []
    check(page, server, "/student/free-lessons/", problems)
    assert problems == []

    page.get_by_role("textbox", name="Промокод").fill("panda2026")
    page.get_by_role("button", name="Активировать").click()
    page.wait_for_load_state()

    assert page.get_by_role("status").inner_text() == "2 бесплатных урока добавлены на ваш абонемент."
    assert page.get_by_text("На вашем абонементе: Английский.").is_visible()
    page.get_by_role("textbox", name="Промокод").fill("PANDA2026")
    page.get_by_role("button", name="Активировать").click()
    page.wait_for_load_state()
    assert page.get_by_role("alert").inner_text() == "Вы уже использовали этот код."
    assert axe_violations(page) == []
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, "student_redeemed.png"), full_page=True)
    context.close()
    with schema_context("panda"):
        assert FreeLessonGrant.objects.filter(student__email="student.maria@example.com").count() == 1
    connection.set_schema_to_public()


def test_the_manager_adjusts_a_passes_credits_in_the_browser(server, browser, demo_school, committed_db):
    from billing.models import LedgerEntry, Pass

    with schema_context("panda"):
        lesson_pass = Pass.objects.order_by("pk").first()
        before = LedgerEntry.objects.filter(lesson_pass=lesson_pass).count()
    connection.set_schema_to_public()
    context, page = log_in(browser, server, "manager@example.com")
    page.goto(server.url(HOST, f"/manager/passes/{lesson_pass.pk}/"))

    page.get_by_role("spinbutton", name="Изменение, уроков").fill("1")
    page.get_by_role("button", name="Скорректировать").click()  # no reason: refused, nothing written
    page.wait_for_load_state()
    refused_alert = page.locator(".field-error").get_by_role("alert").inner_text()
    page.get_by_role("textbox", name="Причина").fill("Урок перенесён по вине школы")
    page.get_by_role("button", name="Скорректировать").click()
    page.wait_for_load_state()

    assert refused_alert == "Обязательное поле."
    assert page.get_by_role("status").inner_text() == "Уроки скорректированы."
    assert page.get_by_role("table").get_by_text("Урок перенесён по вине школы").is_visible()
    assert axe_violations(page) == []
    context.close()
    with schema_context("panda"):
        rows = list(LedgerEntry.objects.filter(lesson_pass=lesson_pass).order_by("seq"))
        assert len(rows) == before + 1
        assert (rows[-1].change, rows[-1].actor.email) == (1, "manager@example.com")
    connection.set_schema_to_public()
