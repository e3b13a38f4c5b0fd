"""Scheduling's reminders: a lesson soon (24 hours and 1 hour before, to both sides) and a lesson
nobody marked (to the teacher, a day after its end).

Sources for `tenant_apps.notifications.reminders`, registered in `SchedulingConfig.ready()`. Each
bounds its own look-back, so a day without beat sends what is still useful and no more:
  - soon: lessons starting within the next 25 hours. The 24-hour reminder is dropped once the
    1-hour one is due, and neither goes out for a lesson booked after its moment had passed
    (the booking notice told both sides);
  - unmarked: lessons still "scheduled" whose reminder fell due within the last 3 days (they ended
    1 to 4 days ago); older ones are left to the teacher's and the manager's lists.
People who have left the school (inactive) get no reminders.
A lesson's start is part of the key, so a moved lesson is reminded again at its new time; its
start and status are the version, so one moved or cancelled after it was listed is not reminded.
"""

from datetime import UTC, datetime, timedelta

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from tenant_apps.accounts.localtime import when_for
from tenant_apps.notifications.reminders import DueReminder
from tenant_apps.scheduling import notification_kinds as kinds
from tenant_apps.scheduling.models import Lesson

SOON_LOOKAHEAD = timedelta(hours=25)
UNMARKED_AFTER = timedelta(hours=24)
UNMARKED_LOOKBACK = timedelta(days=3)
# key part, lead time, what the recipient reads
LEADS = [("24h", timedelta(hours=24), _("24 hours")), ("1h", timedelta(hours=1), _("1 hour"))]
STUDENT_URL, TEACHER_URL = "/student/lessons/", "/teacher/lessons/"


def lesson_version(starts_at: datetime, status: str) -> str:
    return f"{starts_at.isoformat()}|{status}"


def lesson_version_now(pk: int) -> str | None:
    """The lesson as it is now (its start and status); None once it is gone."""
    row = Lesson.objects.filter(pk=pk).values_list("starts_at", "status").first()
    return None if row is None else lesson_version(*row)


def _school():
    from tenant_apps.notifications.services import _school as current_school

    return current_school()


class _Reader:
    """How one school's people read a time and a language name: their zone and language, else the school's."""

    def __init__(self):
        school = _school()
        self.school, self.language = school, school.default_language

    def language_of(self, user) -> str:
        return user.language or self.language

    def when(self, user, instant: datetime) -> str:
        return when_for(user, instant, school=self.school)

    def text(self, user, lazy) -> str:
        with translation.override(self.language_of(user)):
            return str(lazy)


def _key(lesson: Lesson, what: str, user) -> str:
    return f"lesson.{lesson.pk}.{lesson.starts_at.astimezone(UTC):%Y%m%d%H%M}.{what}.{user.pk}"


def _current(pk: int):
    return lambda: lesson_version_now(pk)


def lessons_soon(now: datetime):
    """24 hours and 1 hour before each scheduled lesson, to the student and to the teacher."""
    lessons = Lesson.objects.filter(
        status=Lesson.Status.SCHEDULED, starts_at__gt=now, starts_at__lte=now + SOON_LOOKAHEAD
    ).select_related("student", "teacher", "enrollment__language")
    reader = None
    for lesson in lessons:
        reader = reader or _Reader()
        one_hour_due = lesson.starts_at - LEADS[1][1]
        for what, lead, lead_text in LEADS:
            due_at = lesson.starts_at - lead
            if due_at > now:  # listed again when due; building its texts now would be wasted
                continue
            if lesson.created_at > due_at or (what == "24h" and now >= one_hour_due):
                continue
            sides = ((lesson.student, lesson.teacher, STUDENT_URL), (lesson.teacher, lesson.student, TEACHER_URL))
            for recipient, other, url in sides:
                if not recipient.is_active:  # left the school: their history stays, their inbox does not fill
                    continue
                yield DueReminder(
                    key=_key(lesson, what, recipient),
                    recipient=recipient,
                    kind=kinds.LESSON_SOON,
                    context={
                        "when": reader.when(recipient, lesson.starts_at),
                        "language": reader.text(recipient, lesson.enrollment.language.display_name),
                        "other": other.get_full_name(),
                        "lead": reader.text(recipient, lead_text),
                    },
                    url=url,
                    subject_version=lesson_version(lesson.starts_at, lesson.status),
                    due_at=due_at,
                    current_version=_current(lesson.pk),
                )


def lessons_unmarked(now: datetime):
    """A day after a lesson ended unmarked, its teacher is asked to mark it."""
    lessons = Lesson.objects.filter(
        status=Lesson.Status.SCHEDULED,
        ends_at__gt=now - UNMARKED_AFTER - UNMARKED_LOOKBACK,
        ends_at__lte=now - UNMARKED_AFTER,
    ).select_related("student", "teacher")
    reader = None
    for lesson in lessons:
        if not lesson.teacher.is_active:
            continue
        reader = reader or _Reader()
        yield DueReminder(
            key=_key(lesson, "unmarked", lesson.teacher),
            recipient=lesson.teacher,
            kind=kinds.LESSON_UNMARKED,
            context={"when": reader.when(lesson.teacher, lesson.starts_at), "student": lesson.student.get_full_name()},
            url=TEACHER_URL,
            subject_version=lesson_version(lesson.starts_at, lesson.status),
            due_at=lesson.ends_at + UNMARKED_AFTER,
            current_version=_current(lesson.pk),
        )


def freezes_ended(now: datetime):
    """When a freeze ends, the student hears that lessons go on (once per freeze)."""
    from tenant_apps.scheduling.models import Freeze

    ended = Freeze.objects.filter(ends_at__lte=now, ends_at__gt=now - UNMARKED_LOOKBACK).select_related(
        "lesson_pass__enrollment__student"
    )
    reader = None
    for freeze in ended:
        student = freeze.lesson_pass.enrollment.student
        if not student.is_active:
            continue
        reader = reader or _Reader()
        yield DueReminder(
            key=f"freeze.{freeze.pk}.ended",
            recipient=student,
            kind=kinds.FREEZE_ENDED,
            context={"until": reader.when(student, freeze.lesson_pass.valid_until)},
            url=STUDENT_URL,
            subject_version=freeze.ends_at.isoformat(),
            due_at=freeze.ends_at,
            current_version=lambda pk=freeze.pk: _freeze_version(pk),
        )


def _freeze_version(pk: int) -> str | None:
    from tenant_apps.scheduling.models import Freeze

    ends_at = Freeze.objects.filter(pk=pk).values_list("ends_at", flat=True).first()
    return None if ends_at is None else ends_at.isoformat()


def proposals_lapsed(now: datetime):
    """A proposal the teacher left unanswered until it lapsed: its student hears so (once)."""
    from tenant_apps.scheduling.models import RescheduleProposal

    lapsed = RescheduleProposal.objects.filter(
        status__in=["pending", "expired"], expires_at__lte=now, expires_at__gt=now - UNMARKED_LOOKBACK
    ).select_related("lesson__student", "lesson__teacher")
    reader = None
    for proposal in lapsed:
        student = proposal.lesson.student
        if not student.is_active:
            continue
        reader = reader or _Reader()
        yield DueReminder(
            key=f"proposal.{proposal.pk}.lapsed",
            recipient=student,
            kind=kinds.RESCHEDULE_LAPSED,
            context={"new": reader.when(student, proposal.starts_at),
                     "teacher": proposal.lesson.teacher.get_full_name()},
            url=STUDENT_URL,
            subject_version="unanswered",
            due_at=proposal.expires_at,
            current_version=lambda pk=proposal.pk: _proposal_version(pk),
        )


def _proposal_version(pk: int) -> str | None:
    """Still unanswered (waiting, or recorded as expired); None once accepted, declined or withdrawn."""
    from tenant_apps.scheduling.models import RescheduleProposal

    status = RescheduleProposal.objects.filter(pk=pk).values_list("status", flat=True).first()
    return "unanswered" if status in ("pending", "expired") else None
