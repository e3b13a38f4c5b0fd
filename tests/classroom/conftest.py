"""Classroom fixtures: a paid lesson of alpha's student with alpha's teacher, in a chosen time."""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context


def make_paid_lesson(school_cast, *, starts_in: timedelta, student=None, teacher=None, minutes=60):
    """A lesson booked on a paid 8-lesson pass (so that marking it spends a credit), in school_cast's schema."""
    from billing.models import Payment, Product
    from billing.services import payment_mark_paid
    from tenant_apps.learning.models import Language
    from tenant_apps.learning.services import enrollment_create
    from tenant_apps.scheduling.services import _create_lesson

    student = student or school_cast.student
    teacher = teacher or school_cast.teacher
    from tenant_apps.learning.models import Enrollment

    english = Language.objects.get(code="en")
    enrollment = Enrollment.objects.filter(student=student, language=english, teacher=teacher).first()
    if enrollment is None:
        enrollment = enrollment_create(student=student, language=english, teacher=teacher, by=school_cast.manager)
    product = Product.objects.create(name="Room test: 8 lessons", lessons=8, price=1_990_00, currency="RUB")
    payment = Payment.objects.create(student=student, enrollment=enrollment, product=product,
                                     amount=product.price, currency=product.currency)
    now = timezone.now()
    # Paid a day before, so a lesson that started already is inside the pass.
    lesson_pass = payment_mark_paid(payment=payment, now=now - timedelta(days=1))
    return _create_lesson(enrollment=enrollment, lesson_pass=lesson_pass, starts_at=now + starts_in,
                          minutes=minutes, now=now)


def remove_lessons_of(enrollment_ids, attempts: int = 5) -> None:
    """Everything make_paid_lesson made (committed tests clean up after themselves).

    A server that just saw the room empty may still be writing the lesson's board (the whiteboard
    compacts it then): a deadlock with that write is retried.
    """
    import time

    from django.db import OperationalError, transaction

    for attempt in range(attempts):
        try:
            with transaction.atomic():
                _remove_lessons_of(enrollment_ids)
            return
        except OperationalError:
            if attempt == attempts - 1:
                raise
            time.sleep(0.5)


def _remove_lessons_of(enrollment_ids) -> None:
    from billing.models import LedgerEntry, Pass, Payment, Product, Reservation
    from classroom.models import ChatMessage
    from tenant_apps.learning.models import Enrollment
    from tenant_apps.notifications.models import Notification
    from tenant_apps.scheduling.models import Lesson

    lessons = Lesson.objects.filter(enrollment_id__in=enrollment_ids)
    ChatMessage.objects.filter(lesson__in=lessons).delete()
    people = set(lessons.values_list("student_id", flat=True)) | set(lessons.values_list("teacher_id", flat=True))
    lessons.delete()
    passes = Pass.objects.filter(enrollment_id__in=enrollment_ids)
    Reservation.objects.filter(lesson_pass__in=passes).delete()
    LedgerEntry.objects.filter(lesson_pass__in=passes).delete()
    products = set(passes.values_list("product_id", flat=True))
    passes.delete()
    Payment.objects.filter(enrollment_id__in=enrollment_ids).delete()
    Product.objects.filter(pk__in=products).delete()
    Enrollment.objects.filter(pk__in=enrollment_ids).delete()
    Notification.objects.filter(recipient_id__in=people).delete()


@dataclass
class CommittedLesson:
    school: object  # the SchoolCast
    lesson: object


@pytest.fixture
def committed_lesson(committed_cast):
    """`committed_lesson(starts_in=...)`: a committed lesson of alpha's student and teacher, removed afterwards."""
    made = []
    alpha = committed_cast.a

    def make(starts_in=timedelta(minutes=5), **kwargs) -> CommittedLesson:
        with schema_context(alpha.school.schema_name):
            lesson = make_paid_lesson(alpha, starts_in=starts_in, **kwargs)
        connection.set_schema_to_public()
        made.append(lesson.enrollment_id)
        return CommittedLesson(school=alpha, lesson=lesson)

    yield make
    with schema_context(alpha.school.schema_name):
        remove_lessons_of(made)
    connection.set_schema_to_public()



@pytest.fixture
def login(committed_login):
    """`login(school_cast, user)`: tests/conftest.py's committed_login, by the short name these tests use."""
    return committed_login
