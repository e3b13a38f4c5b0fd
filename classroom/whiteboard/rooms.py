"""One shared document per board room in this process, loaded from Postgres when the first person joins.

A room is named by `schema_group(scope, "lesson", id, "board")`, so it carries the school's schema.
Every consumer of the room in this process works on the same `Room.doc`; other processes keep their
own copy, fed by the updates relayed through the channel layer. A room leaves memory when its last
connection closes (its rows are compacted then), or when its relay failed: the next join reloads it
from the database, which holds every update that was accepted.
"""

import asyncio
import os
import uuid

from pycrdt import Doc

from classroom.whiteboard.schema import Inspector

# Tells this process's relayed updates (already in the shared doc) from other processes'.
PROCESS_ID = f"{os.getpid()}-{uuid.uuid4().hex[:8]}"


class Room:
    def __init__(self, name: str, doc: Doc):
        self.name = name
        self.doc = doc
        self.inspector = Inspector(doc)
        # Updates of one room are applied, persisted and relayed one at a time.
        self.lock = asyncio.Lock()
        self.members: set = set()
        self.pending_rows = 0
        # The Board row, made on the first accepted update: (id, last compacted row id).
        self.board: tuple[int, int] | None = None

    def replace_doc(self, doc: Doc) -> None:
        self.doc = doc
        self.inspector = Inspector(doc)


_rooms: dict[str, Room] = {}
_loading: dict[str, asyncio.Lock] = {}


async def join(name: str, consumer, load) -> Room:
    """The room `name` with `consumer` in it; `load()` (awaitable) builds the doc on first use."""
    lock = _loading.setdefault(name, asyncio.Lock())
    async with lock:
        room = _rooms.get(name)
        if room is None:
            room = Room(name, await load())
            _rooms[name] = room
        room.members.add(consumer)
        return room


def leave(room: Room, consumer) -> bool:
    """Removes `consumer`; True when the room became empty (and left memory)."""
    room.members.discard(consumer)
    if room.members:
        return False
    if _rooms.get(room.name) is room:
        del _rooms[room.name]
    return True


def drop(room: Room) -> None:
    """Forget the room now (its members are being closed): the next join reloads it."""
    if _rooms.get(room.name) is room:
        del _rooms[room.name]


def get(name: str) -> Room | None:
    return _rooms.get(name)


def forget_all() -> None:
    """Drop every room, as a restarted process would have none (tests)."""
    _rooms.clear()
    _loading.clear()
