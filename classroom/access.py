"""Who may enter a lesson's room, and when. Shared by the room page and every classroom WebSocket."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.http import Http404

from tenant_apps.scheduling.models import Lesson

# The room opens this long before the lesson starts, for the device check and a calm start.
OPENS_BEFORE = timedelta(minutes=15)


@dataclass(frozen=True)
class RoomSeat:
    """A participant's place in one lesson's room."""

    lesson: Lesson
    # The lesson's teacher (for a trial lesson: its methodologist) leads the room.
    is_leader: bool


def room_opens_at(lesson: Lesson) -> datetime:
    return lesson.starts_at - OPENS_BEFORE


def room_is_open(lesson: Lesson, now: datetime) -> bool:
    """Open from 15 minutes before the start until the lesson is marked (or cancelled)."""
    return lesson.status == Lesson.Status.SCHEDULED and now >= room_opens_at(lesson)


def room_is_over(lesson: Lesson) -> bool:
    """Marked or cancelled: the room never opens again (its chat stays readable)."""
    return lesson.status != Lesson.Status.SCHEDULED


def seat_for(user, lesson: Lesson) -> RoomSeat | None:
    """The user's seat in this lesson's room, or None for anyone who is not one of its two people.

    Staff who are not the lesson's participants have no seat: a lesson is a private conversation.
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    if user.pk == lesson.teacher_id:
        return RoomSeat(lesson=lesson, is_leader=True)
    if user.pk == lesson.student_id:
        return RoomSeat(lesson=lesson, is_leader=False)
    return None


def get_seat_or_404(user, lesson_id: int) -> RoomSeat:
    """The user's seat; 404 for everybody else, the same answer as for a lesson that does not exist."""
    seat = lesson_for_seat(user, lesson_id)
    if seat is None:
        raise Http404
    return seat


def lesson_for_seat(user, lesson_id: int) -> RoomSeat | None:
    """Loads the lesson (in the current school's schema) and returns the user's seat in it."""
    lesson = Lesson.objects.select_related("teacher", "student", "enrollment__language").filter(pk=lesson_id).first()
    if lesson is None:
        return None
    return seat_for(user, lesson)
