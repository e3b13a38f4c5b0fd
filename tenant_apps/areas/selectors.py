"""What each role's home shows first: a fixed, small number of queries however much history there is.

The home is a stack of cards (templates/areas/home/_*.html). A card needs one entry here (or in its
own app's selectors) and one `{% include %}` line in the home's template.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.utils import timezone

from classroom.access import room_is_open, room_opens_at
from tenant_apps.scheduling.models import Lesson
from tenant_apps.scheduling.selectors import day_start, running_passes_for_student, unmarked_lessons


@dataclass
class NextLesson:
    lesson: Lesson
    opens_at: datetime
    is_open: bool
    prepare: list = field(default_factory=list)  # materials given for this lesson (StudentMaterial rows)


@dataclass
class StudentHome:
    next_lesson: NextLesson | None
    passes: list  # running passes, each with `remaining`, `free` and, in its last days, `offer`


@dataclass
class TeacherHome:
    today: list[Lesson]
    unmarked: list[Lesson]


def _next_lesson(lessons, now: datetime) -> NextLesson | None:
    lesson = lessons.filter(status=Lesson.Status.SCHEDULED, ends_at__gt=now).order_by("starts_at", "pk").first()
    if lesson is None:
        return None
    return NextLesson(lesson=lesson, opens_at=room_opens_at(lesson), is_open=room_is_open(lesson, now))


def student_home(student, *, now: datetime | None = None) -> StudentHome:
    """The next lesson (with what to prepare) and the running passes (with the extension offer at their end)."""
    from billing.selectors import extension_offer_for
    from tenant_apps.materials.models import StudentMaterial

    now = now or timezone.now()
    lessons = Lesson.objects.filter(student=student).select_related("teacher", "enrollment__language")
    upcoming = _next_lesson(lessons, now)
    if upcoming is not None:
        upcoming.prepare = list(
            StudentMaterial.objects.filter(student=student, lesson=upcoming.lesson).select_related("material")
        )
    passes = running_passes_for_student(student, now=now)
    for lesson_pass in passes:
        # Only a pass in its last days can carry an offer: the lookup runs for those alone.
        lesson_pass.offer = None
        if lesson_pass.valid_until - now <= timedelta(days=7):
            lesson_pass.offer = extension_offer_for(lesson_pass.enrollment, now=now)
    return StudentHome(next_lesson=upcoming, passes=passes)


def teacher_home(teacher, *, now: datetime | None = None) -> TeacherHome:
    """Today's lessons in the teacher's zone (every status, so a cancellation shows) and unmarked lessons."""
    now = now or timezone.now()
    zone = timezone.get_current_timezone()
    today = timezone.localtime(now, zone).date()
    start = day_start(today, zone)
    end = day_start(today + timedelta(days=1), zone)
    today_lessons = list(
        Lesson.objects.filter(teacher=teacher, starts_at__gte=start, starts_at__lt=end)
        .select_related("student", "enrollment__language")
        .order_by("starts_at", "pk")
    )
    unmarked = list(unmarked_lessons(now=now, teacher=teacher))
    return TeacherHome(today=today_lessons, unmarked=unmarked)
