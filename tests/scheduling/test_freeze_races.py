"""A freeze racing a cancellation keeps the ledger exact; the end of a freeze is announced once."""

import threading
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import connection
from django_tenants.utils import schema_context

from billing.models import LedgerEntry, Pass, Payment, Product, Reservation
from billing.services import free_credits, payment_mark_paid
from tenant_apps.learning.models import Enrollment, Language
from tenant_apps.learning.services import enrollment_create
from tenant_apps.notifications.models import Notification, Reminder
from tenant_apps.notifications.reminders import reminders_send_due
from tenant_apps.scheduling.models import Freeze, Lesson
from tenant_apps.scheduling.services import _create_lesson, lesson_cancel, pass_freeze
from tests.scheduling.conftest import PAID_AT


def test_a_freeze_racing_a_cancel_returns_the_credit_once(committed_cast):
    alpha = committed_cast.a
    schema = alpha.school.schema_name
    with schema_context(schema):
        english = Language.objects.get(code="en")
        enrollment = enrollment_create(student=alpha.student2, language=english, teacher=alpha.teacher2, by=None)
        product = Product.objects.create(name="race", lessons=4, price=100, currency="RUB")
        payment = Payment.objects.create(student=alpha.student2, enrollment=enrollment, product=product, amount=100,
                                         currency="RUB")
        lesson_pass = payment_mark_paid(payment=payment, now=PAID_AT)
        lesson = _create_lesson(enrollment=enrollment, lesson_pass=lesson_pass,
                                starts_at=PAID_AT + timedelta(days=8), minutes=60, now=PAID_AT)
    outcomes = []

    def freeze():
        with schema_context(schema):
            try:
                pass_freeze(lesson_pass=lesson_pass, by=alpha.student2, starts_at=PAID_AT + timedelta(days=7),
                            now=PAID_AT)
                outcomes.append("frozen")
            except ValidationError as error:
                outcomes.append(f"freeze refused: {error.messages}")
        connection.close()

    def cancel():
        with schema_context(schema):
            try:
                lesson_cancel(lesson=lesson, by=alpha.student2, now=PAID_AT)
                outcomes.append("cancelled")
            except ValidationError:
                outcomes.append("cancel refused")
        connection.close()

    threads = [threading.Thread(target=freeze), threading.Thread(target=cancel)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    try:
        with schema_context(schema):
            entries = list(LedgerEntry.objects.filter(lesson_pass=lesson_pass).order_by("seq"))
            returned = [e for e in entries if e.lesson_id == lesson.pk and e.change == 1]
            assert "frozen" in outcomes
            assert len(returned) == 1  # the lesson's credit came back once, whoever won
            assert free_credits(lesson_pass) == 4
            assert [e.seq for e in entries] == list(range(1, len(entries) + 1))
            running = 0
            for entry in entries:
                running += entry.change
                assert entry.balance_after == running >= 0
            assert Lesson.objects.get(pk=lesson.pk).status in {"frozen", "cancelled_in_time"}
    finally:
        with schema_context(schema):
            Reminder.objects.all().delete()
            Notification.objects.filter(recipient=alpha.student2).delete()
            Freeze.objects.filter(lesson_pass=lesson_pass).delete()
            Lesson.objects.filter(enrollment=enrollment).delete()
            Reservation.objects.filter(lesson_pass=lesson_pass).delete()
            LedgerEntry.objects.filter(lesson_pass=lesson_pass).delete()
            Pass.objects.filter(pk=lesson_pass.pk).delete()
            Payment.objects.filter(enrollment=enrollment).delete()
            product.delete()
            Enrollment.objects.filter(pk=enrollment.pk).delete()
        connection.set_schema_to_public()


def test_the_end_of_a_freeze_is_announced_once(alpha, enrollment, package, django_capture_on_commit_callbacks):
    from tests.scheduling.conftest import buy

    lesson_pass = buy(alpha, enrollment, package)
    freeze = pass_freeze(lesson_pass=lesson_pass, by=alpha.student, starts_at=PAID_AT + timedelta(days=2), now=PAID_AT)

    with django_capture_on_commit_callbacks(execute=True):
        reminders_send_due(now=freeze.ends_at - timedelta(minutes=1))
        reminders_send_due(now=freeze.ends_at + timedelta(minutes=5))
        reminders_send_due(now=freeze.ends_at + timedelta(hours=1))

    assert Notification.objects.filter(recipient=alpha.student, kind="scheduling.freeze_ended").count() == 1
