"""Reads of the room's data: a lesson's chat."""

from classroom.models import ChatMessage

# A room sends at most this many lines when it (re)connects; the transcript page shows them all.
CHAT_CATCH_UP = 200


def chat_messages(*, lesson_id: int, after: int = 0, limit: int | None = None) -> list[ChatMessage]:
    """The lesson's chat in order, after the line with id `after`; the last `limit` of them when given."""
    lines = ChatMessage.objects.filter(lesson_id=lesson_id, pk__gt=after).select_related("author")
    if limit is None:
        return list(lines.order_by("pk"))
    return list(reversed(lines.order_by("-pk")[:limit]))
