"""Teachers' hours, agreed weekly plans and lessons.

Recurring times are wall-clock times in a named zone (the plan's, the teacher's); every instant
is stored in UTC. Two lessons of one teacher, or of one student, never overlap: Postgres
exclusion constraints decide a race between two bookings.
"""

import zoneinfo

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import RangeOperators
from django.db import models
from django.db.models import Func, Q
from django.utils.translation import gettext_lazy as _

from shared_apps.tenants.models import TIME_ZONE_CHOICES


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class TsTzRange(Func):
    function = "TSTZRANGE"
    output_field = models.Field()


class WorkingHours(models.Model):
    """A weekly window the teacher works, in the teacher's own zone (e.g. Mon 09:00–13:00)."""

    teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="working_hours", verbose_name=_("teacher")
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    starts = models.TimeField(_("from"))
    ends = models.TimeField(_("until"))
    time_zone = models.CharField(_("time zone"), max_length=64, choices=TIME_ZONE_CHOICES)

    class Meta:
        verbose_name = _("working hours")
        verbose_name_plural = _("working hours")
        ordering = ["teacher", "weekday", "starts"]
        constraints = [
            models.CheckConstraint(condition=Q(ends__gt=models.F("starts")), name="scheduling_hours_end_after_start")
        ]

    def __str__(self):
        return f"{self.teacher}: {self.get_weekday_display()} {self.starts:%H:%M}–{self.ends:%H:%M}"

    @property
    def zone(self):
        return zoneinfo.ZoneInfo(self.time_zone)


class TimeOff(models.Model):
    """Days off (absolute instants): no lessons are booked inside."""

    teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="time_off", verbose_name=_("teacher")
    )
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("day off")
        verbose_name_plural = _("days off")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="scheduling_timeoff_end_after_start"
            )
        ]

    def __str__(self):
        return f"{self.teacher}: {self.starts_at:%Y-%m-%d}–{self.ends_at:%Y-%m-%d}"


class ExtraHours(models.Model):
    """One-off extra working time (absolute instants)."""

    teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="extra_hours", verbose_name=_("teacher")
    )
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"))

    class Meta:
        verbose_name = _("extra hours")
        verbose_name_plural = _("extra hours")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="scheduling_extra_end_after_start"
            )
        ]

    def __str__(self):
        return f"{self.teacher}: {self.starts_at:%Y-%m-%d %H:%M}"


class WeeklyPlan(models.Model):
    """The agreed weekly schedule of one enrollment, e.g. Mon and Thu 19:00, 60 minutes."""

    enrollment = models.OneToOneField(
        "learning.Enrollment", on_delete=models.CASCADE, related_name="weekly_plan", verbose_name=_("enrollment")
    )
    time_zone = models.CharField(_("time zone"), max_length=64, choices=TIME_ZONE_CHOICES)
    lesson_minutes = models.PositiveSmallIntegerField(_("lesson length, minutes"), default=60)
    is_active = models.BooleanField(_("active"), default=True)
    agreed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("agreed by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("weekly plan")
        verbose_name_plural = _("weekly plans")
        constraints = [models.CheckConstraint(condition=Q(lesson_minutes__gte=15) & Q(lesson_minutes__lte=240),
                                              name="scheduling_plan_lesson_length")]

    def __str__(self):
        return str(self.enrollment)

    @property
    def zone(self):
        return zoneinfo.ZoneInfo(self.time_zone)


class PlanSlot(models.Model):
    plan = models.ForeignKey(WeeklyPlan, on_delete=models.CASCADE, related_name="slots", verbose_name=_("plan"))
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    starts = models.TimeField(_("time"))

    class Meta:
        verbose_name = _("plan slot")
        verbose_name_plural = _("plan slots")
        ordering = ["weekday", "starts"]
        constraints = [models.UniqueConstraint(fields=["plan", "weekday", "starts"], name="scheduling_slot_once")]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.starts:%H:%M}"


# Statuses in which a lesson occupies its time (a cancelled one frees it).
OCCUPYING = ["scheduled", "held", "no_show"]


class Lesson(models.Model):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("scheduled")
        HELD = "held", _("held")
        NO_SHOW = "no_show", _("student did not come")
        CANCELLED_IN_TIME = "cancelled_in_time", _("cancelled in time")
        CANCELLED_LATE = "cancelled_late", _("cancelled late")
        CANCELLED_BY_TEACHER = "cancelled_by_teacher", _("cancelled by the teacher")
        FROZEN = "frozen", _("cancelled: pass frozen")

    class Kind(models.TextChoices):
        REGULAR = "regular", _("lesson")
        # A free intro lesson with a methodologist (held in the `teacher` field): no pass, no credit.
        TRIAL = "trial", _("trial lesson")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.REGULAR)
    enrollment = models.ForeignKey(
        "learning.Enrollment", on_delete=models.PROTECT, related_name="lessons", verbose_name=_("enrollment")
    )
    teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="lessons_taught", verbose_name=_("teacher")
    )
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="lessons_taken", verbose_name=_("student")
    )
    lesson_pass = models.ForeignKey(
        "billing.Pass",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="booked_lessons",
        verbose_name=_("pass"),
    )
    plan = models.ForeignKey(
        WeeklyPlan, on_delete=models.SET_NULL, null=True, blank=True, related_name="lessons", verbose_name=_("plan")
    )
    starts_at = models.DateTimeField(_("starts"), db_index=True)
    ends_at = models.DateTimeField(_("ends"))
    # The weekly plan's occurrence this lesson was booked for. It stays when the lesson is moved,
    # cancelled or frozen, so the plan never books that occurrence a second time.
    plan_starts_at = models.DateTimeField(_("planned for"), null=True, blank=True, editable=False)
    status = models.CharField(_("status"), max_length=24, choices=Status.choices, default=Status.SCHEDULED)
    needs_attention = models.CharField(
        _("needs the teacher's attention"), max_length=255, blank=True,
        help_text=_("Set when a clock change moved the lesson outside the teacher's hours."),
    )
    note = models.TextField(_("note"), blank=True)
    # Raised whenever the lesson's time or status changes, so calendar feeds (iCal SEQUENCE) see the update.
    sequence = models.PositiveIntegerField(_("revision"), default=0)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("marked by"),
    )
    marked_at = models.DateTimeField(_("marked"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("cancelled by"),
    )
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")
        ordering = ["starts_at", "pk"]
        # A teacher's week and a student's list read one person's lessons by time.
        indexes = [
            models.Index(fields=["teacher", "starts_at"], name="scheduling_teacher_time_idx"),
            models.Index(fields=["student", "starts_at"], name="scheduling_student_time_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="scheduling_lesson_ends_after_start"
            ),
            ExclusionConstraint(
                name="scheduling_teacher_no_overlap",
                expressions=[
                    (TsTzRange("starts_at", "ends_at"), RangeOperators.OVERLAPS),
                    ("teacher", RangeOperators.EQUAL),
                ],
                condition=Q(status__in=OCCUPYING),
            ),
            ExclusionConstraint(
                name="scheduling_student_no_overlap",
                expressions=[
                    (TsTzRange("starts_at", "ends_at"), RangeOperators.OVERLAPS),
                    ("student", RangeOperators.EQUAL),
                ],
                condition=Q(status__in=OCCUPYING),
            ),
        ]

    def __str__(self):
        return f"{self.student} · {self.teacher} · {self.starts_at:%Y-%m-%d %H:%M}"


class Freeze(models.Model):
    """A week off: the pass ends later by the freeze's length; that week's lessons are cancelled free."""

    lesson_pass = models.ForeignKey("billing.Pass", on_delete=models.PROTECT, related_name="freezes",
                                    verbose_name=_("pass"))
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+",
                                   verbose_name=_("by"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("freeze")
        verbose_name_plural = _("freezes")

    def __str__(self):
        return f"{self.lesson_pass}: {self.starts_at:%Y-%m-%d}–{self.ends_at:%Y-%m-%d}"


class RescheduleProposal(models.Model):
    """A new time for a lesson, proposed by its student and accepted or declined by its teacher.

    For a scheduled lesson, accepting moves it (same lesson, same UID in calendar feeds). For a
    lesson cancelled in time, accepting books a new lesson on the credit that came back. A proposal
    lapses at `expires_at`: the original lesson's start (or the proposed start, if earlier).
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for the teacher's answer")
        ACCEPTED = "accepted", _("accepted by the teacher")
        DECLINED = "declined", _("declined by the teacher")
        WITHDRAWN = "withdrawn", _("withdrawn by the student")
        EXPIRED = "expired", _("lapsed unanswered")

    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="proposals", verbose_name=_("lesson"))
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                                    verbose_name=_("proposed by"))
    starts_at = models.DateTimeField(_("proposed start"))
    ends_at = models.DateTimeField(_("proposed end"))
    expires_at = models.DateTimeField(_("lapses at"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PENDING)
    message = models.CharField(_("message"), max_length=500, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    # The lesson that took place of a cancelled one (for a proposal on a freed credit).
    booked_lesson = models.ForeignKey(Lesson, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                      verbose_name=_("booked lesson"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("reschedule proposal")
        verbose_name_plural = _("reschedule proposals")
        ordering = ["expires_at", "pk"]
        indexes = [models.Index(fields=["status", "expires_at"], name="scheduling_proposal_open_idx")]
        constraints = [
            # One open proposal per lesson: a new one replaces the old one.
            models.UniqueConstraint(fields=["lesson"], condition=Q(status="pending"),
                                    name="scheduling_one_open_proposal"),
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")),
                                   name="scheduling_proposal_ends_after_start"),
        ]

    def __str__(self):
        return f"{self.lesson} → {self.starts_at:%Y-%m-%d %H:%M}"


class CalendarFeed(models.Model):
    """A user's private iCal feed: whoever knows the token reads the user's lessons (read only).

    Revoking deletes the row; regenerating replaces the token, so old subscriptions stop working.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed",
                                verbose_name=_("user"))
    token = models.CharField(_("secret token"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self):
        return str(self.user)
