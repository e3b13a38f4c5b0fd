"""Writes from the room: a chat line, and the teacher ending the lesson (scheduling marks it)."""

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from classroom.access import RoomSeat, room_is_open
from classroom.models import CHAT_MAX_CHARS, ChatMessage
from tenant_apps.scheduling.models import Lesson
from tenant_apps.scheduling.services import lesson_mark
from tenant_apps.scheduling.trials import trial_lesson_mark

# What the teacher can say from the room when ending the lesson (scheduling's outcome names).
END_OUTCOMES = ("held", "no_show")


def chat_clean(text) -> str:
    """The text of a chat line as stored, or ValidationError with a message for the sender."""
    if not isinstance(text, str):
        raise ValidationError(_("A chat message is text."), code="chat_invalid")
    if "\x00" in text:  # Postgres text cannot hold it
        raise ValidationError(_("A chat message cannot contain the NUL character."), code="chat_invalid")
    text = text.strip()
    if not text:
        raise ValidationError(_("Write something first."), code="chat_empty")
    if len(text) > CHAT_MAX_CHARS:
        raise ValidationError(
            _("A chat message may be at most %(limit)s characters.") % {"limit": CHAT_MAX_CHARS}, code="chat_too_long"
        )
    return text


@transaction.atomic
def chat_post(*, seat: RoomSeat, author, text, now: datetime | None = None) -> ChatMessage:
    """Keep one chat line. Only a participant, only while the room is open (the lesson is read fresh)."""
    now = now or timezone.now()
    body = chat_clean(text)
    if author.pk not in (seat.lesson.teacher_id, seat.lesson.student_id):
        raise PermissionDenied
    lesson = Lesson.objects.only("status", "starts_at").get(pk=seat.lesson.pk)
    if not room_is_open(lesson, now):
        raise ValidationError(_("The room is closed: the lesson is over."), code="room_closed")
    return ChatMessage.objects.create(lesson_id=lesson.pk, author=author, body=body)


def lesson_end(*, seat: RoomSeat, by, outcome: str, note: str = "", now: datetime | None = None) -> Lesson:
    """The teacher ends the lesson from the room: marked held or no-show through scheduling's lesson_mark.

    scheduling checks the rest (only the lesson's teacher, once, not before the start) under its locks.
    """
    if not seat.is_leader or by.pk != seat.lesson.teacher_id:
        raise PermissionDenied
    if outcome not in END_OUTCOMES:
        raise ValidationError(_("Choose whether the lesson was held or the student did not come."), code="outcome")
    if not isinstance(note, str) or len(note) > 500:
        raise ValidationError(_("The note may be at most 500 characters."), code="note")
    if seat.lesson.kind == Lesson.Kind.TRIAL:
        # A trial holds no credit; the methodologist records level and goal on the trial's own page.
        with transaction.atomic():
            return trial_lesson_mark(lesson=seat.lesson, outcome=outcome, by=by, now=now)
    return lesson_mark(lesson=seat.lesson, outcome=outcome, by=by, note=note.strip(), now=now)
