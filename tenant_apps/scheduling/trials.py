"""Trial lessons and matching: the methodologists' free times, booking a trial, ranking teachers.

A trial is a `Lesson(kind="trial")` held by a methodologist (in the `teacher` field), with no pass
and no credit. It obeys the same rules as every lesson: inside the methodologist's hours, and
never overlapping another lesson of the methodologist or the student (the exclusion constraints
decide a race). What the visitor told us lives in `website.TrialBooking`, above this module.
"""

import zoneinfo
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from billing.services import locked
from tenant_apps.accounts.models import User
from tenant_apps.learning.models import TeacherProfile
from tenant_apps.scheduling.models import OCCUPYING, ExtraHours, Lesson, TimeOff, WeeklyPlan, WorkingHours
from tenant_apps.scheduling.selectors import _local_days
from tenant_apps.scheduling.setup_services import inside_weekly_hours
from tenant_apps.scheduling.timeslots import local_instant, weekly_occurrences

TRIAL_MINUTES = 30
TRIAL_STEP = timedelta(minutes=30)
TRIAL_DAYS = 14
# A trial needs a little notice: the methodologist must see it coming.
TRIAL_NOTICE = timedelta(hours=2)
Status = Lesson.Status


class TrialSlotGone(ValidationError):
    def __init__(self):
        super().__init__(_("This time has just been taken. Please choose another one."), code="taken")


def _methodologists():
    return User.objects.filter(is_methodologist=True, is_active=True)


def _overlaps(periods, start: datetime, end: datetime) -> bool:
    return any(begins < end and start < ends for begins, ends in periods)


def methodologist_free_slots(*, now: datetime | None = None, days: int = TRIAL_DAYS) -> dict[datetime, list[int]]:
    """Start times of a trial in the next `days` days, each with the methodologists free then.

    Inside a methodologist's weekly or extra hours, not on a day off, clear of their lessons, at
    least TRIAL_NOTICE from now. Five queries however many methodologists and lessons there are;
    `trial_lesson_create` checks the chosen time again.
    """
    now = now or timezone.now()
    start, end = now + TRIAL_NOTICE, now + timedelta(days=days)
    length = timedelta(minutes=TRIAL_MINUTES)
    people = list(_methodologists().values_list("pk", flat=True))
    weekly, extra, days_off, busy = defaultdict(list), defaultdict(list), defaultdict(list), defaultdict(list)
    for window in WorkingHours.objects.filter(teacher_id__in=people):
        weekly[window.teacher_id].append(window)
    for window in ExtraHours.objects.filter(teacher_id__in=people, ends_at__gt=start, starts_at__lt=end + length):
        extra[window.teacher_id].append(window)
    for person, begins, ends in TimeOff.objects.filter(
        teacher_id__in=people, ends_at__gt=start, starts_at__lt=end + length
    ).values_list("teacher_id", "starts_at", "ends_at"):
        days_off[person].append((begins, ends))
    for person, begins, ends in Lesson.objects.filter(
        teacher_id__in=people, status__in=OCCUPYING, ends_at__gt=start, starts_at__lt=end + length
    ).values_list("teacher_id", "starts_at", "ends_at"):
        busy[person].append((begins, ends))

    free: dict[datetime, list[int]] = defaultdict(list)
    for person in people:
        candidates = set()
        for window in weekly[person]:
            for day in _local_days(start, end, window.zone):
                if day.weekday() != window.weekday:
                    continue
                at = datetime.combine(day, window.starts)
                while at.date() == day and at.time() < window.ends:
                    instant = local_instant(day, at.time(), window.zone)
                    if instant is not None and inside_weekly_hours([window], instant, instant + length):
                        if not _overlaps(days_off[person], instant, instant + length):
                            candidates.add(instant)
                    at += TRIAL_STEP
        for window in extra[person]:
            instant = window.starts_at
            while instant + length <= window.ends_at:
                candidates.add(instant)
                instant += TRIAL_STEP
        for instant in candidates:
            if start <= instant < end and not _overlaps(busy[person], instant, instant + length):
                free[instant].append(person)
    return dict(sorted(free.items()))


def trial_lesson_create(*, enrollment, starts_at: datetime, now: datetime | None = None) -> Lesson:
    """Book the enrollment's trial lesson at `starts_at` with a free methodologist.

    Of the methodologists free then, the one with the fewest trials ahead gets it. Raises
    ValidationError (code "past") for a time too soon, TrialSlotGone when nobody is free then or
    the student has another lesson at that time. Call inside `transaction.atomic`.
    """
    now = now or timezone.now()
    if starts_at < now + TRIAL_NOTICE:
        raise ValidationError(_("This time has passed or is too soon. Please choose a later one."), code="past")
    free = methodologist_free_slots(now=now).get(starts_at, [])
    candidates = (
        _methodologists().filter(pk__in=free)
        .annotate(ahead=Count("lessons_taught", filter=Q(lessons_taught__kind=Lesson.Kind.TRIAL,
                                                          lessons_taught__starts_at__gte=now)))
        .order_by("ahead", "pk")
    )
    for methodologist in candidates:
        try:
            with transaction.atomic():
                return Lesson.objects.create(
                    kind=Lesson.Kind.TRIAL, enrollment=enrollment, teacher=methodologist, student=enrollment.student,
                    starts_at=starts_at, ends_at=starts_at + timedelta(minutes=TRIAL_MINUTES),
                )
        except IntegrityError as error:
            if "no_overlap" not in str(error):
                raise
            if "student_no_overlap" in str(error):
                break  # the student is busy then: no other methodologist helps
    raise TrialSlotGone()


TRIAL_OUTCOMES = {"held": Status.HELD, "no_show": Status.NO_SHOW}


def trial_lesson_mark(*, lesson: Lesson, outcome: str, by, now: datetime | None = None) -> Lesson:
    """Held or no-show. No credit moves: a trial has none.

    A trial may be recorded as held before its time (the student came early and it was held at once):
    it then takes the half hour that has just passed, so its later time is free again (when that half
    hour is clear; otherwise it keeps its time). A no-show can be recorded once the trial has started.
    Call inside `transaction.atomic`.
    """
    now = now or timezone.now()
    lesson = locked(Lesson.objects).get(pk=lesson.pk, kind=Lesson.Kind.TRIAL)
    if outcome not in TRIAL_OUTCOMES:
        raise ValidationError(_("Unknown outcome."), code="outcome")
    if now < lesson.starts_at and outcome != "held":
        raise ValidationError(_("A student can be marked absent once the trial has started."), code="not_started")
    if lesson.status not in (Status.SCHEDULED, *TRIAL_OUTCOMES.values()):
        raise ValidationError(_("This lesson is not scheduled any more."), code="not_scheduled")
    fields = ["status", "marked_by", "marked_at", "sequence"]
    if now < lesson.starts_at:
        length = lesson.ends_at - lesson.starts_at
        try:
            with transaction.atomic():
                Lesson.objects.filter(pk=lesson.pk).update(starts_at=now - length, ends_at=now)
            lesson.starts_at, lesson.ends_at = now - length, now
            fields += ["starts_at", "ends_at"]
        except IntegrityError as error:
            if "no_overlap" not in str(error):
                raise
    lesson.status = TRIAL_OUTCOMES[outcome]
    lesson.marked_by = by
    lesson.marked_at = now
    lesson.sequence += 1
    lesson.save(update_fields=fields)
    return lesson


@transaction.atomic
def trial_lesson_move(*, lesson: Lesson, starts_at: datetime, by, now: datetime | None = None) -> Lesson:
    """A methodologist (or manager) moves a trial not started yet to another time of its methodologist.

    The same rules as any lesson: inside the methodologist's hours, never over another lesson of either
    side (the exclusion constraints decide a race). The student and the methodologist are told.
    """
    from tenant_apps.notifications.services import notify
    from tenant_apps.scheduling import notification_kinds as kinds
    from tenant_apps.scheduling.services import _when, within_hours

    now = now or timezone.now()
    if not (by.is_methodologist or by.is_manager):
        raise PermissionDenied
    lesson = locked(Lesson.objects.select_related("student", "teacher")).get(pk=lesson.pk, kind=Lesson.Kind.TRIAL)
    if lesson.status != Status.SCHEDULED:
        raise ValidationError(_("This lesson is not scheduled any more."), code="not_scheduled")
    if now >= lesson.starts_at:
        raise ValidationError(_("The lesson has started; it cannot be moved."), code="started")
    if starts_at <= now:
        raise ValidationError(_("Choose a time that has not passed yet."), code="past")
    if starts_at == lesson.starts_at:
        raise ValidationError(_("This is the lesson's current time."), code="same")
    ends_at = starts_at + (lesson.ends_at - lesson.starts_at)
    if not within_hours(teacher=lesson.teacher, starts_at=starts_at, ends_at=ends_at):
        raise ValidationError(_("This time is outside the methodologist's working hours."), code="outside_hours")
    old_start = lesson.starts_at
    lesson.starts_at, lesson.ends_at = starts_at, ends_at
    lesson.sequence += 1
    try:
        with transaction.atomic():
            lesson.save(update_fields=["starts_at", "ends_at", "sequence"])
    except IntegrityError as error:
        if "no_overlap" in str(error):
            raise ValidationError(_("This time is taken: the teacher or the student has another lesson then."),
                                  code="taken") from error
        raise
    for person, url in ((lesson.student, "/student/"), (lesson.teacher, "/methodologist/")):
        if person.pk != by.pk:
            notify(person, kinds.LESSON_MOVED, {
                "old": _when(person, old_start), "new": _when(person, starts_at), "by": by.get_full_name(),
            }, url=url)
    return lesson


# Matching ------------------------------------------------------------------------------------
MATCH_WEEKS = 4


@dataclass
class TeacherMatch:
    teacher: User
    profile: TeacherProfile | None
    fits: int  # how many of the student's preferred weekly times the teacher has free
    total: int
    free_times: list[tuple[int, time]]  # the preferred times that fit, in the student's zone


def _next_instant(weekday: int, at: time, zone: zoneinfo.ZoneInfo, now: datetime) -> datetime | None:
    return next(weekly_occurrences([(weekday, at)], zone, now, now + timedelta(days=8)), None)


def teachers_of(language):
    """Active teachers who teach `language`; a teacher without languages may be given any."""
    return (
        User.objects.filter(is_teacher=True, is_active=True)
        .filter(Q(teacher_profile__languages=language) | Q(teacher_profile__languages__isnull=True))
        .distinct()
    )


def rank_teachers(
    *, language, preferred: list[tuple[int, time]], time_zone: str, level=None, native_only: bool = False,
    minutes: int = 60, exclude_enrollment=None, now: datetime | None = None,
) -> list[TeacherMatch]:
    """Active teachers of `language` (and `level`, native speakers if asked), best fit first.

    A preferred time (a weekday and a wall-clock time in the student's zone `time_zone`) fits a
    teacher when its next occurrence lies inside the teacher's weekly hours (read in the hours'
    own zone) and, over the next MATCH_WEEKS weeks, neither a booked lesson nor another student's
    weekly plan takes it. Ties go by name. Seven queries, whatever the number of teachers.
    """
    now = now or timezone.now()
    zone = zoneinfo.ZoneInfo(time_zone)
    length = timedelta(minutes=minutes)
    teachers = (
        teachers_of(language)
        .select_related("teacher_profile")
        .prefetch_related("teacher_profile__levels")
        .order_by("full_name", "email")
    )
    if native_only:
        teachers = teachers.filter(teacher_profile__is_native_speaker=True)
    teachers = list(teachers)
    if level is not None:
        teachers = [t for t in teachers if _teaches_level(t, level)]
    ids = [teacher.pk for teacher in teachers]
    windows, busy = defaultdict(list), defaultdict(list)
    for window in WorkingHours.objects.filter(teacher_id__in=ids):
        windows[window.teacher_id].append(window)
    horizon = now + timedelta(weeks=MATCH_WEEKS, days=1)
    lessons = Lesson.objects.filter(teacher_id__in=ids, status__in=OCCUPYING, ends_at__gt=now, starts_at__lt=horizon)
    plans = WeeklyPlan.objects.filter(enrollment__teacher_id__in=ids, enrollment__is_active=True, is_active=True)
    if exclude_enrollment is not None:  # a reassignment: the student's own lessons and plan move along
        lessons = lessons.exclude(enrollment=exclude_enrollment)
        plans = plans.exclude(enrollment=exclude_enrollment)
    for person, begins, ends in lessons.values_list("teacher_id", "starts_at", "ends_at"):
        busy[person].append((begins, ends))
    for plan in plans.select_related("enrollment").prefetch_related("slots"):
        slots = [(slot.weekday, slot.starts) for slot in plan.slots.all()]
        plan_length = timedelta(minutes=plan.lesson_minutes)
        for instant in weekly_occurrences(slots, plan.zone, now, horizon):
            busy[plan.enrollment.teacher_id].append((instant, instant + plan_length))

    matches = []
    for teacher in teachers:
        fitting = []
        for weekday, at in preferred:
            first = _next_instant(weekday, at, zone, now)
            if first is None or not inside_weekly_hours(windows[teacher.pk], first, first + length):
                continue
            weeks = [first + timedelta(weeks=n) for n in range(MATCH_WEEKS)]
            if not any(_overlaps(busy[teacher.pk], start, start + length) for start in weeks):
                fitting.append((weekday, at))
        profile = getattr(teacher, "teacher_profile", None)
        matches.append(TeacherMatch(teacher, profile, len(fitting), len(preferred), fitting))
    return sorted(matches, key=lambda match: -match.fits)


def _teaches_level(teacher: User, level) -> bool:
    profile = getattr(teacher, "teacher_profile", None)
    if profile is None:
        return True
    levels = list(profile.levels.all())
    return not levels or level in levels
