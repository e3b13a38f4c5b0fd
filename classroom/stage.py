"""The lesson's stage socket, /ws/lessons/<id>/stage/: what the teacher shows, and the student's view follows.

Only the lesson's two people connect, while the room is open. The teacher shows an item of one of the
lesson's plans or any material of the library found mid-lesson (a PDF at a page), clears the stage, and
plays, pauses or seeks the audio or video on it; the student's socket only listens. The stage is kept in
the database (`materials.Stage`), so a reloaded page or a late joiner is sent the current item at connect,
with the media position moved on by the time it has been playing. What is shown becomes the student's to
open again (materials.StudentMaterial). Words added to the dictionary from the room are announced here too.

Every browser message is checked first: at most MAX_MESSAGE_BYTES, at most MAX_PER_SECOND a second, a
JSON object with a known action and well-formed fields, from the teacher. A bad message gets an error
reply (in the person's language) and changes nothing; the socket stays open.

The group, `<schema>.lesson.<id>.stage` (stage_group, for the socket and for the views' announcements
alike), carries the school's schema.
"""

import math

from asgiref.sync import async_to_sync
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from channels.layers import get_channel_layer
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from classroom.access import lesson_for_seat, room_is_open
from classroom.gate import MessageGate, MessageRefused, action_handler
from shared_apps.tenants.ws import CLOSE_UNAUTHENTICATED, RelayGuard, in_school_schema

MAX_MESSAGE_BYTES = 4 * 1024
MAX_PER_SECOND = 20
MAX_POSITION_SECONDS = 24 * 3600
MAX_ID = 2**31 - 1
CLOSE_NO_SEAT = 4404  # not one of the lesson's two people, or no such lesson: the same answer
CLOSE_ROOM_CLOSED = 4410  # before the room opens, or once the lesson is marked
MEDIA_STATES = {"play": True, "pause": False, "seek": None}


def stage_group(schema_name: str, lesson_id: int) -> str:
    return f"{schema_name}.lesson.{lesson_id}.stage"


def stage_announce(*, schema_name: str, lesson_id: int, event: dict) -> None:
    """Send an event to the lesson's stage sockets from sync code (a view, after commit)."""
    layer = get_channel_layer()
    if layer is not None:
        async_to_sync(layer.group_send)(stage_group(schema_name, lesson_id), event)


def announce_live_answers(attempt) -> None:
    """A live worksheet's answers, as the student saves them: to the lesson's stage (the teacher's page only)."""
    from django.db import connection

    from tenant_apps.worksheets.live import live_summary

    stage_announce(schema_name=connection.schema_name, lesson_id=attempt.lesson_id, event={
        "type": "stage.answers", "worksheet": attempt.worksheet_id, "title": attempt.worksheet.title,
        "answers": attempt.answers, "rows": live_summary(attempt), "submitted": attempt.is_submitted,
        "score": attempt.score, "max": attempt.max_score,
    })


def _seat(user, lesson_id):
    seat = lesson_for_seat(user, lesson_id)
    if seat is None:
        return None
    return {"is_leader": seat.is_leader, "open": room_is_open(seat.lesson, timezone.now())}


def _state(lesson_id):
    from tenant_apps.materials.selectors import stage_state

    return stage_state(lesson_id)


def _show(user, lesson_id, item_id, material_id, page):
    """Put a material on the stage: a plan item of this lesson's plans (`item`), or any material of the
    library the teacher may see (`material`, found mid-lesson). None (nothing changes) for anything else."""
    from tenant_apps.materials.models import Material, PlanItem
    from tenant_apps.materials.permissions import materials_visible_to
    from tenant_apps.materials.selectors import stage_payload
    from tenant_apps.materials.services import stage_show

    if item_id is not None:
        item = PlanItem.objects.select_related("material").filter(pk=item_id, plan__lesson_id=lesson_id).first()
        material = item.material if item else None
    else:
        material = (
            materials_visible_to(user).filter(pk=material_id).first()
            or Material.objects.filter(pk=material_id, plan_items__plan__lesson_id=lesson_id).first()
        )
    if material is None:
        return None, "unknown_item"
    if page < 1 or page > max(1, material.page_count):
        return None, "unknown_page"
    return stage_payload(stage_show(lesson_id=lesson_id, material=material, page=page)), None


def _clear(lesson_id):
    from tenant_apps.materials.services import stage_show

    stage_show(lesson_id=lesson_id, material=None)


def _media(lesson_id, playing, position):
    from tenant_apps.materials.models import Stage
    from tenant_apps.materials.services import stage_media

    if playing is None:  # a seek keeps playing or paused as it was
        playing = Stage.objects.filter(lesson_id=lesson_id).values_list("playing", flat=True).first() or False
    stage = stage_media(lesson_id=lesson_id, playing=playing, position=position)
    return None if stage is None else {"playing": stage.playing, "position": stage.position}


def _as_int(value):
    """A whole number a database column can hold (a huge one would fail the query, not the check)."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_ID:
        return value
    return None


class StageConsumer(RelayGuard, AsyncJsonWebsocketConsumer):
    group: str | None = None

    async def connect(self):
        user = self.scope["user"]
        if not user.is_authenticated:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        self.lesson_id = self.scope["url_route"]["kwargs"]["lesson_id"]
        seat = await in_school_schema(self.scope)(_seat)(user, self.lesson_id)
        if seat is None:
            await self.close(code=CLOSE_NO_SEAT)
            return
        if not seat["open"]:
            await self.close(code=CLOSE_ROOM_CLOSED)
            return
        self.is_leader = seat["is_leader"]
        self.language = user.language or self.scope["tenant"].default_language
        self.gate = MessageGate(max_bytes=MAX_MESSAGE_BYTES, max_per_second=MAX_PER_SECOND)
        self.group = stage_group(self.scope["tenant"].schema_name, self.lesson_id)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        state = await in_school_schema(self.scope)(_state)(self.lesson_id)
        await self.send_json({"type": "stage", **state})

    async def disconnect(self, code):
        if self.group is not None:
            await self.channel_layer.group_discard(self.group, self.channel_name)

    # From the browser ----------------------------------------------------------------------------------
    async def receive(self, text_data=None, bytes_data=None):
        with translation.override(self.language):
            await self._receive(text_data)

    async def _receive(self, text_data):
        try:
            content = self.gate.open(text_data)
        except MessageRefused as refused:
            return await self._error(refused.code, refused.message)
        handler = action_handler(self.ACTIONS, content)
        if handler is None:
            return await self._error("unknown_action", _("Unknown action."))
        if not self.is_leader:
            return await self._error("forbidden", _("Only the teacher shows things on the stage."))
        return await handler(self, content)

    async def _show(self, content):
        item_id, material_id = _as_int(content.get("item")), _as_int(content.get("material"))
        page = _as_int(content.get("page", 1))
        if (item_id is None and material_id is None) or page is None:
            return await self._error("invalid_message", _("“item” and “page” must be whole numbers."))
        state, problem = await in_school_schema(self.scope)(_show)(
            self.scope["user"], self.lesson_id, item_id, material_id, page)
        if problem == "unknown_item":
            return await self._error(problem, _("This item is not in this lesson's plans."))
        if problem:
            return await self._error(problem, _("This PDF has no such page."))
        await self.channel_layer.group_send(self.group, {"type": "stage.update", "state": state})

    async def _clear(self, content):
        await in_school_schema(self.scope)(_clear)(self.lesson_id)
        await self.channel_layer.group_send(self.group, {"type": "stage.update", "state": {"item": None}})

    async def _media(self, content):
        state = content.get("state")
        playing = MEDIA_STATES.get(state, "unknown") if isinstance(state, str) else "unknown"
        position = content.get("position")
        if playing == "unknown" or not isinstance(position, (int, float)) or isinstance(position, bool) or (
            not math.isfinite(position) or not 0 <= position <= MAX_POSITION_SECONDS
        ):
            return await self._error("invalid_media", _("Send play, pause or seek with a position in seconds."))
        media = await in_school_schema(self.scope)(_media)(self.lesson_id, playing, float(position))
        if media is None:
            return await self._error("no_media", _("There is no audio or video on the stage."))
        await self.channel_layer.group_send(
            self.group, {"type": "stage.media", "sender": self.channel_name, **media}
        )

    ACTIONS = {"show": _show, "clear": _clear, "media": _media}

    async def _error(self, code: str, message: str):
        await self.send_json({"type": "error", "code": code, "message": message})

    # From the channel layer ----------------------------------------------------------------------------
    async def stage_update(self, event):
        await self.send_json({"type": "stage", **event["state"]})

    async def stage_media(self, event):
        if event["sender"] == self.channel_name:  # the teacher's own player is already there
            return
        await self.send_json({"type": "media", "playing": event["playing"], "position": event["position"]})

    async def stage_word(self, event):
        await self.send_json({"type": "word", "word": event["word"]})

    async def stage_reveal(self, event):
        await self.send_json({"type": "reveal", "worksheet": event["worksheet"]})

    async def stage_answers(self, event):
        # The student's answers are for the teacher's eyes: the student's own socket is not sent them.
        if self.is_leader:
            await self.send_json({"type": "answers", **{key: event[key] for key in (
                "worksheet", "title", "answers", "rows", "submitted", "score", "max")}})
