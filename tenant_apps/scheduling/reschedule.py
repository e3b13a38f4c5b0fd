"""Rescheduling by agreement: the student proposes a new time, the teacher accepts or declines;
the teacher may also move a lesson directly.

A moved lesson stays the same row (so calendar feeds keep its UID) and raises its `sequence`; its
credit stays reserved on the same pass, and the reservation follows the new start. A proposal on a
lesson cancelled in time books a new lesson on the credit that came back (`services.lesson_book`).

Lock order as everywhere in scheduling: the pass, then the lesson (then the proposal). Two proposals
accepted at once for one slot: the exclusion constraints let exactly one of the moves through.
"""

from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from billing.models import Pass, Reservation
from billing.services import locked
from tenant_apps.notifications.services import notify
from tenant_apps.scheduling import notification_kinds as kinds
from tenant_apps.scheduling.models import OCCUPYING, Freeze, Lesson, RescheduleProposal
from tenant_apps.scheduling.permissions import REBOOKABLE
from tenant_apps.scheduling.services import (
    SlotTaken,
    _pass_for_booking,
    _when,
    lesson_book,
    lesson_lock,
    within_hours,
)

Status = Lesson.Status
Proposal = RescheduleProposal
STUDENT_LESSONS, TEACHER_LESSONS = "/student/lessons/", "/teacher/lessons/"


class ProposalExpired(ValidationError):
    def __init__(self):
        super().__init__(_("This proposal has expired: the lesson's original time has come."), code="expired")


def is_move(lesson: Lesson) -> bool:
    """A proposal moves a scheduled lesson; on a lesson cancelled in time it books its credit again."""
    return lesson.status == Status.SCHEDULED


def can_propose(user, lesson: Lesson, now: datetime) -> bool:
    """The lesson's student, for a regular lesson still ahead or one whose credit came back."""
    if user.pk != lesson.student_id or lesson.kind != Lesson.Kind.REGULAR:
        return False
    if lesson.status == Status.SCHEDULED:
        return now < lesson.starts_at
    return lesson.status in REBOOKABLE


def can_move(user, lesson: Lesson, now: datetime) -> bool:
    """The lesson's teacher, for a lesson not started yet."""
    return user.pk == lesson.teacher_id and lesson.status == Status.SCHEDULED and now < lesson.starts_at


# Checks on a new time ---------------------------------------------------------------------------
def _check_time(*, lesson: Lesson, starts_at: datetime, now: datetime, lesson_pass: Pass | None) -> datetime:
    """The new end, or a clear refusal: past, outside hours, outside the pass, frozen, taken."""
    if starts_at <= now:
        raise ValidationError(_("Choose a time that has not passed yet."), code="past")
    ends_at = starts_at + (lesson.ends_at - lesson.starts_at)
    if not within_hours(teacher=lesson.teacher, starts_at=starts_at, ends_at=ends_at):
        raise ValidationError(_("This time is outside the teacher's working hours."), code="outside_hours")
    if lesson_pass is not None:
        if starts_at >= lesson_pass.valid_until:
            raise ValidationError(_("This time is after the pass ends (%(end)s)."),
                                  code="after_end", params={"end": _when(lesson.student, lesson_pass.valid_until)})
        if starts_at < lesson_pass.starts_at:
            raise ValidationError(_("This time is before the pass starts."), code="before_start")
        if Freeze.objects.filter(lesson_pass=lesson_pass, starts_at__lte=starts_at, ends_at__gt=starts_at).exists():
            raise ValidationError(_("The pass is frozen at this time."), code="frozen")
    # A clear answer up front; the exclusion constraints still decide a race.
    clash = Lesson.objects.filter(Q(teacher_id=lesson.teacher_id) | Q(student_id=lesson.student_id),
                                  status__in=OCCUPYING, starts_at__lt=ends_at, ends_at__gt=starts_at)
    if clash.exclude(pk=lesson.pk).exists():
        raise SlotTaken()
    return ends_at


def _check_freed_credit(*, lesson: Lesson, starts_at: datetime, now: datetime) -> None:
    """A time for the credit a cancelled lesson gave back: a running pass must have a free lesson then."""
    if starts_at <= now:
        raise ValidationError(_("Choose a time that has not passed yet."), code="past")
    if _pass_for_booking(lesson.enrollment, starts_at, now) is None:
        last_end = Pass.objects.filter(enrollment=lesson.enrollment, valid_until__gt=now).aggregate(
            end=Max("valid_until"))["end"]
        if last_end is not None and starts_at >= last_end:
            raise ValidationError(_("This time is after the pass ends (%(end)s)."),
                                  code="after_end", params={"end": _when(lesson.student, last_end)})
        raise ValidationError(_("There is no running pass with a free lesson for this time."), code="no_credit")
    _check_time(lesson=lesson, starts_at=starts_at, now=now, lesson_pass=None)


def _reservation_pass(lesson: Lesson) -> Pass | None:
    """The pass holding the lesson's open credit (after an extension, the next pass).

    Precondition: the lesson was locked with `lesson_lock`, which locked that pass first.
    """
    reservation = (Reservation.objects.select_related("lesson_pass")
                   .filter(lesson_id=lesson.pk, status=Reservation.Status.OPEN).first())
    return reservation.lesson_pass if reservation is not None else lesson.lesson_pass


# Moving ----------------------------------------------------------------------------------------------
def _move(lesson: Lesson, *, starts_at: datetime, now: datetime) -> datetime:
    """Move a locked, scheduled lesson; returns its old start. SlotTaken if another lesson got there first."""
    lesson_pass = _reservation_pass(lesson) if lesson.kind == Lesson.Kind.REGULAR else None
    ends_at = _check_time(lesson=lesson, starts_at=starts_at, now=now, lesson_pass=lesson_pass)
    old_start = lesson.starts_at
    lesson.starts_at, lesson.ends_at = starts_at, ends_at
    lesson.needs_attention = ""
    lesson.sequence += 1
    try:
        with transaction.atomic():
            lesson.save(update_fields=["starts_at", "ends_at", "needs_attention", "sequence"])
    except IntegrityError as error:
        if "no_overlap" in str(error):
            raise SlotTaken() from error
        raise
    Reservation.objects.filter(lesson_id=lesson.pk, status=Reservation.Status.OPEN).update(lesson_starts_at=starts_at)
    return old_start


@transaction.atomic
def lesson_move(*, lesson: Lesson, starts_at: datetime, by, now: datetime | None = None) -> Lesson:
    """The teacher (or a manager, e.g. in the school's admin) moves a lesson not started yet to another free
    time inside the teacher's hours and the pass. Whoever did not move it is told."""
    now = now or timezone.now()
    lesson = lesson_lock(lesson, related=("student", "teacher"))
    if by.pk != lesson.teacher_id and not by.is_manager:
        raise PermissionDenied
    if lesson.status != Status.SCHEDULED:
        raise ValidationError(_("This lesson is not scheduled any more."), code="not_scheduled")
    if now >= lesson.starts_at:
        raise ValidationError(_("The lesson has started; it cannot be moved."), code="started")
    old_start = _move(lesson, starts_at=starts_at, now=now)
    # A proposal still waiting is answered by the move.
    Proposal.objects.filter(lesson=lesson, status=Proposal.Status.PENDING).update(
        status=Proposal.Status.DECLINED, decided_by=by, decided_at=now)
    for person, url in ((lesson.student, STUDENT_LESSONS), (lesson.teacher, TEACHER_LESSONS)):
        if person.pk != by.pk:
            notify(person, kinds.LESSON_MOVED, {
                "old": _when(person, old_start), "new": _when(person, starts_at), "by": by.get_full_name(),
            }, url=url)
    return lesson


# Proposals -------------------------------------------------------------------------------------------
@transaction.atomic
def proposal_create(*, lesson: Lesson, starts_at: datetime, by, message: str = "",
                    now: datetime | None = None) -> RescheduleProposal:
    """The student proposes `starts_at` (one of the teacher's free times); a waiting proposal is replaced."""
    now = now or timezone.now()
    lesson = lesson_lock(lesson, related=("student", "teacher", "enrollment"))
    if by.pk != lesson.student_id:
        raise PermissionDenied
    if not can_propose(by, lesson, now):
        raise ValidationError(_("Another time can no longer be proposed for this lesson."), code="not_open")
    if is_move(lesson):
        if starts_at == lesson.starts_at:
            raise ValidationError(_("This is the lesson's current time."), code="same")
        ends_at = _check_time(lesson=lesson, starts_at=starts_at, now=now, lesson_pass=_reservation_pass(lesson))
        expires_at = min(lesson.starts_at, starts_at)
    else:
        _check_freed_credit(lesson=lesson, starts_at=starts_at, now=now)
        lesson_pass = _pass_for_booking(lesson.enrollment, starts_at, now)
        ends_at = starts_at + timedelta(minutes=lesson_pass.product.lesson_minutes)
        expires_at = starts_at
    Proposal.objects.filter(lesson=lesson, status=Proposal.Status.PENDING).update(
        status=Proposal.Status.WITHDRAWN, decided_by=by, decided_at=now)
    proposal = Proposal.objects.create(lesson=lesson, proposed_by=by, starts_at=starts_at, ends_at=ends_at,
                                       expires_at=expires_at, message=message.strip()[:500])
    teacher = lesson.teacher
    notify(teacher, kinds.RESCHEDULE_PROPOSED, {
        "student": by.get_full_name(), "old": _when(teacher, lesson.starts_at), "new": _when(teacher, starts_at),
        "moves": is_move(lesson), "message": proposal.message,
    }, url=TEACHER_LESSONS)
    return proposal


def _locked_proposal(proposal: RescheduleProposal, now: datetime) -> tuple[RescheduleProposal, Lesson]:
    lesson = lesson_lock(proposal.lesson, related=("student", "teacher", "enrollment"))
    proposal = locked(Proposal.objects).get(pk=proposal.pk)
    if proposal.status != Proposal.Status.PENDING:
        raise ValidationError(_("This proposal has already been answered."), code="answered")
    if now >= proposal.expires_at:
        raise ProposalExpired()
    return proposal, lesson


def proposal_accept(*, proposal: RescheduleProposal, by, now: datetime | None = None) -> Lesson:
    """The teacher agrees: the lesson moves (or, for a freed credit, a new lesson is booked).

    An expired proposal is refused (and recorded as expired); a slot taken meanwhile raises SlotTaken.
    """
    now = now or timezone.now()
    try:
        return _accept(proposal=proposal, by=by, now=now)
    except ProposalExpired:
        Proposal.objects.filter(pk=proposal.pk, status=Proposal.Status.PENDING).update(status=Proposal.Status.EXPIRED)
        raise


@transaction.atomic
def _accept(*, proposal: RescheduleProposal, by, now: datetime) -> Lesson:
    if by.pk != proposal.lesson.teacher_id:
        raise PermissionDenied
    proposal, lesson = _locked_proposal(proposal, now)
    student = lesson.student
    if is_move(lesson):
        old_start = _move(lesson, starts_at=proposal.starts_at, now=now)
        result = lesson
    else:
        old_start = lesson.starts_at
        result = lesson_book(enrollment=lesson.enrollment, starts_at=proposal.starts_at, by=by, now=now)
        proposal.booked_lesson = result
    proposal.status, proposal.decided_by, proposal.decided_at = Proposal.Status.ACCEPTED, by, now
    proposal.save(update_fields=["status", "decided_by", "decided_at", "booked_lesson"])
    notify(student, kinds.RESCHEDULE_ACCEPTED, {
        "teacher": by.get_full_name(), "old": _when(student, old_start), "new": _when(student, proposal.starts_at),
    }, url=STUDENT_LESSONS)
    return result


@transaction.atomic
def proposal_decline(*, proposal: RescheduleProposal, by, now: datetime | None = None) -> RescheduleProposal:
    now = now or timezone.now()
    if by.pk != proposal.lesson.teacher_id:
        raise PermissionDenied
    proposal, lesson = _locked_proposal(proposal, now)
    proposal.status, proposal.decided_by, proposal.decided_at = Proposal.Status.DECLINED, by, now
    proposal.save(update_fields=["status", "decided_by", "decided_at"])
    student = lesson.student
    notify(student, kinds.RESCHEDULE_DECLINED, {
        "teacher": by.get_full_name(), "old": _when(student, lesson.starts_at),
        "new": _when(student, proposal.starts_at),
    }, url=STUDENT_LESSONS)
    return proposal


@transaction.atomic
def proposal_withdraw(*, proposal: RescheduleProposal, by, now: datetime | None = None) -> RescheduleProposal:
    now = now or timezone.now()
    if by.pk != proposal.proposed_by_id:
        raise PermissionDenied
    proposal = locked(Proposal.objects).get(pk=proposal.pk)
    if proposal.status != Proposal.Status.PENDING:
        raise ValidationError(_("This proposal has already been answered."), code="answered")
    proposal.status, proposal.decided_by, proposal.decided_at = Proposal.Status.WITHDRAWN, by, now
    proposal.save(update_fields=["status", "decided_by", "decided_at"])
    return proposal


def proposals_expire(*, now: datetime | None = None) -> int:
    """Record the proposals whose time has come as expired (beat runs this; accepting checks anyway)."""
    now = now or timezone.now()
    return Proposal.objects.filter(status=Proposal.Status.PENDING, expires_at__lte=now).update(
        status=Proposal.Status.EXPIRED)


# Reads ------------------------------------------------------------------------------------------------
def open_proposals(*, now: datetime, teacher=None, student=None):
    """Proposals waiting for an answer and not expired, with what their rows show (one query)."""
    proposals = Proposal.objects.filter(status=Proposal.Status.PENDING, expires_at__gt=now).select_related(
        "lesson__student", "lesson__teacher", "lesson__enrollment__language")
    if teacher is not None:
        proposals = proposals.filter(lesson__teacher=teacher)
    if student is not None:
        proposals = proposals.filter(lesson__student=student)
    return proposals.order_by("expires_at", "pk")
