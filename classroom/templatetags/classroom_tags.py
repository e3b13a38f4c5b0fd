"""For the lessons lists (scheduling's templates): the "Join the room" button and the chat link (no queries)."""

from django import template
from django.utils import timezone

from classroom.access import room_is_open, room_opens_at, seat_for

register = template.Library()


@register.filter
def room_open_to(lesson, user) -> bool:
    """Whether `user` may join the lesson's room now: one of its two people, from 15 min before until marked.

    No query: the lesson's teacher and student ids and its status are on the row.
    """
    return seat_for(user, lesson) is not None and room_is_open(lesson, timezone.now())


@register.filter
def room_was_open_to(lesson, user) -> bool:
    """Whether the lesson's room has opened for `user` (so it may have a chat): a link to the chat, no query.

    A lesson cancelled before its room opened never had one.
    """
    if seat_for(user, lesson) is None:
        return False
    opened = room_opens_at(lesson)
    return opened <= timezone.now() and (lesson.cancelled_at is None or lesson.cancelled_at >= opened)


@register.filter
def room_opens(lesson):
    """When the lesson's room opens (15 minutes before the start): for "the room opens at …"."""
    return room_opens_at(lesson)


@register.filter
def room_not_yet_open(lesson) -> bool:
    """A scheduled lesson whose room has not opened yet (no query)."""
    return lesson.status == lesson.Status.SCHEDULED and timezone.now() < room_opens_at(lesson)
