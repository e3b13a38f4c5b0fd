"""Who may see a lesson's board: its two people, and the school's managers and methodologists."""

from django.http import Http404

from classroom.access import seat_for
from tenant_apps.scheduling.models import Lesson


def is_school_staff(user) -> bool:
    return bool(user.is_authenticated and user.is_active and (user.is_manager or user.is_methodologist))


def viewable_lesson_or_404(user, lesson_id: int) -> tuple[Lesson, object]:
    """(lesson, seat or None) for a participant or a staff member; 404 for anyone else (as for no lesson)."""
    lesson = Lesson.objects.select_related("teacher", "student", "enrollment__language").filter(pk=lesson_id).first()
    if lesson is None:
        raise Http404
    seat = seat_for(user, lesson)
    if seat is None and not is_school_staff(user):
        raise Http404
    return lesson, seat
