"""The board's WebSocket (/ws/lessons/<id>/board/): the y-websocket protocol over one shared document.

Built on pycrdt-websocket's `YjsConsumer`, with its two gaps closed (DESIGN.md "The classroom"): the
stock consumer makes an empty document per connection and relays an update before applying it. Here
every connection of a room shares one document (`rooms`), loaded from Postgres, and each update is

    validated (size, rate) -> applied and checked (role, shape: `schema.Inspector`)
    -> persisted (one row) -> relayed to the room's group.

A refused update closes the sender's socket with a code from `schema` (the browser then starts
again from the server's document) and reloads the room from the database, so the shared document
never keeps it. If the relay (Redis) fails, the update is already persisted: the room's sockets are
closed, the browsers show "reconnecting", and the next join reloads the room from the database.
"""

import logging
import time

from channels.consumer import get_handler_name
from channels.db import DatabaseSyncToAsync
from django.conf import settings
from django.utils import timezone
from django_tenants.utils import schema_context
from pycrdt import Decoder, Doc, YMessageType, YSyncMessageType, create_sync_message, create_update_message
from pycrdt.websocket.django_channels_consumer import YjsConsumer

from classroom.access import lesson_for_seat, room_is_open
from classroom.whiteboard import rooms, schema, store
from shared_apps.tenants.ws import (
    CLOSE_FORBIDDEN,
    CLOSE_RELAY_LOST,
    CLOSE_UNAUTHENTICATED,
    RelayGuard,
    in_school_schema,
    schema_group,
)

logger = logging.getLogger(__name__)


EMPTY_UPDATE = b"\x00\x00"


def max_message_bytes() -> int:
    return getattr(settings, "WHITEBOARD_MAX_MESSAGE_BYTES", 8 * 1024 * 1024)


class _Bucket:
    """A token bucket: `rate` messages a second, bursts of `burst`."""

    def __init__(self, rate: float, burst: float):
        self.rate, self.burst, self.tokens, self.at = rate, burst, burst, time.monotonic()

    def take(self) -> bool:
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.at) * self.rate)
        self.at = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True


def _sync_step2(update: bytes) -> bytes:
    # create_sync_message builds step 1 from a doc; step 2 carries an update the same way as an update message.
    message = bytearray(create_update_message(update))
    message[1] = YSyncMessageType.SYNC_STEP2
    return bytes(message)


class BoardConsumer(RelayGuard, YjsConsumer):
    room: rooms.Room | None = None
    seat = None

    async def dispatch(self, message):
        """As channels' own, without its per-message `close_old_connections` thread hop (a wait on the
        one shared sync thread for every stroke): this consumer touches the database only through
        `DatabaseSyncToAsync`, which closes stale connections in the thread that uses them."""
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    def make_room_name(self) -> str:
        return schema_group(self.scope, "lesson", self.scope["url_route"]["kwargs"]["lesson_id"], "board")

    async def make_ydoc(self) -> Doc:
        lesson_id = self.seat.lesson.pk
        load = in_school_schema(self.scope)(store.load_doc)
        return await load(lesson_id)

    async def connect(self) -> None:
        user = self.scope["user"]
        if not user.is_authenticated:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        self.seat = await in_school_schema(self.scope)(lesson_for_seat)(
            user, int(self.scope["url_route"]["kwargs"]["lesson_id"])
        )
        if self.seat is None or not room_is_open(self.seat.lesson, timezone.now()):
            await self.close(code=CLOSE_FORBIDDEN)
            return
        rate = getattr(settings, "WHITEBOARD_RATE", (60, 300))
        self.bucket = _Bucket(*rate)
        self.room_name = self.make_room_name()
        try:
            # Join the group before loading: an update persisted meanwhile arrives by either road.
            await self.channel_layer.group_add(self.room_name, self.channel_name)
        except Exception:  # noqa: BLE001 - Redis down: refuse; the page keeps retrying
            logger.warning("board %s: channel layer unavailable", self.room_name, exc_info=True)
            await self.close(code=CLOSE_RELAY_LOST)
            return
        self.room = await rooms.join(self.room_name, self, self.make_ydoc)
        await self.accept()
        await self.send(bytes_data=create_sync_message(self.room.doc))

    async def disconnect(self, code) -> None:
        await self._leave()

    async def _leave(self) -> None:
        """Out of the room and its group (once): nothing this socket still sends is taken after this."""
        if self.room is None:
            return
        room, self.room = self.room, None
        try:
            await self.channel_layer.group_discard(self.room_name, self.channel_name)
        except Exception:  # noqa: BLE001
            pass
        if rooms.leave(room, self):
            await self._compact()

    async def _compact(self) -> None:
        try:
            await in_school_schema(self.scope)(store.compact)(self.seat.lesson.pk)
        except Exception:  # noqa: BLE001 - the rows stay; the next compaction folds them
            logger.exception("board %s: compaction failed", self.room_name)

    async def refuse(self, code: int, message) -> None:
        logger.info("board %s: refused an update from user %s: %s", self.room_name, self.scope["user"].pk, message)
        # Leave first: a message already queued behind the refused one (which may build on it) is ignored.
        await self._leave()
        await self.close(code=code, reason=str(message)[:120])

    async def receive(self, text_data=None, bytes_data=None):
        if self.room is None:
            return
        if bytes_data is None:
            return await self.refuse(schema.CLOSE_MALFORMED, "binary frames only")
        if len(bytes_data) > max_message_bytes():
            return await self.refuse(schema.CLOSE_TOO_LARGE, "too large")
        if not self.bucket.take():
            return await self.refuse(schema.CLOSE_TOO_FAST, "too fast")
        try:
            decoder = Decoder(bytes_data)
            kind = decoder.read_var_uint()
            if kind != YMessageType.SYNC:
                return  # awareness and the rest: the board does not use them
            sync_kind = decoder.read_var_uint()
            payload = decoder.read_message()
        except Exception:  # noqa: BLE001 - any decoding error is a malformed message
            return await self.refuse(schema.CLOSE_MALFORMED, "malformed")
        if payload is None:
            return await self.refuse(schema.CLOSE_MALFORMED, "malformed")
        if sync_kind == YSyncMessageType.SYNC_STEP1:
            try:
                update = self.room.doc.get_update(payload)
            except Exception:  # noqa: BLE001
                return await self.refuse(schema.CLOSE_MALFORMED, "malformed")
            return await self.send(bytes_data=_sync_step2(update))
        if sync_kind in (YSyncMessageType.SYNC_STEP2, YSyncMessageType.SYNC_UPDATE):
            if payload != EMPTY_UPDATE:
                await self.accept_update(payload)
            return
        return await self.refuse(schema.CLOSE_MALFORMED, "malformed")

    async def accept_update(self, update: bytes) -> None:
        room = self.room
        async with room.lock:
            try:
                room.inspector.apply(update, is_leader=self.seat.is_leader)
            except schema.Refused as refusal:
                await self._reload(room)
                return await self.refuse(refusal.code, refusal.message)
            try:
                if room.board is None:
                    room.board = await self._in_pool(store.board_mark)(self.seat.lesson.pk)
                board_id, compacted_through = room.board
                row_id = await self._in_pool(store.append_to)(board_id, update, self.scope["user"].pk)
                pending = row_id - compacted_through
            except Exception:  # noqa: BLE001 - not persisted, so not kept: the browser resends on reconnect
                logger.exception("board %s: could not persist an update", self.room_name)
                await self._reload(room)
                return await self.close(code=1011)
            room.pending_rows = pending
            try:
                await self.channel_layer.group_send(
                    self.room_name,
                    {
                        "type": "board.update", "update": update,
                        "sender": self.channel_name, "process": rooms.PROCESS_ID,
                    },
                )
            except Exception:  # noqa: BLE001 - persisted already; everyone reconnects and reloads
                logger.warning("board %s: relay failed; closing the room", self.room_name, exc_info=True)
                rooms.drop(room)
                for member in list(room.members):
                    member.room = None  # the room is gone; nothing more is taken from its sockets
                    await member.close(code=CLOSE_RELAY_LOST)
                return
        if pending >= store.COMPACT_AFTER:
            room.pending_rows = 0
            room.board = None  # its compacted-through mark moves
            await self._compact()

    def _in_pool(self, func):
        """Run `func` in the school's schema on a pooled thread: rooms persist in parallel, not in one queue."""
        schema_name = self.scope["tenant"].schema_name

        def in_schema(*args):
            with schema_context(schema_name):
                return func(*args)

        return DatabaseSyncToAsync(in_schema, thread_sensitive=False)

    async def _reload(self, room: rooms.Room) -> None:
        room.replace_doc(await self.make_ydoc())

    async def board_update(self, event) -> None:
        """An update accepted by a consumer of this room (this process or another): pass it on."""
        if self.room is None or event["sender"] == self.channel_name:
            return
        if event["process"] != rooms.PROCESS_ID:
            self.room.doc.apply_update(event["update"])  # idempotent: every member of the room may do it
        await self.send(bytes_data=create_update_message(event["update"]))

