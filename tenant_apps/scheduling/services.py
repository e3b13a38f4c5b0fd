"""Writes on scheduling: booking a plan into a pass, cancelling, marking, freezing.

Every rule takes `now`; the cancellation window is absolute time (8 h = 8 × 3600 s, whatever
the clocks do in between).
"""

import logging
import zoneinfo
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from billing.models import LedgerEntry, Pass, Reservation
from billing.services import (
    credit_consume,
    credit_release,
    credit_reserve,
    free_credits,
    locked,
    pass_extend_validity,
    passes_lock,
)
from tenant_apps.accounts.localtime import when_for
from tenant_apps.notifications.services import notify
from tenant_apps.scheduling import notification_kinds as kinds
from tenant_apps.scheduling.models import ExtraHours, Freeze, Lesson, TimeOff, WeeklyPlan, WorkingHours
from tenant_apps.scheduling.timeslots import weekly_occurrences

logger = logging.getLogger(__name__)
Status = Lesson.Status


def _school():
    from billing.services import _school as current_school

    return current_school()


def _zone_of(user) -> zoneinfo.ZoneInfo:
    return user.zone(default=_school().time_zone)


def _when(user, instant: datetime) -> str:
    """An instant as the user reads it: their zone (named), their language."""
    return when_for(user, instant, school=_school())


# Teachers' hours -----------------------------------------------------------------------------
def within_hours(*, teacher, starts_at: datetime, ends_at: datetime) -> bool:
    """Inside a one-off extra window, or inside a weekly window and not on a day off."""
    if ExtraHours.objects.filter(teacher=teacher, starts_at__lte=starts_at, ends_at__gte=ends_at).exists():
        return True
    if TimeOff.objects.filter(teacher=teacher, starts_at__lt=ends_at, ends_at__gt=starts_at).exists():
        return False
    weekly = WorkingHours.objects.filter(teacher=teacher)
    return any(inside_weekly_window(hours, starts_at, ends_at) for hours in weekly)


def inside_weekly_window(hours: WorkingHours, starts_at: datetime, ends_at: datetime) -> bool:
    """Whether [starts_at, ends_at) falls inside this weekly window on one day, in the window's zone.

    Shared with the free-slot finder (selectors.free_slots), which checks many times at once.
    """
    local_start = starts_at.astimezone(hours.zone)
    local_end = ends_at.astimezone(hours.zone)
    return (
        local_start.weekday() == hours.weekday
        and local_start.date() == (local_end - timedelta(microseconds=1)).date()
        and hours.starts <= local_start.time()
        and local_end.time() <= hours.ends
        and local_end.time() != datetime.min.time()
    )


# Booking -------------------------------------------------------------------------------------
@dataclass
class Booking:
    booked: list[Lesson] = field(default_factory=list)
    flagged: list[Lesson] = field(default_factory=list)
    clashes: list[datetime] = field(default_factory=list)


class SlotTaken(ValidationError):
    def __init__(self):
        super().__init__(_("This time is taken: the teacher or the student has another lesson then."), code="taken")


def _create_lesson(*, enrollment, lesson_pass, starts_at, minutes, plan=None, by=None, now) -> Lesson:
    """A lesson and its credit, or SlotTaken (the exclusion constraints decide races)."""
    try:
        with transaction.atomic():
            # The pass first, then the lesson: one lock order for every booking, so two bookings
            # of one pass queue up instead of deadlocking inside the exclusion check.
            locked(Pass.objects.filter(pk=lesson_pass.pk)).first()
            lesson = Lesson.objects.create(
                enrollment=enrollment, teacher=enrollment.teacher, student=enrollment.student,
                lesson_pass=lesson_pass, plan=plan, starts_at=starts_at, plan_starts_at=starts_at if plan else None,
                ends_at=starts_at + timedelta(minutes=minutes),
            )
            credit_reserve(lesson_pass=lesson_pass, lesson_id=lesson.pk, lesson_starts_at=starts_at, by=by, now=now)
            return lesson
    except IntegrityError as error:
        if "no_overlap" in str(error):
            raise SlotTaken() from error
        raise


def _frozen(lesson_pass: Pass, starts_at: datetime) -> bool:
    return any(f.starts_at <= starts_at < f.ends_at for f in lesson_pass.freezes.all())


@transaction.atomic
def plan_book(*, plan: WeeklyPlan, lesson_pass: Pass, now: datetime | None = None, by=None) -> Booking:
    """Book the plan's lessons into the pass: as many as it has free credits, inside its validity.

    Wall-clock times are kept in the plan's zone across DST changes. A lesson the shift pushes
    outside the teacher's hours is booked and flagged; one that would overlap another lesson is not
    booked, and both sides are told.
    """
    now = now or timezone.now()
    enrollment = plan.enrollment
    result = Booking()
    if enrollment.teacher_id is None or not plan.is_active:
        return result
    lesson_pass = locked(Pass.objects.prefetch_related("freezes")).get(pk=lesson_pass.pk)
    credits = free_credits(lesson_pass)
    # Every occurrence the plan ever booked, whatever became of it: a lesson cancelled, moved or frozen
    # is never booked again at its planned time (its credit stays free for the student to use).
    already = set(Lesson.objects.filter(plan=plan).values_list(Coalesce("plan_starts_at", "starts_at"), flat=True))
    slots = list(plan.slots.values_list("weekday", "starts"))
    window_start = max(lesson_pass.starts_at, now)
    for starts_at in weekly_occurrences(slots, plan.zone, window_start, lesson_pass.valid_until):
        if credits <= 0:
            break
        if starts_at in already or _frozen(lesson_pass, starts_at):
            continue
        try:
            lesson = _create_lesson(enrollment=enrollment, lesson_pass=lesson_pass, starts_at=starts_at,
                                    minutes=plan.lesson_minutes, plan=plan, by=by, now=now)
        except SlotTaken:
            result.clashes.append(starts_at)
            continue
        credits -= 1
        result.booked.append(lesson)
        if not within_hours(teacher=lesson.teacher, starts_at=lesson.starts_at, ends_at=lesson.ends_at):
            lesson.needs_attention = str(_("Outside the teacher's working hours after a clock change."))
            lesson.save(update_fields=["needs_attention"])
            result.flagged.append(lesson)
    _tell_about_booking(enrollment, result)
    return result


def _tell_about_booking(enrollment, result: Booking) -> None:
    student, teacher = enrollment.student, enrollment.teacher
    if result.booked:
        with translation.override(student.language or _school().default_language):
            notify(student, kinds.LESSONS_BOOKED, {
                "count": len(result.booked),
                "first": _when(student, result.booked[0].starts_at),
                "teacher": teacher.get_full_name(),
            }, url="/student/lessons/")
    problems = [lesson.starts_at for lesson in result.flagged] + result.clashes
    for person in (student, teacher):
        for instant in problems:
            notify(person, kinds.LESSON_NEEDS_ATTENTION, {"when": _when(person, instant)},
                   url="/teacher/lessons/" if person == teacher else "/student/lessons/")


@transaction.atomic
def plan_book_on_pass_activated(pass_id: int) -> None:
    """billing's "pass activated" hook: move carried-over lessons, then book the weekly plan."""
    lesson_pass = Pass.objects.select_related("enrollment__student", "enrollment__teacher").get(pk=pass_id)
    moved = list(lesson_pass.reservations.filter(status="open").values_list("lesson_id", flat=True))
    # The lock order: the passes (the old ones and this one), then the lessons that move.
    lessons_lock(Lesson.objects.filter(pk__in=moved).exclude(lesson_pass=lesson_pass))
    Lesson.objects.filter(pk__in=moved).exclude(lesson_pass=lesson_pass).update(lesson_pass=lesson_pass)
    plan = WeeklyPlan.objects.filter(enrollment=lesson_pass.enrollment, is_active=True).first()
    if plan is not None:
        plan_book(plan=plan, lesson_pass=lesson_pass)


def _pass_for_booking(enrollment, starts_at: datetime, now: datetime) -> Pass | None:
    """The enrollment's running pass that covers `starts_at`, is not frozen then and has a free credit.

    Of several, the one that ends first: its credits burn first.
    """
    last_balance = LedgerEntry.objects.filter(lesson_pass=OuterRef("pk")).order_by("-seq").values("balance_after")[:1]
    frozen_then = Freeze.objects.filter(lesson_pass=OuterRef("pk"), starts_at__lte=starts_at, ends_at__gt=starts_at)
    return (
        Pass.objects.filter(enrollment=enrollment, starts_at__lte=starts_at, valid_until__gt=starts_at)
        .filter(valid_until__gt=now)
        .annotate(free=Subquery(last_balance))
        .filter(free__gt=0)
        .exclude(Exists(frozen_then))
        .select_related("product")
        .order_by("valid_until", "pk")
        .first()
    )


@transaction.atomic
def lesson_book(*, enrollment, starts_at: datetime, by, now: datetime | None = None) -> Lesson:
    """Book one lesson of the enrollment at `starts_at` (e.g. after an in-time cancellation).

    Inside the teacher's hours, against a running pass with a free credit, for the pass's lesson
    length. A time another lesson of the teacher or the student overlaps raises SlotTaken: the
    exclusion constraints decide, so of two bookings racing for one slot exactly one wins.
    """
    now = now or timezone.now()
    if by.pk not in (enrollment.student_id, enrollment.teacher_id) and not by.is_manager:
        raise PermissionDenied
    if enrollment.teacher_id is None or not enrollment.is_active:
        raise ValidationError(_("Lessons are booked once a teacher is assigned."), code="no_teacher")
    if starts_at <= now:
        raise ValidationError(_("Choose a time that has not passed yet."), code="past")
    lesson_pass = _pass_for_booking(enrollment, starts_at, now)
    if lesson_pass is None:
        raise ValidationError(_("There is no running pass with a free lesson for this time."), code="no_credit")
    minutes = lesson_pass.product.lesson_minutes
    ends_at = starts_at + timedelta(minutes=minutes)
    if not within_hours(teacher=enrollment.teacher, starts_at=starts_at, ends_at=ends_at):
        raise ValidationError(_("This time is outside the teacher's working hours."), code="outside_hours")
    lesson = _create_lesson(enrollment=enrollment, lesson_pass=lesson_pass, starts_at=starts_at, minutes=minutes,
                            by=by, now=now)
    for person, other, url in ((enrollment.student, enrollment.teacher, "/student/lessons/"),
                               (enrollment.teacher, enrollment.student, "/teacher/lessons/")):
        notify(person, kinds.LESSON_BOOKED, {"when": _when(person, starts_at), "other": other.get_full_name()}, url=url)
    return lesson


# Locking lessons ------------------------------------------------------------------------------
# Passes before lessons (billing.services.locked has the whole order): booking and freezing lock the
# pass and then write lessons, so everything that writes a lesson locks its passes first. A lesson's
# credit may sit on another pass than `lesson.lesson_pass` (an extension moved it to the next pass
# before the lesson row follows), so both are locked, by id.
def _passes_of(lesson_ids) -> set[int]:
    own = Lesson.objects.filter(pk__in=lesson_ids, lesson_pass__isnull=False).values_list("lesson_pass_id", flat=True)
    held = Reservation.objects.filter(lesson_id__in=lesson_ids, status=Reservation.Status.OPEN).values_list(
        "lesson_pass_id", flat=True)
    return set(own) | set(held)


def lesson_lock(lesson: Lesson, *, related: tuple[str, ...] = ()) -> Lesson:
    """The lesson read again and locked, after its passes. Precondition: inside `transaction.atomic`."""
    for _attempt in range(3):
        passes = _passes_of([lesson.pk])
        passes_lock(passes)
        locked_lesson = locked(Lesson.objects.select_related(*related)).get(pk=lesson.pk)
        if _passes_of([lesson.pk]) <= passes:  # an extension did not move its credit meanwhile
            break
    return locked_lesson


def lessons_lock(lessons) -> list[Lesson]:
    """The lessons of a queryset, locked after their passes, by id (rows changed meanwhile drop out)."""
    passes_lock(_passes_of(list(lessons.values_list("pk", flat=True))))
    return list(locked(lessons).order_by("pk"))


# Cancelling ----------------------------------------------------------------------------------
IN_TIME, LATE, BY_TEACHER = "in_time", "late", "by_teacher"


def cancel_outcome(*, lesson: Lesson, by, now: datetime | None = None) -> str:
    """What a cancellation now would do; the confirmation page shows it before the user confirms."""
    now = now or timezone.now()
    if by.pk == lesson.teacher_id:
        return BY_TEACHER
    return IN_TIME if now <= lesson.starts_at - _school().cancellation_window else LATE


def can_cancel_lesson(user, lesson: Lesson) -> bool:
    return user.pk in (lesson.student_id, lesson.teacher_id) or user.is_manager


@transaction.atomic
def lesson_cancel(*, lesson: Lesson, by, now: datetime | None = None, reason: str = "") -> Lesson:
    """Cancel a scheduled lesson: in time (≥ the school's window before start) the credit returns."""
    now = now or timezone.now()
    lesson = lesson_lock(lesson, related=("student", "teacher"))
    if not can_cancel_lesson(by, lesson):
        raise PermissionDenied
    if lesson.status != Status.SCHEDULED:
        raise ValidationError(_("This lesson is not scheduled any more."), code="not_scheduled")
    if now >= lesson.starts_at:
        raise ValidationError(_("The lesson has started; the teacher marks it instead."), code="started")
    outcome = cancel_outcome(lesson=lesson, by=by, now=now)
    if outcome == LATE:
        lesson.status = Status.CANCELLED_LATE
        credit_consume(lesson_id=lesson.pk, kind=LedgerEntry.Kind.CANCELLED_LATE, by=by, reason=reason, now=now)
    else:
        lesson.status = Status.CANCELLED_BY_TEACHER if outcome == BY_TEACHER else Status.CANCELLED_IN_TIME
        credit_release(lesson_id=lesson.pk, by=by, reason=reason, now=now)
    lesson.cancelled_by = by
    lesson.cancelled_at = now
    lesson.sequence += 1
    lesson.save(update_fields=["status", "cancelled_by", "cancelled_at", "sequence"])
    for person in (lesson.student, lesson.teacher):
        if person.pk != by.pk:
            notify(person, kinds.LESSON_CANCELLED, {
                "when": _when(person, lesson.starts_at), "by": by.get_full_name(), "outcome": outcome,
            }, url="/teacher/lessons/" if person == lesson.teacher else "/student/lessons/")
    return lesson


# Marking -------------------------------------------------------------------------------------
MARK_OUTCOMES = {
    "held": (Status.HELD, LedgerEntry.Kind.HELD),
    "no_show": (Status.NO_SHOW, LedgerEntry.Kind.NO_SHOW),
    "cancelled_by_teacher": (Status.CANCELLED_BY_TEACHER, None),
}


def can_mark_lesson(user, lesson: Lesson) -> bool:
    return user.pk == lesson.teacher_id or user.is_manager


@transaction.atomic
def lesson_mark(*, lesson: Lesson, outcome: str, by, note: str = "", now: datetime | None = None) -> Lesson:
    """The teacher says what happened: held and no-show spend the credit, a teacher cancellation returns it."""
    now = now or timezone.now()
    lesson = lesson_lock(lesson)
    if not can_mark_lesson(by, lesson):
        raise PermissionDenied
    if outcome not in MARK_OUTCOMES:
        raise ValidationError(_("Unknown outcome."), code="outcome")
    if lesson.status != Status.SCHEDULED:
        raise ValidationError(_("This lesson is already marked."), code="marked")
    if now < lesson.starts_at:
        raise ValidationError(_("A lesson can be marked once it has started."), code="not_started")
    status, ledger_kind = MARK_OUTCOMES[outcome]
    if ledger_kind is None:
        credit_release(lesson_id=lesson.pk, by=by, reason=note, now=now)
    else:
        credit_consume(lesson_id=lesson.pk, kind=ledger_kind, by=by, reason=note, now=now)
    lesson.status = status
    lesson.note = note
    lesson.marked_by = by
    lesson.marked_at = now
    lesson.sequence += 1
    lesson.save(update_fields=["status", "note", "marked_by", "marked_at", "sequence"])
    return lesson


# Freezing ------------------------------------------------------------------------------------
@transaction.atomic
def pass_freeze(*, lesson_pass: Pass, by, starts_at: datetime, now: datetime | None = None) -> Freeze:
    """A week off: the pass ends later, that week's lessons are cancelled free, the plan goes on."""
    now = now or timezone.now()
    school = _school()
    lesson_pass = locked(Pass.objects.select_related("enrollment")).get(pk=lesson_pass.pk)
    if by.pk != lesson_pass.enrollment.student_id and not by.is_manager:
        raise PermissionDenied
    if lesson_pass.freezes.count() >= school.freezes_per_pass:
        raise ValidationError(_("This pass has already been frozen as often as the school allows."), code="limit")
    if starts_at < now or starts_at >= lesson_pass.valid_until:
        raise ValidationError(_("A freeze starts from now until the pass ends."), code="when")
    length = timedelta(days=school.freeze_days)
    freeze = Freeze.objects.create(
        lesson_pass=lesson_pass, starts_at=starts_at, ends_at=starts_at + length, created_by=by
    )
    for lesson in lessons_lock(Lesson.objects.filter(
        lesson_pass=lesson_pass, status=Status.SCHEDULED, starts_at__gte=starts_at, starts_at__lt=freeze.ends_at
    )):
        credit_release(lesson_id=lesson.pk, by=by, reason=str(_("pass frozen")), now=now)
        lesson.status = Status.FROZEN
        lesson.cancelled_by = by
        lesson.cancelled_at = now
        lesson.sequence += 1
        lesson.save(update_fields=["status", "cancelled_by", "cancelled_at", "sequence"])
    pass_extend_validity(lesson_pass=lesson_pass, by=length, actor=by, reason=str(_("frozen for a week")))
    plan = WeeklyPlan.objects.filter(enrollment=lesson_pass.enrollment, is_active=True).first()
    if plan is not None:
        plan_book(plan=plan, lesson_pass=lesson_pass, now=now, by=by)
    notify(lesson_pass.enrollment.student, kinds.FREEZE_STARTED, {
        "from": _when(lesson_pass.enrollment.student, freeze.starts_at),
        "until": _when(lesson_pass.enrollment.student, freeze.ends_at),
    }, url="/student/payments/")
    return freeze
