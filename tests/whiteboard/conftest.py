"""Committed lessons for the board's socket and browser tests (the consumer reads from worker threads)."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from classroom.whiteboard import rooms


def make_lesson(school_cast, *, starts_in=timedelta(minutes=5), teacher=None, student=None):
    from tenant_apps.learning.models import Language
    from tenant_apps.learning.services import enrollment_create
    from tenant_apps.scheduling.models import Lesson

    teacher = teacher or school_cast.teacher
    student = student or school_cast.student
    with schema_context(school_cast.school.schema_name):
        from tenant_apps.learning.models import Enrollment

        enrollment = Enrollment.objects.filter(student=student, teacher=teacher).first() or enrollment_create(
            student=student, language=Language.objects.get(code="en"), teacher=teacher, by=None
        )
        starts_at = timezone.now() + starts_in
        return Lesson.objects.create(
            enrollment=enrollment, teacher=teacher, student=student, starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=1),
        )


def remove_lesson(school_cast, lesson) -> None:
    """The lesson, its board and images, and its enrollment once no other lesson uses it."""
    from tenant_apps.learning.models import Enrollment
    from tenant_apps.scheduling.models import Lesson

    with schema_context(school_cast.school.schema_name):
        Lesson.objects.filter(pk=lesson.pk).delete()
        Enrollment.objects.filter(pk=lesson.enrollment_id, lessons__isnull=True).delete()


@pytest.fixture
def lessons(committed_cast):
    """`lessons(school_cast, **kwargs)` makes committed lessons; all are removed afterwards."""
    made = []

    def make(school_cast=None, **kwargs):
        school_cast = school_cast or committed_cast.a
        lesson = make_lesson(school_cast, **kwargs)
        made.append((school_cast, lesson))
        return lesson

    yield make
    rooms.forget_all()
    for school_cast, lesson in reversed(made):
        remove_lesson(school_cast, lesson)


@pytest.fixture
def login(committed_login):
    """`login(school_cast, user)` → the key of a committed session (tests/conftest.py `committed_login`)."""
    return committed_login
