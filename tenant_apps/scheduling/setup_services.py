"""Teachers' hours and weekly plans: reads, access and writes (the pages are views_setup.py)."""


from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from billing.models import Pass
from billing.services import locked
from tenant_apps.accounts.models import User
from tenant_apps.learning.models import Enrollment
from tenant_apps.scheduling.models import (
    ExtraHours,
    Lesson,
    PlanSlot,
    TimeOff,
    WeeklyPlan,
    WorkingHours,
)
from tenant_apps.scheduling.services import Booking, plan_book


# Reads ---------------------------------------------------------------------------------------
def hours_zone(teacher, school) -> str:
    """The zone of the teacher's weekly hours: the one they are kept in, else the teacher's, else the school's."""
    kept = WorkingHours.objects.filter(teacher=teacher).values_list("time_zone", flat=True).first()
    return kept or teacher.time_zone or school.time_zone


def teacher_zone(teacher, school) -> str:
    """Where a teacher lives, for a new plan's default: their profile, else their hours, else the school."""
    if teacher is None:
        return school.time_zone
    return teacher.time_zone or hours_zone(teacher, school)


def current_pass(enrollment, *, now: datetime) -> Pass | None:
    """The enrollment's latest pass that has not ended: the one "book now" fills."""
    return Pass.objects.filter(enrollment=enrollment, valid_until__gt=now).order_by("-starts_at", "-pk").first()


def inside_weekly_hours(windows: list[WorkingHours], starts_at: datetime, ends_at: datetime) -> bool:
    """Inside one of the weekly windows (each read in its own zone); days off and extra hours aside."""
    for window in windows:
        local_start, local_end = starts_at.astimezone(window.zone), ends_at.astimezone(window.zone)
        if (
            local_start.weekday() == window.weekday
            and local_start.date() == (local_end - timedelta(microseconds=1)).date()
            and window.starts <= local_start.time()
            and local_end.time() <= window.ends
            and local_end.time() != time(0)
        ):
            return True
    return False


# Access --------------------------------------------------------------------------------------
def can_plan_enrollment(user, enrollment: Enrollment) -> bool:
    return user.is_manager or user.is_methodologist or user.pk == enrollment.teacher_id


def get_enrollment_for_planning(user, pk: int) -> Enrollment:
    """An active enrollment whose plan `user` may set.

    Its own student may see that it exists but not change its plan (PermissionDenied); to anyone
    else who may not plan it, it does not exist (404), as a missing one does not.
    """
    enrollment = (
        Enrollment.objects.select_related("student", "teacher", "language").filter(pk=pk, is_active=True).first()
    )
    if enrollment is None:
        raise Http404
    if can_plan_enrollment(user, enrollment):
        return enrollment
    if user.pk == enrollment.student_id:
        raise PermissionDenied
    raise Http404


# Writes --------------------------------------------------------------------------------------
def _lock_person(user) -> None:
    # Two tabs adding hours one after the other each passed their form's overlap check; the second
    # re-checks after the first commits.
    locked(User.objects.filter(pk=user.pk)).first()


@transaction.atomic
def working_hours_add(*, teacher, weekday: int, starts: time, ends: time, time_zone: str) -> WorkingHours:
    """Add a weekly window; refused if it overlaps another window of the same weekday."""
    _lock_person(teacher)
    if WorkingHours.objects.filter(teacher=teacher, weekday=weekday, starts__lt=ends, ends__gt=starts).exists():
        raise ValidationError(_("This overlaps another window on the same day."), code="overlap")
    return WorkingHours.objects.create(teacher=teacher, weekday=weekday, starts=starts, ends=ends, time_zone=time_zone)


@transaction.atomic
def working_hours_zone_set(*, teacher, time_zone: str) -> bool:
    """Read the teacher's weekly hours in another zone (same wall-clock times).

    A teacher without a zone of their own gets this one too, so it sticks before the first window
    and their plans default to it; returns whether that happened.
    """
    _lock_person(teacher)
    WorkingHours.objects.filter(teacher=teacher).update(time_zone=time_zone)
    if teacher.time_zone:
        return False
    teacher.time_zone = time_zone
    teacher.save(update_fields=["time_zone"])
    return True


@transaction.atomic
def time_off_add(*, teacher, starts_at: datetime, ends_at: datetime, reason: str = "") -> tuple[TimeOff, int]:
    """Days off, and how many lessons are booked inside them (they stay booked until someone cancels)."""
    time_off = TimeOff.objects.create(teacher=teacher, starts_at=starts_at, ends_at=ends_at, reason=reason)
    booked = Lesson.objects.filter(
        teacher=teacher, status=Lesson.Status.SCHEDULED, starts_at__lt=ends_at, ends_at__gt=starts_at
    ).count()
    return time_off, booked


def extra_hours_add(*, teacher, starts_at: datetime, ends_at: datetime) -> ExtraHours:
    return ExtraHours.objects.create(teacher=teacher, starts_at=starts_at, ends_at=ends_at)


@dataclass
class PlanSaved:
    plan: WeeklyPlan
    book_now: bool = False
    lesson_pass: Pass | None = None
    booking: Booking | None = None


@transaction.atomic
def weekly_plan_save(
    *, enrollment: Enrollment, by, time_zone: str, lesson_minutes: int, slots: list[tuple[int, time]],
    book_now: bool = False, now: datetime | None = None,
) -> PlanSaved:
    """Create or change the enrollment's weekly plan; with `book_now`, book it into the latest running pass.

    Lessons booked already stay as they are: the plan's times apply to what is booked from now on.
    """
    now = now or timezone.now()
    # Two tabs saving the first plan at once: one creates it, the other then changes it (instead of
    # failing on the one-to-one); and their two bookings run one after the other.
    locked(Enrollment.objects.filter(pk=enrollment.pk)).first()
    plan, _created = WeeklyPlan.objects.update_or_create(
        enrollment=enrollment,
        defaults={"time_zone": time_zone, "lesson_minutes": lesson_minutes, "is_active": True, "agreed_by": by},
    )
    wanted = set(slots)
    kept = {(slot.weekday, slot.starts): slot.pk for slot in plan.slots.all()}
    PlanSlot.objects.filter(pk__in=[pk for key, pk in kept.items() if key not in wanted]).delete()
    PlanSlot.objects.bulk_create(
        PlanSlot(plan=plan, weekday=weekday, starts=starts) for weekday, starts in sorted(wanted - kept.keys())
    )
    saved = PlanSaved(plan=plan, book_now=book_now)
    if book_now:
        saved.lesson_pass = current_pass(enrollment, now=now)
        if saved.lesson_pass is not None:
            saved.booking = plan_book(plan=plan, lesson_pass=saved.lesson_pass, now=now, by=by)
    return saved
