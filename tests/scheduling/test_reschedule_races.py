"""Two proposals for one slot accepted at the same moment (two workers): exactly one lesson moves there."""

import threading
from datetime import UTC, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import connection
from django_tenants.utils import schema_context

from billing.models import LedgerEntry, Pass, Payment, Product, Reservation
from billing.services import payment_mark_paid
from tenant_apps.learning.models import Enrollment, Language
from tenant_apps.learning.services import enrollment_create
from tenant_apps.notifications.models import Notification
from tenant_apps.scheduling.models import Lesson, RescheduleProposal, WorkingHours
from tenant_apps.scheduling.reschedule import proposal_accept, proposal_create
from tenant_apps.scheduling.services import _create_lesson
from tests.scheduling.conftest import PAID_AT, teacher_hours

NOW = PAID_AT + timedelta(days=1)
SLOT = datetime(2026, 3, 6, 12, tzinfo=UTC)


def test_two_proposals_for_one_slot_accepted_at_once_one_wins(committed_cast):
    alpha = committed_cast.a
    schema = alpha.school.schema_name
    with schema_context(schema):
        english = Language.objects.get(code="en")
        teacher_hours(alpha.teacher2)
        product = Product.objects.create(name="race", lessons=4, price=100, currency="RUB")
        proposals, passes = [], []
        for index, student in enumerate((alpha.student, alpha.student2)):
            enrollment = enrollment_create(student=student, language=english, teacher=alpha.teacher2, by=None)
            payment = Payment.objects.create(student=student, enrollment=enrollment, product=product, amount=100,
                                             currency="RUB")
            lesson_pass = payment_mark_paid(payment=payment, now=PAID_AT)
            passes.append(lesson_pass)
            lesson = _create_lesson(enrollment=enrollment, lesson_pass=lesson_pass,
                                    starts_at=datetime(2026, 3, 5, 10 + index * 2, tzinfo=UTC), minutes=60, now=PAID_AT)
            proposals.append(proposal_create(lesson=lesson, starts_at=SLOT, by=student, now=NOW))
    barrier = threading.Barrier(2)
    outcomes = []

    def accept(proposal):
        with schema_context(schema):
            barrier.wait()
            try:
                proposal_accept(proposal=proposal, by=alpha.teacher2, now=NOW)
                outcomes.append("accepted")
            except ValidationError as error:
                outcomes.append(error.messages[0])
        connection.close()

    threads = [threading.Thread(target=accept, args=(proposal,)) for proposal in proposals]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    try:
        with schema_context(schema):
            assert len(outcomes) == 2 and outcomes.count("accepted") == 1
            assert any("This time is taken" in outcome for outcome in outcomes)
            at_slot = Lesson.objects.filter(teacher=alpha.teacher2, starts_at=SLOT, status="scheduled")
            assert at_slot.count() == 1
            statuses = sorted(RescheduleProposal.objects.filter(pk__in=[p.pk for p in proposals])
                              .values_list("status", flat=True))
            assert statuses == ["accepted", "pending"]  # the loser waits for the teacher to decline it
            winner = at_slot.get()
            assert winner.sequence == 1
            assert Reservation.objects.get(lesson_id=winner.pk, status="open").lesson_starts_at == SLOT
    finally:
        with schema_context(schema):
            Notification.objects.all().delete()
            RescheduleProposal.objects.all().delete()
            Lesson.objects.filter(teacher=alpha.teacher2).delete()
            for lesson_pass in passes:
                Reservation.objects.filter(lesson_pass=lesson_pass).delete()
                LedgerEntry.objects.filter(lesson_pass=lesson_pass).delete()
                Pass.objects.filter(pk=lesson_pass.pk).delete()
            Payment.objects.filter(product__name="race").delete()
            Product.objects.filter(name="race").delete()
            Enrollment.objects.filter(teacher=alpha.teacher2).delete()
            WorkingHours.objects.filter(teacher=alpha.teacher2).delete()
