"""Who may see and act on which lesson, for the lesson pages.

Seeing: a lesson's own student and teacher, and the school's managers. Anyone else gets "not found",
the same answer as for a lesson that does not exist (another school's lessons live in another
schema, so they do not exist here at all).

Acting from these pages: the lesson's own student and teacher. A manager sees every lesson but does
not cancel or mark other people's lessons here (the services accept managers, for the admin).
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404

from tenant_apps.scheduling.models import Lesson

Status = Lesson.Status
# Statuses after which the credit came back to the pass, so the student may book another time.
REBOOKABLE = (Status.CANCELLED_IN_TIME, Status.CANCELLED_BY_TEACHER)


def get_lesson_for_user(user, pk: int) -> Lesson:
    """A lesson the user takes part in (or any lesson for a manager); otherwise 404."""
    lessons = Lesson.objects.select_related("student", "teacher", "enrollment__language", "lesson_pass")
    if not user.is_manager:
        lessons = lessons.filter(Q(student=user) | Q(teacher=user))
    return get_object_or_404(lessons, pk=pk)


def is_participant(user, lesson: Lesson) -> bool:
    return user.pk in (lesson.student_id, lesson.teacher_id)


def is_lessons_teacher(user, lesson: Lesson) -> bool:
    return user.pk == lesson.teacher_id


def can_rebook_lesson(user, lesson: Lesson) -> bool:
    """The student books another time for a lesson whose credit came back."""
    return user.pk == lesson.student_id and lesson.status in REBOOKABLE


def get_lesson_to_cancel(user, pk: int) -> Lesson:
    """Its student or teacher; a manager who sees it but takes no part gets 403."""
    lesson = get_lesson_for_user(user, pk)
    if not is_participant(user, lesson):
        raise PermissionDenied
    return lesson


def get_lesson_to_mark(user, pk: int) -> Lesson:
    """Its teacher only; its student and a manager get 403."""
    lesson = get_lesson_for_user(user, pk)
    if not is_lessons_teacher(user, lesson):
        raise PermissionDenied
    return lesson


def get_lesson_to_rebook(user, pk: int) -> Lesson:
    """Its student, once its credit came back (cancelled in time or by the teacher)."""
    lesson = get_lesson_for_user(user, pk)
    if not can_rebook_lesson(user, lesson):
        raise PermissionDenied
    return lesson


def area_of(user, lesson: Lesson) -> str:
    """The area a lesson page belongs to for this user (its navigation is drawn around the page).

    A trial lesson's methodologist (held in `teacher`) may not be a teacher at all: the teacher's
    menu would offer them only pages that answer 403, so they stay in their own area.
    """
    if user.pk == lesson.student_id:
        return "student"
    if lesson.kind == Lesson.Kind.TRIAL and user.is_methodologist and not user.is_teacher:
        return "methodologist"
    return "teacher"
