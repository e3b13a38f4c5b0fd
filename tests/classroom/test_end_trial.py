"""Ending a trial lesson from the room: held or no-show, no credit anywhere."""

from datetime import timedelta

import pytest
from django.utils import timezone

from billing.models import LedgerEntry
from classroom.access import seat_for
from classroom.services import lesson_end
from tenant_apps.learning.models import Language
from tenant_apps.learning.services import enrollment_create
from tenant_apps.scheduling.models import Lesson


@pytest.fixture
def trial(alpha):
    """Alpha's student's English trial with the methodologist, started 5 minutes ago."""
    english = Language.objects.get(code="en")
    enrollment = enrollment_create(student=alpha.student, language=english, teacher=None, by=None)
    starts_at = timezone.now() - timedelta(minutes=5)
    return Lesson.objects.create(kind=Lesson.Kind.TRIAL, enrollment=enrollment, teacher=alpha.methodologist,
                                 student=alpha.student, starts_at=starts_at, ends_at=starts_at + timedelta(minutes=30))


@pytest.mark.parametrize("outcome, status", [("held", Lesson.Status.HELD), ("no_show", Lesson.Status.NO_SHOW)])
def test_the_methodologist_ends_a_trial_from_the_room(alpha, trial, outcome, status):
    ledger_rows = LedgerEntry.objects.count()

    lesson = lesson_end(seat=seat_for(alpha.methodologist, trial), by=alpha.methodologist, outcome=outcome)

    trial.refresh_from_db()
    assert lesson.status == trial.status == status
    assert trial.marked_by == alpha.methodologist and trial.sequence == 1
    assert LedgerEntry.objects.count() == ledger_rows


def test_the_student_cannot_end_a_trial(alpha, trial):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        lesson_end(seat=seat_for(alpha.student, trial), by=alpha.student, outcome="held")
    trial.refresh_from_db()
    assert trial.status == Lesson.Status.SCHEDULED
