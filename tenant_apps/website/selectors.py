"""Reads of the public site and the funnel. Each costs a fixed number of queries."""

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import TruncMonth
from django.utils import formats, timezone, translation

from billing.models import Payment
from billing.selectors import products_on_sale
from tenant_apps.accounts.models import User
from tenant_apps.scheduling.models import Lesson
from tenant_apps.scheduling.timeslots import weekly_occurrences
from tenant_apps.website.models import Review, SiteProfile, TrialBooking


def current_school():
    """The request's or task's school; looked up by schema where the tenant is a stand-in (scripts, tests)."""
    school = getattr(connection, "tenant", None)
    if getattr(school, "time_zone", None):
        return school
    from shared_apps.tenants.models import School

    return School.objects.filter(schema_name=connection.schema_name).first()


def site_profile() -> SiteProfile:
    """The school's site settings; defaults (unsaved) until the manager saves some."""
    return SiteProfile.objects.filter(pk=1).first() or SiteProfile(pk=1)


_YOUTUBE = re.compile(r"(?:youtube\.com/(?:watch\?v=|embed/|shorts/)|youtu\.be/)([\w-]{11})")
_VIMEO = re.compile(r"vimeo\.com/(?:video/)?(\d+)")


def video_embed_url(link: str) -> str:
    """A player URL for YouTube and Vimeo links (played in the page); other links play in <video>."""
    if match := _YOUTUBE.search(link):
        return f"https://www.youtube-nocookie.com/embed/{match.group(1)}"
    if match := _VIMEO.search(link):
        return f"https://player.vimeo.com/video/{match.group(1)}"
    return ""


def teachers_for_site() -> list[User]:
    """Active teachers with their profiles and languages: two queries."""
    teachers = list(
        User.objects.filter(is_teacher=True, is_active=True)
        .select_related("teacher_profile")
        .prefetch_related("teacher_profile__languages")
        .order_by("full_name", "email")
    )
    for teacher in teachers:
        profile = getattr(teacher, "teacher_profile", None)
        teacher.profile = profile
        teacher.embed_url = video_embed_url(profile.intro_video_url) if profile and profile.intro_video_url else ""
    return teachers


def home_context(site: SiteProfile | None = None) -> dict:
    return {
        "site": site or site_profile(),
        "reviews": list(Review.objects.filter(is_published=True)[:12]),
        "teachers": teachers_for_site(),
        "products": list(products_on_sale().filter(is_extension=False).select_related("language")),
    }


# The student's next step -------------------------------------------------------------------------
@dataclass
class NextStep:
    trials: list = field(default_factory=list)  # upcoming trial bookings
    ready_to_pay: list = field(default_factory=list)  # enrollments with a teacher and a plan, no pass yet
    matching: list = field(default_factory=list)  # trials held, the teacher still to be chosen
    can_book_trial: bool = True


def next_steps_for_student(student, *, now: datetime) -> NextStep:
    """What the dashboard offers: the trial ahead, or "your teacher and plan: choose a package and pay"."""
    from billing.models import Pass
    from tenant_apps.scheduling.models import WeeklyPlan

    trials = list(
        TrialBooking.objects.filter(student=student, lesson__ends_at__gt=now, lesson__status=Lesson.Status.SCHEDULED)
        .select_related("lesson", "methodologist", "language")
        .order_by("lesson__starts_at")
    )
    plans = list(
        WeeklyPlan.objects.filter(enrollment__student=student, enrollment__is_active=True, is_active=True,
                                  enrollment__teacher__isnull=False)
        .annotate(paid=Exists(Pass.objects.filter(enrollment=OuterRef("enrollment"))))
        .filter(paid=False)
        .select_related("enrollment__teacher", "enrollment__language")
        .prefetch_related("slots")
    )
    for plan in plans:
        plan.summary = plan_summary(plan, student)
    matching = list(
        TrialBooking.objects.filter(student=student, outcome=TrialBooking.Outcome.HELD,
                                    enrollment__is_active=True, enrollment__teacher__isnull=True)
        .select_related("language", "enrollment__level")
    )
    return NextStep(trials=trials, ready_to_pay=plans, matching=matching)


# The manager's funnel ----------------------------------------------------------------------------
@dataclass
class FunnelRow:
    label: str
    booked: int = 0
    held: int = 0
    no_show: int = 0
    converted: int = 0

    @property
    def conversion(self) -> int:
        """Converted as a whole percentage of trials held."""
        return round(100 * self.converted / self.held) if self.held else 0


def funnel(*, since: datetime, zone) -> tuple[list[FunnelRow], list[FunnelRow]]:
    """Trials booked, held, no-shows and converted (a paid payment on the enrollment), by month of the
    trial and by methodologist, since `since`. Two queries."""
    paid = Payment.objects.filter(enrollment=OuterRef("enrollment"), status=Payment.Status.PAID)
    rows = (
        TrialBooking.objects.filter(lesson__starts_at__gte=since)
        .annotate(converted=Exists(paid))
        .annotate(month=TruncMonth("lesson__starts_at", tzinfo=zone))
    )
    counts = {
        "booked": Count("pk"),
        "held": Count("pk", filter=Q(outcome=TrialBooking.Outcome.HELD)),
        "no_show": Count("pk", filter=Q(outcome=TrialBooking.Outcome.NO_SHOW)),
        "converted": Count("pk", filter=Q(converted=True)),
    }
    by_month = [
        FunnelRow(label=row["month"].date(), **{key: row[key] for key in counts})
        for row in rows.values("month").annotate(**counts).order_by("-month")
    ]
    by_person = [
        FunnelRow(label=row["methodologist__full_name"] or row["methodologist__email"],
                  **{key: row[key] for key in counts})
        for row in rows.values("methodologist__full_name", "methodologist__email").annotate(**counts)
        .order_by("methodologist__full_name", "methodologist__email")
    ]
    return by_month, by_person


def upcoming_trials(*, now: datetime) -> list[TrialBooking]:
    return list(
        TrialBooking.objects.filter(lesson__ends_at__gt=now, lesson__status=Lesson.Status.SCHEDULED)
        .select_related("lesson", "student", "methodologist", "language")
        .order_by("lesson__starts_at")
    )


def trials_to_record(*, now: datetime) -> list[TrialBooking]:
    """Trials that have started and say nothing yet: the methodologist records what happened."""
    return list(
        TrialBooking.objects.filter(lesson__starts_at__lte=now, outcome=TrialBooking.Outcome.BOOKED)
        .select_related("lesson", "student", "methodologist", "language")
        .order_by("lesson__starts_at")
    )


def group_slots_by_day(free: dict, zone) -> list[tuple[date, list[datetime]]]:
    days = defaultdict(list)
    for instant in free:
        local = timezone.localtime(instant, zone)
        days[local.date()].append(local)
    return sorted(days.items())


def plan_summary(plan, viewer) -> str:
    """"Mon, Thu 19:00" as the viewer reads it: their zone, their language (next week's instants)."""
    now = timezone.now()
    school = current_school()
    zone = viewer.zone(default=school.time_zone)
    slots = [(slot.weekday, slot.starts) for slot in plan.slots.all()]
    instants = list(weekly_occurrences(slots, plan.zone, now, now + timedelta(days=7)))
    local = sorted((instant.astimezone(zone) for instant in instants),
                   key=lambda moment: (moment.weekday(), moment.time()))
    with translation.override(viewer.language or school.default_language):
        return ", ".join(f"{formats.date_format(moment, 'D')} {moment:%H:%M}" for moment in local)

