"""The lesson room's socket, /ws/lessons/<id>/room/: WebRTC signalling, presence, chat, ending the lesson.

Only the lesson's two participants connect (its teacher, for a trial its methodologist, and its
student), only while the room is open. The server never reads the media; it relays signalling
(SDP descriptions, ICE candidates) to the *other* participant only. Each connection listens on a
group of its own person in this lesson, `<schema>.lesson.<id>.user.<user id>`, and sends to the
peer's; chat and the end of the lesson go to `<schema>.lesson.<id>`, which both join.

A person has one seat: a new connection (another tab, a reloaded page) takes the seat over and
the older one is closed with CLOSE_REPLACED, so two tabs never answer the same offer.

Each browser message is checked before anything happens: at most MAX_MESSAGE_BYTES, at most
MAX_PER_SECOND a second per connection, a JSON object with a known action and well-formed fields,
and the teacher's actions from the teacher only. A bad message gets an error reply and changes
nothing; the socket stays open, and the peer never hears of it.
"""

import re
import uuid
from urllib.parse import parse_qs

from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from classroom.access import lesson_for_seat, room_is_open
from classroom.gate import MessageGate, MessageRefused, action_handler
from classroom.selectors import CHAT_CATCH_UP, chat_messages
from classroom.services import chat_post, lesson_end
from classroom.turn import ice_servers
from shared_apps.tenants.ws import CLOSE_UNAUTHENTICATED, RelayGuard, in_school_schema, schema_group

MAX_MESSAGE_BYTES = 64 * 1024
MAX_PER_SECOND = 50
CLOSE_NO_SEAT = 4404  # not one of the lesson's two people, or no such lesson: the same answer
CLOSE_REPLACED = 4409  # the same person opened the room again (another tab, a reload)
CLOSE_ROOM_CLOSED = 4410  # before the room opens, or once the lesson is marked

TAB_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
STATES = ("lobby", "call")
SDP_TYPES = ("offer", "answer", "rollback")
MAX_SDP_CHARS = 60_000
MAX_CANDIDATE_CHARS = 2_000


class RoomConsumer(RelayGuard, AsyncJsonWebsocketConsumer):
    own_group: str | None = None

    async def connect(self):
        user = self.scope["user"]
        if not user.is_authenticated:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        room = await self._load_room(user, self.scope["url_route"]["kwargs"]["lesson_id"])
        if room is None:
            await self.close(code=CLOSE_NO_SEAT)
            return
        if not room["open"]:
            await self.close(code=CLOSE_ROOM_CLOSED)
            return
        self.user_id = user.pk
        self.user_name = user.get_full_name()
        self.language = user.language or self.scope["tenant"].default_language
        self.seat = room["seat"]
        self.lesson_id = self.seat.lesson.pk
        peer_id = self.seat.lesson.student_id if self.seat.is_leader else self.seat.lesson.teacher_id
        # The page's own id survives a socket reconnect (same page, same peer connection) and changes
        # on a reload (a new page: the peer starts a new connection with it).
        tab = parse_qs(self.scope.get("query_string", b"").decode()).get("tab", [""])[0]
        self.session = tab if TAB_ID.match(tab) else uuid.uuid4().hex
        self.conn = uuid.uuid4().hex[:12]
        self.state, self.media = "lobby", {"audio": False, "video": False, "screen": False}
        self.replaced = False
        self.gate = MessageGate(max_bytes=MAX_MESSAGE_BYTES, max_per_second=MAX_PER_SECOND)
        self.own_group = schema_group(self.scope, "lesson", self.lesson_id, "user", self.user_id)
        self.peer_group = schema_group(self.scope, "lesson", self.lesson_id, "user", peer_id)
        self.room_group = schema_group(self.scope, "lesson", self.lesson_id)
        await self.channel_layer.group_add(self.own_group, self.channel_name)
        await self.channel_layer.group_add(self.room_group, self.channel_name)
        await self.accept()
        await self.channel_layer.group_send(self.own_group, {"type": "seat.taken", "channel": self.channel_name})
        await self.send_json({
            "type": "welcome",
            "session": self.session,
            "user_id": self.user_id,
            "is_leader": self.seat.is_leader,
            # Perfect negotiation: the student yields when both sides offer at once.
            "polite": not self.seat.is_leader,
            "ice_servers": room["ice_servers"],
            "peer": {"user_id": peer_id, "name": room["peer_name"]},
        })
        await self._tell_peer("peer.joined")

    async def disconnect(self, code):
        if self.own_group is None:  # refused at connect: never joined
            return
        if not self.replaced:
            await self.channel_layer.group_send(
                self.peer_group, {"type": "peer.left", "session": self.session, "conn": self.conn}
            )
        await self.channel_layer.group_discard(self.own_group, self.channel_name)
        await self.channel_layer.group_discard(self.room_group, self.channel_name)

    # From the browser --------------------------------------------------------------------------
    async def receive(self, text_data=None, bytes_data=None):
        # Replies (errors among them) speak the person's language.
        with translation.override(self.language):
            await self._receive(text_data, bytes_data)

    async def _receive(self, text_data, bytes_data):
        # Checked here rather than in receive_json: a bad message must not close the socket.
        try:
            content = self.gate.open(text_data)
        except MessageRefused as refused:
            return await self._error(refused.code, refused.message)
        handler = action_handler(self.ACTIONS, content)
        if handler is None:
            return await self._error("unknown_action", _("Unknown action."))
        return await handler(self, content)

    async def _signal(self, content):
        payload = _clean_signal(content)
        # Optional ids: the peer's page it is meant for (a reloaded page ignores its predecessor's talk)
        # and the sender's peer connection (the peer follows a new one, drops leftovers of an old one).
        ids = {key: content[key] for key in ("to", "pc") if content.get(key) is not None}
        if payload is None or not all(isinstance(value, str) and TAB_ID.match(value) for value in ids.values()):
            return await self._error("invalid_signal", _("This is not a valid WebRTC description or candidate."))
        payload.update(ids)
        await self.channel_layer.group_send(
            self.peer_group, {"type": "peer.signal", "session": self.session, "payload": payload}
        )

    async def _state(self, content):
        state = content.get("state")
        media = content.get("media", {})
        if state not in STATES or not isinstance(media, dict) or not all(
            isinstance(media.get(key, False), bool) for key in self.media
        ):
            return await self._error("invalid_state", _("Unknown call state."))
        self.state = state
        self.media = {key: media.get(key, False) for key in self.media}
        await self._tell_peer("peer.here")

    async def _chat(self, content):
        try:
            message = await self._chat_post(content.get("text"))
        except ValidationError as error:
            return await self._error(error.code or "chat_invalid", " ".join(error.messages))
        await self.channel_layer.group_send(self.room_group, {"type": "room.chat", "message": message})

    async def _chat_history(self, content):
        after = content.get("after", 0)
        if not isinstance(after, int) or isinstance(after, bool) or not 0 <= after < 2**63:
            return await self._error("invalid_message", _("“after” must be a message id."))
        lines = await in_school_schema(self.scope)(_chat_lines)(self.lesson_id, after)
        await self.send_json({"type": "chat.history", "messages": lines})

    async def _end(self, content):
        if not self.seat.is_leader:
            return await self._error("forbidden", _("Only the teacher can end the lesson."))
        try:
            outcome = await self._lesson_end(content.get("outcome"), content.get("note", ""))
        except ValidationError as error:
            return await self._error(error.code or "invalid", " ".join(error.messages))
        except PermissionDenied:
            return await self._error("forbidden", _("Only the teacher can end the lesson."))
        await self.channel_layer.group_send(self.room_group, {"type": "room.ended", "outcome": outcome})

    async def _ping(self, content):
        await self.send_json({"type": "pong"})

    ACTIONS = {
        "signal": _signal,
        "state": _state,
        "chat": _chat,
        "chat.history": _chat_history,
        "end": _end,
        "ping": _ping,
    }

    # From the channel layer --------------------------------------------------------------------
    async def seat_taken(self, event):
        if event["channel"] == self.channel_name:
            return
        self.replaced = True
        with translation.override(self.language):
            message = _("You opened this lesson in another tab or window; this one has left the room.")
        await self.send_json({"type": "replaced", "message": message})
        await self.close(code=CLOSE_REPLACED)

    async def peer_joined(self, event):
        await self._forward_presence(event)
        # The newcomer does not know we are here: say so, with our state.
        await self._tell_peer("peer.here")

    async def peer_here(self, event):
        await self._forward_presence(event)

    async def peer_left(self, event):
        await self.send_json({"type": "peer", "present": False, "session": event["session"], "conn": event["conn"]})

    async def peer_signal(self, event):
        await self.send_json({"type": "signal", "from": event["session"], **event["payload"]})

    async def room_chat(self, event):
        await self.send_json({"type": "chat", "message": event["message"]})

    async def room_ended(self, event):
        await self.send_json({"type": "ended", "outcome": event["outcome"]})
        self.replaced = True  # nobody left to tell
        await self.close(code=CLOSE_ROOM_CLOSED)

    # Helpers -----------------------------------------------------------------------------------
    async def _tell_peer(self, kind: str):
        await self.channel_layer.group_send(self.peer_group, {
            "type": kind, "session": self.session, "conn": self.conn, "state": self.state, "media": self.media,
        })

    async def _forward_presence(self, event):
        await self.send_json({
            "type": "peer", "present": True, "session": event["session"], "conn": event["conn"],
            "state": event["state"], "media": event["media"],
        })

    async def _error(self, code: str, message: str):
        await self.send_json({"type": "error", "code": code, "message": message})

    async def _load_room(self, user, lesson_id: int):
        schema_name = self.scope["tenant"].schema_name

        @in_school_schema(self.scope)
        def load():
            seat = lesson_for_seat(user, lesson_id)
            if seat is None:
                return None
            lesson = seat.lesson
            peer = lesson.student if seat.is_leader else lesson.teacher
            return {
                "seat": seat,
                "open": room_is_open(lesson, timezone.now()),
                "peer_name": peer.get_full_name(),
                "ice_servers": ice_servers(schema_name=schema_name, user_id=user.pk),
            }

        return await load()

    async def _chat_post(self, text) -> dict:
        @in_school_schema(self.scope)
        def post():
            return chat_line(chat_post(seat=self.seat, author=self.scope["user"], text=text), self.user_name)

        return await post()

    async def _lesson_end(self, outcome, note) -> str:
        @in_school_schema(self.scope)
        def end():
            return lesson_end(seat=self.seat, by=self.scope["user"], outcome=outcome, note=note).status

        return await end()


def chat_line(message, author_name: str) -> dict:
    return {
        "id": message.pk,
        "author_id": message.author_id,
        "author": author_name,
        "text": message.body,
        "sent": message.created_at.isoformat(),
    }


def _chat_lines(lesson_id: int, after: int) -> list[dict]:
    lines = chat_messages(lesson_id=lesson_id, after=after, limit=CHAT_CATCH_UP)
    return [chat_line(line, line.author.get_full_name()) for line in lines]


def _clean_signal(content) -> dict | None:
    """{"description": {...}} or {"candidate": {...} | None}, rebuilt from known fields only; else None."""
    if "description" in content:
        description = content["description"]
        if not isinstance(description, dict) or description.get("type") not in SDP_TYPES:
            return None
        sdp = description.get("sdp", "")
        if not isinstance(sdp, str) or len(sdp) > MAX_SDP_CHARS:
            return None
        if description["type"] != "rollback" and not sdp.startswith("v=0"):
            return None
        return {"description": {"type": description["type"], "sdp": sdp}}
    if "candidate" in content:
        candidate = content["candidate"]
        if candidate is None:  # the end of this side's candidates
            return {"candidate": None}
        if not isinstance(candidate, dict):
            return None
        text, mid = candidate.get("candidate"), candidate.get("sdpMid")
        index, fragment = candidate.get("sdpMLineIndex"), candidate.get("usernameFragment")
        if not isinstance(text, str) or len(text) > MAX_CANDIDATE_CHARS:
            return None
        if mid is not None and (not isinstance(mid, str) or len(mid) > 64):
            return None
        if index is not None and (not isinstance(index, int) or isinstance(index, bool) or not 0 <= index < 64):
            return None
        if fragment is not None and (not isinstance(fragment, str) or len(fragment) > 256):
            return None
        return {"candidate": {"candidate": text, "sdpMid": mid, "sdpMLineIndex": index, "usernameFragment": fragment}}
    return None
