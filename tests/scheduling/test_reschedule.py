"""Rescheduling by agreement: the student proposes one of the teacher's free times, the teacher
accepts or declines, or moves a lesson directly. The lesson keeps its id (its iCal UID), raises its
revision, and its credit stays reserved on the same pass, following the new start."""

from datetime import UTC, datetime, time, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from billing.models import Reservation
from billing.services import free_credits
from tenant_apps.learning.models import Language
from tenant_apps.learning.services import enrollment_create
from tenant_apps.notifications.models import Notification
from tenant_apps.scheduling import notification_kinds as kinds
from tenant_apps.scheduling.models import Lesson, RescheduleProposal, TimeOff
from tenant_apps.scheduling.reschedule import (
    ProposalExpired,
    lesson_move,
    proposal_accept,
    proposal_create,
    proposal_decline,
    proposal_withdraw,
    proposals_expire,
)
from tenant_apps.scheduling.services import _create_lesson, lesson_cancel, pass_freeze
from tests.scheduling.conftest import PAID_AT, buy, teacher_hours

NOW = PAID_AT + timedelta(days=1)  # Tuesday 3 March 2026, 09:00 UTC
Proposal = RescheduleProposal


@pytest.fixture
def lesson_pass(alpha, enrollment, package):
    teacher_hours(alpha.teacher, zone="Europe/London", starts=time(8), ends=time(22))
    return buy(alpha, enrollment, package)


@pytest.fixture
def lesson(enrollment, lesson_pass):
    """Thursday 5 March, 10:00 UTC, an hour long."""
    return book(enrollment, lesson_pass, datetime(2026, 3, 5, 10, tzinfo=UTC))


def book(enrollment, lesson_pass, starts_at, minutes=60):
    return _create_lesson(enrollment=enrollment, lesson_pass=lesson_pass, starts_at=starts_at, minutes=minutes,
                          now=PAID_AT)


def kinds_of(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).order_by("pk").values_list("kind", flat=True))


FRIDAY_NOON = datetime(2026, 3, 6, 12, tzinfo=UTC)


def test_an_accepted_proposal_moves_the_same_lesson_and_its_credit_follows(alpha, lesson, lesson_pass):
    free_before = free_credits(lesson_pass)

    proposal = proposal_create(lesson=lesson, starts_at=FRIDAY_NOON, by=alpha.student, message=" Can we? ", now=NOW)
    assert proposal.expires_at == lesson.starts_at  # the original start comes first
    assert kinds.RESCHEDULE_PROPOSED in kinds_of(alpha.teacher)
    assert Lesson.objects.get(pk=lesson.pk).starts_at == lesson.starts_at  # nothing moves before the teacher agrees

    moved = proposal_accept(proposal=proposal, by=alpha.teacher, now=NOW)

    lesson.refresh_from_db()
    assert moved.pk == lesson.pk
    assert (lesson.starts_at, lesson.ends_at) == (FRIDAY_NOON, FRIDAY_NOON + timedelta(hours=1))
    assert lesson.sequence == 1 and lesson.status == "scheduled"
    reservation = Reservation.objects.get(lesson_id=lesson.pk, status="open")
    assert reservation.lesson_starts_at == FRIDAY_NOON and reservation.lesson_pass_id == lesson_pass.pk
    assert free_credits(lesson_pass) == free_before  # no credit spent or returned by a move
    proposal.refresh_from_db()
    assert proposal.status == "accepted" and proposal.decided_by == alpha.teacher
    assert proposal.message == "Can we?"
    accepted = Notification.objects.get(recipient=alpha.student, kind=kinds.RESCHEDULE_ACCEPTED)
    assert "Tom Teacher" in accepted.body


@pytest.mark.parametrize(
    "starts_at, message",
    [
        (datetime(2026, 3, 6, 23, tzinfo=UTC), "This time is outside the teacher's working hours."),
        (datetime(2026, 3, 3, 8, tzinfo=UTC), "Choose a time that has not passed yet."),
        (datetime(2026, 4, 20, 12, tzinfo=UTC), "This time is after the pass ends"),
        (datetime(2026, 3, 6, 11, 30, tzinfo=UTC), "This time is taken"),
        (datetime(2026, 3, 5, 10, tzinfo=UTC), "This is the lesson's current time."),
    ],
    ids=["outside-hours", "past", "after-pass", "taken", "same-time"],
)
def test_a_proposal_is_refused_clearly_and_changes_nothing(alpha, enrollment, lesson, lesson_pass, starts_at,
                                                           message):
    english = Language.objects.get(code="en")
    other = enrollment_create(student=alpha.student2, language=english, teacher=alpha.teacher, by=alpha.manager)
    other_pass = buy_for(alpha, other, lesson_pass.product, alpha.student2)
    book(other, other_pass, FRIDAY_NOON)  # the teacher is busy Friday 12:00–13:00

    with pytest.raises(ValidationError) as refused:
        proposal_create(lesson=lesson, starts_at=starts_at, by=alpha.student, now=NOW)

    assert message in refused.value.messages[0]
    assert not Proposal.objects.exists()
    assert kinds.RESCHEDULE_PROPOSED not in kinds_of(alpha.teacher)


def buy_for(alpha, enrollment, product, student):
    from billing.models import Payment
    from billing.services import payment_mark_paid

    payment = Payment.objects.create(student=student, enrollment=enrollment, product=product, amount=product.price,
                                     currency=product.currency)
    return payment_mark_paid(payment=payment, now=PAID_AT)


def test_a_day_off_and_a_frozen_week_are_refused(alpha, lesson, lesson_pass):
    TimeOff.objects.create(teacher=alpha.teacher, starts_at=FRIDAY_NOON - timedelta(hours=4),
                           ends_at=FRIDAY_NOON + timedelta(hours=8))
    with pytest.raises(ValidationError, match="outside the teacher's working hours"):
        proposal_create(lesson=lesson, starts_at=FRIDAY_NOON, by=alpha.student, now=NOW)
    TimeOff.objects.all().delete()
    pass_freeze(lesson_pass=lesson_pass, by=alpha.student, starts_at=datetime(2026, 3, 6, tzinfo=UTC), now=NOW)
    with pytest.raises(ValidationError, match="The pass is frozen at this time."):
        proposal_create(lesson=lesson, starts_at=FRIDAY_NOON, by=alpha.student, now=NOW)
    assert not Proposal.objects.exists()


def test_the_teacher_declines_and_the_lesson_stays(alpha, lesson):
    proposal = proposal_create(lesson=lesson, starts_at=FRIDAY_NOON, by=alpha.student, now=NOW)

    proposal_decline(proposal=proposal, by=alpha.teacher, now=NOW)

    lesson.refresh_from_db()
    assert lesson.starts_at == datetime(2026, 3, 5, 10, tzinfo=UTC) and lesson.sequence == 0
    assert Proposal.objects.get().status == "declined"
    assert kinds.RESCHEDULE_DECLINED in kinds_of(alpha.student)
    with pytest.raises(ValidationError, match="already been answered"):
        proposal_accept(proposal=proposal, by=alpha.teacher, now=NOW)


def test_a_proposal_expires_at_the_original_start_and_cannot_be_accepted(alpha, lesson):
    proposal = proposal_create(lesson=lesson, starts_at=FRIDAY_NOON, by=alpha.student, now=NOW)

    with pytest.raises(ProposalExpired):
        proposal_accept(proposal=proposal, by=alpha.teacher, now=lesson.starts_at)

    assert Proposal.objects.get().status == "expired"
    lesson.refresh_from_db()
    assert lesson.starts_at == datetime(2026, 3, 5, 10, tzinfo=UTC) and lesson.sequence == 0
    assert kinds.RESCHEDULE_ACCEPTED not in kinds_of(alpha.student)


def test_a_proposal_one_minute_before_the_start_is_still_accepted(alpha, lesson):
    proposal = proposal_create(lesson=lesson, starts_at=FRIDAY_NOON, by=alpha.student, now=NOW)
    proposal_accept(proposal=proposal, by=alpha.teacher, now=lesson.starts_at - timedelta(minutes=1))
    assert Lesson.objects.get(pk=lesson.pk).starts_at == FRIDAY_NOON


def test_an_earlier_proposed_time_is_its_own_deadline_and_beat_records_expiry(alpha, enrollment, lesson_pass):
    late = book(enrollment, lesson_pass, datetime(2026, 3, 12, 10, tzinfo=UTC))
    earlier = datetime(2026, 3, 4, 12, tzinfo=UTC)
    proposal = proposal_create(lesson=late, starts_at=earlier, by=alpha.student, now=NOW)
    assert proposal.expires_at == earlier

    assert proposals_expire(now=earlier - timedelta(seconds=1)) == 0
    assert proposals_expire(now=earlier) == 1
    assert Proposal.objects.get().status == "expired"


def test_a_new_proposal_replaces_the_waiting_one_and_the_student_can_withdraw(alpha, lesson):
    first = proposal_create(lesson=lesson, starts_at=FRIDAY_NOON, by=alpha.student, now=NOW)
    second = proposal_create(lesson=lesson, starts_at=FRIDAY_NOON + timedelta(hours=2), by=alpha.student, now=NOW)
    first.refresh_from_db()
    assert first.status == "withdrawn" and second.status == "pending"

    proposal_withdraw(proposal=second, by=alpha.student, now=NOW)
    assert Proposal.objects.filter(status="pending").count() == 0


def test_only_the_lessons_student_proposes_and_only_its_teacher_answers(alpha, lesson):
    with pytest.raises(PermissionDenied):
        proposal_create(lesson=lesson, starts_at=FRIDAY_NOON, by=alpha.student2, now=NOW)
    with pytest.raises(PermissionDenied):
        proposal_create(lesson=lesson, starts_at=FRIDAY_NOON, by=alpha.teacher, now=NOW)
    proposal = proposal_create(lesson=lesson, starts_at=FRIDAY_NOON, by=alpha.student, now=NOW)
    for outsider in (alpha.teacher2, alpha.student, alpha.manager):
        with pytest.raises(PermissionDenied):
            proposal_accept(proposal=proposal, by=outsider, now=NOW)
    with pytest.raises(PermissionDenied):
        proposal_withdraw(proposal=proposal, by=alpha.student2, now=NOW)


def test_the_teacher_moves_a_lesson_directly_and_the_student_is_told(alpha, lesson):
    waiting = proposal_create(lesson=lesson, starts_at=FRIDAY_NOON + timedelta(hours=3), by=alpha.student, now=NOW)

    lesson_move(lesson=lesson, starts_at=FRIDAY_NOON, by=alpha.teacher, now=NOW)

    lesson.refresh_from_db()
    assert lesson.starts_at == FRIDAY_NOON and lesson.sequence == 1
    moved = Notification.objects.get(recipient=alpha.student, kind=kinds.LESSON_MOVED)
    assert "Tom Teacher" in moved.body
    waiting.refresh_from_db()
    assert waiting.status == "declined"  # the move answered it
    with pytest.raises(PermissionDenied):
        lesson_move(lesson=lesson, starts_at=FRIDAY_NOON + timedelta(hours=1), by=alpha.student, now=NOW)
    with pytest.raises(ValidationError, match="has started"):
        lesson_move(lesson=lesson, starts_at=FRIDAY_NOON + timedelta(hours=5), by=alpha.teacher, now=FRIDAY_NOON)


def test_every_change_of_time_or_status_raises_the_revision(alpha, enrollment, lesson_pass):
    from tenant_apps.scheduling.services import lesson_mark

    cancelled = book(enrollment, lesson_pass, datetime(2026, 3, 9, 10, tzinfo=UTC))
    lesson_cancel(lesson=cancelled, by=alpha.student, now=NOW)
    marked = book(enrollment, lesson_pass, datetime(2026, 3, 4, 10, tzinfo=UTC))
    lesson_mark(lesson=marked, outcome="held", by=alpha.teacher, now=marked.ends_at)

    assert Lesson.objects.get(pk=cancelled.pk).sequence == 1
    assert Lesson.objects.get(pk=marked.pk).sequence == 1


def test_a_proposal_for_a_credit_freed_in_time_books_a_new_lesson_once_accepted(alpha, lesson, lesson_pass):
    lesson_cancel(lesson=lesson, by=alpha.student, now=NOW)
    free_after_cancel = free_credits(lesson_pass)

    proposal = proposal_create(lesson=lesson, starts_at=FRIDAY_NOON, by=alpha.student, now=NOW)
    assert proposal.expires_at == FRIDAY_NOON
    booked = proposal_accept(proposal=proposal, by=alpha.teacher, now=NOW)

    assert booked.pk != lesson.pk and booked.starts_at == FRIDAY_NOON and booked.status == "scheduled"
    assert Proposal.objects.get().booked_lesson == booked
    assert free_credits(lesson_pass) == free_after_cancel - 1
    assert Lesson.objects.get(pk=lesson.pk).status == "cancelled_in_time"


def test_a_late_cancelled_lesson_gets_no_proposal(alpha, lesson):
    lesson_cancel(lesson=lesson, by=alpha.student, now=lesson.starts_at - timedelta(hours=1))
    with pytest.raises(ValidationError, match="can no longer be proposed"):
        proposal_create(lesson=lesson, starts_at=FRIDAY_NOON, by=alpha.student, now=NOW)


# Property: whatever time is asked for, a move either happens whole or not at all ------------------------------
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(hours=st.integers(min_value=-48, max_value=24 * 40), minutes=st.sampled_from([0, 15, 30, 45]))
def test_a_move_is_all_or_nothing_and_keeps_the_credits(alpha, lesson, lesson_pass, hours, minutes):
    target = NOW + timedelta(hours=hours, minutes=minutes)
    before = (Lesson.objects.get(pk=lesson.pk), free_credits(lesson_pass))
    try:
        lesson_move(lesson=lesson, starts_at=target, by=alpha.teacher, now=NOW)
    except ValidationError:
        after = Lesson.objects.get(pk=lesson.pk)
        assert (after.starts_at, after.sequence) == (before[0].starts_at, before[0].sequence)
    else:
        after = Lesson.objects.get(pk=lesson.pk)
        assert after.starts_at == target and after.sequence == before[0].sequence + 1
        assert NOW < target < lesson_pass.valid_until
        assert after.ends_at - after.starts_at == timedelta(hours=1)
    reservation = Reservation.objects.get(lesson_id=lesson.pk, status="open")
    assert reservation.lesson_starts_at == after.starts_at
    assert free_credits(lesson_pass) == before[1]


def test_an_unanswered_proposal_tells_the_student_once_when_it_lapses(alpha, lesson):
    from tenant_apps.notifications.reminders import reminders_send_due

    unanswered = proposal_create(lesson=lesson, starts_at=FRIDAY_NOON, by=alpha.student, now=NOW)
    reminders_send_due(now=lesson.starts_at - timedelta(minutes=1))
    assert kinds.RESCHEDULE_LAPSED not in kinds_of(alpha.student)

    reminders_send_due(now=lesson.starts_at + timedelta(minutes=1))
    reminders_send_due(now=lesson.starts_at + timedelta(minutes=6))

    lapsed = Notification.objects.filter(recipient=alpha.student, kind=kinds.RESCHEDULE_LAPSED)
    assert lapsed.count() == 1 and "Tom Teacher" in lapsed.get().body
    unanswered.refresh_from_db()
    assert unanswered.status == "pending"  # lapsed by its time; accepting it is refused and records it


def test_an_answered_proposal_sends_no_lapse_notice(alpha, lesson):
    from tenant_apps.notifications.reminders import reminders_send_due

    proposal = proposal_create(lesson=lesson, starts_at=FRIDAY_NOON, by=alpha.student, now=NOW)
    proposal_decline(proposal=proposal, by=alpha.teacher, now=NOW)
    reminders_send_due(now=lesson.starts_at + timedelta(minutes=1))
    assert kinds.RESCHEDULE_LAPSED not in kinds_of(alpha.student)
