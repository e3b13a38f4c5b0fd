"""Reads on scheduling. List pages call these, so their query count stays the same as lessons pile up.

Every function takes `now` (and a zone where a day or a month is meant): pages pass
`timezone.now()` and the viewer's zone, tests pass fixed instants.
"""

import zoneinfo
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from billing.models import LedgerEntry, Pass, Reservation
from billing.selectors import pass_remaining, passes_for_student
from tenant_apps.scheduling.models import OCCUPYING, ExtraHours, Lesson, TimeOff, WorkingHours
from tenant_apps.scheduling.services import inside_weekly_window
from tenant_apps.scheduling.timeslots import local_instant

Status = Lesson.Status
# A lesson still "scheduled" this long after its end is listed as not marked (for the teacher and
# the manager): at end + 24 h + 1 min it is listed, at end + 23 h 59 min it is not.
UNMARKED_AFTER = timedelta(hours=24)
PAST_LESSONS_SHOWN = 50
UNMARKED_SHOWN = 100
SLOT_STEP = timedelta(hours=1)
SLOT_DAYS = 14


def _lessons() -> QuerySet[Lesson]:
    return Lesson.objects.select_related("teacher", "student", "enrollment__language")


# The student's lessons -----------------------------------------------------------------------
def upcoming_lessons_for_student(student, *, now: datetime) -> QuerySet[Lesson]:
    """Lessons not over yet, the cancelled ones included (the student sees what became of them)."""
    return _lessons().filter(student=student, ends_at__gt=now).order_by("starts_at", "pk")


def past_lessons_for_student(student, *, now: datetime, limit: int = PAST_LESSONS_SHOWN) -> QuerySet[Lesson]:
    return _lessons().filter(student=student, ends_at__lte=now).order_by("-starts_at", "-pk")[:limit]


def running_passes_for_student(student, *, now: datetime) -> list[Pass]:
    """The student's passes that have not ended, each with `remaining` (free + booked), `free`
    (free to book) and `freezes_used` (one query)."""
    passes = list(
        passes_for_student(student, now=now)
        .filter(valid_until__gt=now)
        .annotate(freezes_used=Count("freezes", distinct=True))
    )
    for lesson_pass in passes:
        lesson_pass.remaining = pass_remaining(lesson_pass, now)
        lesson_pass.free = lesson_pass.free or 0
    return passes


# Anyone's lessons in a period ------------------------------------------------------------------
def lessons_between(*, start: datetime, end: datetime, teacher=None, student=None) -> QuerySet[Lesson]:
    """The teacher's (or the student's) lessons starting in [start, end), every status."""
    lessons = _lessons().filter(starts_at__gte=start, starts_at__lt=end)
    if teacher is not None:
        lessons = lessons.filter(teacher=teacher)
    if student is not None:
        lessons = lessons.filter(student=student)
    return lessons.order_by("starts_at", "pk")


def upcoming_scheduled_lessons(*, now: datetime, until: datetime, teacher=None, student=None) -> QuerySet[Lesson]:
    """What is still going to happen (cancelled lessons left out), for the schedule pages."""
    lessons = _lessons().filter(status=Status.SCHEDULED, ends_at__gt=now, starts_at__lt=until)
    if teacher is not None:
        lessons = lessons.filter(teacher=teacher)
    if student is not None:
        lessons = lessons.filter(student=student)
    return lessons.order_by("starts_at", "pk")


def unmarked_lessons(*, now: datetime, teacher=None, limit: int = UNMARKED_SHOWN) -> QuerySet[Lesson]:
    """Lessons still "scheduled" UNMARKED_AFTER after their end: nobody said whether they were held."""
    lessons = _lessons().filter(status=Status.SCHEDULED, ends_at__lte=now - UNMARKED_AFTER)
    if teacher is not None:
        lessons = lessons.filter(teacher=teacher)
    return lessons.order_by("starts_at", "pk")[:limit]


def month_bounds(now: datetime, zone: zoneinfo.ZoneInfo) -> tuple[datetime, datetime]:
    """The calendar month around `now` in `zone`, as instants [start, end)."""
    today = now.astimezone(zone).date()
    first = today.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return day_start(first, zone), day_start(following, zone)


def teacher_cancellations(*, start: datetime, end: datetime) -> list[dict]:
    """Per teacher: lessons they cancelled in [start, end), most first.

    Counted when the cancellation happened: a cancellation from the lesson pages sets
    `cancelled_at`, a lesson marked "cancelled by the teacher" afterwards sets `marked_at`.
    """
    return list(
        Lesson.objects.filter(status=Status.CANCELLED_BY_TEACHER)
        .annotate(cancelled_when=Coalesce("cancelled_at", "marked_at"))
        .filter(cancelled_when__gte=start, cancelled_when__lt=end)
        .values("teacher_id", name=F("teacher__full_name"), email=F("teacher__email"))
        .annotate(count=Count("pk"))
        .order_by("-count", "name", "email")
    )


# The teacher's students ------------------------------------------------------------------------
def with_next_lesson_and_pass_balance(enrollments: QuerySet, *, now: datetime) -> list:
    """The enrollments, each with `next_lesson_at` and `pass_balance` (lessons left on its running
    passes, None without one): two queries however many there are."""
    next_start = (
        Lesson.objects.filter(enrollment=OuterRef("pk"), status=Status.SCHEDULED, starts_at__gte=now)
        .order_by("starts_at")
        .values("starts_at")[:1]
    )
    enrollments = list(enrollments.annotate(next_lesson_at=Subquery(next_start)))
    # The same figures as billing.selectors.passes_for_student, for many students at once.
    last_balance = LedgerEntry.objects.filter(lesson_pass=OuterRef("pk")).order_by("-seq").values("balance_after")[:1]
    passes = Pass.objects.filter(enrollment__in=[e.pk for e in enrollments], valid_until__gt=now).annotate(
        free=Subquery(last_balance),
        reserved=Count("reservations", filter=Q(reservations__status=Reservation.Status.OPEN), distinct=True),
    )
    balances = defaultdict(int)
    for lesson_pass in passes:
        balances[lesson_pass.enrollment_id] += pass_remaining(lesson_pass, now)
    for enrollment in enrollments:
        enrollment.pass_balance = balances.get(enrollment.pk)
    return enrollments


# Free times for booking --------------------------------------------------------------------------
def free_slots(*, enrollment, lesson_pass: Pass, minutes: int, now: datetime, days: int = SLOT_DAYS,
               ignore_lesson_id: int | None = None) -> list[datetime]:
    """Start times the enrollment's student could book with its teacher, in SLOT_STEP steps.

    Inside the teacher's working hours (or one-off extra hours), not on a day off, inside the pass
    (and not in a frozen week of it), in the next `days` days, overlapping no lesson of the teacher
    or the student (but `ignore_lesson_id`, the lesson being moved). Five queries;
    `services.lesson_book` and `reschedule` check the chosen time again.
    """
    teacher_id, student_id = enrollment.teacher_id, enrollment.student_id
    length = timedelta(minutes=minutes)
    start = max(now, lesson_pass.starts_at)
    end = min(now + timedelta(days=days), lesson_pass.valid_until)  # a lesson *starts* before the end
    if teacher_id is None or start >= end:
        return []
    weekly = list(WorkingHours.objects.filter(teacher_id=teacher_id))
    extra = list(ExtraHours.objects.filter(teacher_id=teacher_id, ends_at__gt=start, starts_at__lt=end + length))
    days_off = list(
        TimeOff.objects.filter(teacher_id=teacher_id, ends_at__gt=start, starts_at__lt=end + length)
        .values_list("starts_at", "ends_at")
    )
    busy = list(
        Lesson.objects.filter(Q(teacher_id=teacher_id) | Q(student_id=student_id), status__in=OCCUPYING)
        .filter(ends_at__gt=start, starts_at__lt=end + length)
        .exclude(pk=ignore_lesson_id)
        .values_list("starts_at", "ends_at")
    )
    frozen = list(lesson_pass.freezes.values_list("starts_at", "ends_at"))

    def overlaps(periods, slot_start):
        return any(begins < slot_start + length and slot_start < ends for begins, ends in periods)

    candidates = set()
    for window in weekly:
        for day in _local_days(start, end, window.zone):
            if day.weekday() != window.weekday:
                continue
            at = datetime.combine(day, window.starts)
            while at.date() == day and at.time() < window.ends:
                instant = local_instant(day, at.time(), window.zone)
                if instant is not None and inside_weekly_window(window, instant, instant + length):
                    if not overlaps(days_off, instant):
                        candidates.add(instant)
                at += SLOT_STEP
    for window in extra:
        instant = window.starts_at
        while instant + length <= window.ends_at:
            candidates.add(instant)
            instant += SLOT_STEP
    return sorted(
        instant
        for instant in candidates
        if start < instant < end
        and not overlaps(busy, instant)
        and not any(freeze_start <= instant < freeze_end for freeze_start, freeze_end in frozen)
    )


def _local_days(start: datetime, end: datetime, zone: zoneinfo.ZoneInfo):
    day, last = start.astimezone(zone).date(), end.astimezone(zone).date()
    while day <= last:
        yield day
        day += timedelta(days=1)


# Days and weeks in the viewer's zone --------------------------------------------------------------
def day_start(day: date, zone: zoneinfo.ZoneInfo) -> datetime:
    """Midnight of `day` in `zone` (the first instant of that day), as an aware datetime."""
    return datetime.combine(day, time.min, tzinfo=zone)


def week_monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


@dataclass
class Day:
    day: date
    lessons: list


def group_by_day(lessons, days: list[date], zone: zoneinfo.ZoneInfo) -> list[Day]:
    """Every day in `days`, each with its lessons (by local start date), empty days included."""
    grouped = {day: Day(day, []) for day in days}
    for lesson in lessons:
        local_day = lesson.starts_at.astimezone(zone).date()
        if local_day in grouped:
            grouped[local_day].lessons.append(lesson)
    return list(grouped.values())


@dataclass
class Week:
    monday: date
    lessons: list

    @property
    def sunday(self) -> date:
        return self.monday + timedelta(days=6)


def group_by_week(lessons, zone: zoneinfo.ZoneInfo) -> list[Week]:
    """The lessons in weeks (Monday to Sunday, local), only weeks that have lessons."""
    weeks: dict[date, Week] = {}
    for lesson in lessons:
        monday = week_monday(lesson.starts_at.astimezone(zone).date())
        weeks.setdefault(monday, Week(monday, [])).lessons.append(lesson)
    return list(weeks.values())
