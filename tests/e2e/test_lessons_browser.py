"""A student cancels two lessons in a real browser: one in time, one late, and watches the pass.

The data is committed (the server is another process), and removed again afterwards.
"""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

from tests.conftest import PASSWORD
from tests.e2e.conftest import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.committed]

IN_TIME_TEXT = (
    "It is at least 8 hours before the start, so the lesson returns to your pass and you can book another time."
)
LATE_TEXT = (
    "It is less than 8 hours before the start, so the lesson will not return to your pass: cancelling now spends it."
)


@dataclass
class TwoLessons:
    school: object  # the SchoolCast
    in_time: object  # starts in 2 days
    late: object  # starts in 3 hours


@pytest.fixture
def two_lessons(committed_cast):
    """alpha's student2 studies English with teacher2: a paid 8-lesson pass and two booked lessons."""
    from billing.models import LedgerEntry, Pass, Payment, Product, Reservation
    from billing.services import payment_mark_paid
    from tenant_apps.learning.models import Enrollment, Language
    from tenant_apps.learning.services import enrollment_create
    from tenant_apps.notifications.models import Notification
    from tenant_apps.scheduling.models import Lesson
    from tenant_apps.scheduling.services import _create_lesson

    alpha = committed_cast.a
    started = timezone.now()
    with schema_context(alpha.school.schema_name):
        english = Language.objects.get(code="en")
        enrollment = enrollment_create(student=alpha.student2, language=english, teacher=alpha.teacher2,
                                       by=alpha.manager)
        product = Product.objects.create(name="Browser test: 8 lessons", lessons=8, price=1_990_00, currency="RUB")
        payment = Payment.objects.create(student=alpha.student2, enrollment=enrollment, product=product,
                                         amount=product.price, currency=product.currency)
        lesson_pass = payment_mark_paid(payment=payment)
        now = timezone.now()
        in_time = _create_lesson(enrollment=enrollment, lesson_pass=lesson_pass, starts_at=now + timedelta(days=2),
                                 minutes=60, now=now)
        late = _create_lesson(enrollment=enrollment, lesson_pass=lesson_pass, starts_at=now + timedelta(hours=3),
                              minutes=60, now=now)
    connection.set_schema_to_public()
    try:
        yield TwoLessons(school=alpha, in_time=in_time, late=late)
    finally:
        with schema_context(alpha.school.schema_name):
            people = [alpha.student2, alpha.teacher2]
            Notification.objects.filter(recipient__in=people, created_at__gte=started).delete()
            Lesson.objects.filter(enrollment=enrollment).delete()
            passes = Pass.objects.filter(enrollment=enrollment)
            Reservation.objects.filter(lesson_pass__in=passes).delete()
            LedgerEntry.objects.filter(lesson_pass__in=passes).delete()
            passes.delete()
            Payment.objects.filter(enrollment=enrollment).delete()
            Product.objects.filter(pk=product.pk).delete()
            Enrollment.objects.filter(pk=enrollment.pk).delete()
            for session in Session.objects.all():
                if session.get_decoded().get("_auth_user_id") == str(alpha.student2.pk):
                    session.delete()
        connection.set_schema_to_public()


def figures(page) -> tuple[int, int]:
    """(lessons left on the pass, free to book) as the student's lessons page shows them."""
    card = page.locator("li.lesson-balance")
    return int(card.locator(".pass-remaining .stat-value").inner_text()), int(card.locator(".pass-free").inner_text())


def cancel(page, lesson) -> str:
    """Open the lesson's confirmation from the list, read it, confirm; return what it said."""
    page.locator(f'tr[data-lesson="{lesson.pk}"]').get_by_role("link", name="Cancel").click()
    page.wait_for_url(f"**/lessons/{lesson.pk}/cancel/")
    said = page.locator(".cancel-outcome").inner_text()
    page.get_by_role("button", name="Yes, cancel the lesson").click()
    page.wait_for_url("**/student/lessons/")
    return said


def test_the_student_cancels_one_lesson_in_time_and_one_late_and_sees_the_balance_change(
    server, browser, two_lessons
):
    alpha = two_lessons.school
    context = browser.new_context(locale="en-US", timezone_id="Europe/Moscow")
    page = context.new_page()
    page.goto(server.url(alpha.host, "/accounts/login/"))
    page.locator("input[name=login]").fill("student2@alpha.test")
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form.form button[type=submit]").click()
    page.wait_for_url("**/student/")
    page.get_by_role("navigation", name="Student sections").get_by_role("link", name="Lessons", exact=True).click()
    page.wait_for_url("**/student/lessons/")
    assert figures(page) == (8, 6)  # 8 on the pass: 6 free to book, 2 booked
    assert axe_violations(page) == []

    said = cancel(page, two_lessons.in_time)

    assert said == IN_TIME_TEXT
    assert page.get_by_role("status").inner_text().startswith("Lesson cancelled in time")
    assert figures(page) == (8, 7)  # free to book +1: the lesson came back
    row = page.locator(f'tr[data-lesson="{two_lessons.in_time.pk}"]')
    assert row.get_by_role("link", name="Book another time").is_visible()

    said = cancel(page, two_lessons.late)

    assert said == LATE_TEXT
    assert page.get_by_role("status").inner_text().endswith("so the lesson is spent.")
    assert figures(page) == (7, 7)  # free to book +0: the late lesson is spent (one fewer left on the pass)
    assert axe_violations(page) == []
    context.close()


def test_the_cancel_confirmation_is_accessible(server, browser, two_lessons):
    alpha = two_lessons.school
    context = browser.new_context(locale="en-US")
    page = context.new_page()
    page.goto(server.url(alpha.host, "/accounts/login/"))
    page.locator("input[name=login]").fill("student2@alpha.test")
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form.form button[type=submit]").click()
    page.wait_for_url("**/student/")

    page.goto(server.url(alpha.host, f"/lessons/{two_lessons.late.pk}/cancel/"))

    assert page.locator(".cancel-outcome").inner_text() == LATE_TEXT
    assert axe_violations(page) == []
    context.close()
