"""Every socket against whatever a browser (or anyone) can send: no crash, no close, nothing changed.

Hypothesis draws batches of messages: any text, any JSON, objects with the sockets' own actions and
fields of every type, JSON nested thousands of levels deep, NUL characters, binary frames. Each batch
goes down one socket of each kind (config/routing.py: ping, notifications, room, stage) on the
real ASGI application. After every message the socket must still be open (no close frame, no
exception out of the consumer); a message answered with an error must have changed nothing in the
database; and at the end the socket still answers. The board speaks binary Yjs, and a refused update
there closes the socket by design with a code of its own (the browser resyncs from the server's
document): its test asserts only those codes, never 1011, and that nothing refused was stored.
"""

import json
import uuid
from datetime import timedelta

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django_tenants.utils import schema_context
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from classroom.models import ChatMessage
from classroom.whiteboard import rooms, schema
from classroom.whiteboard.models import BoardUpdate
from config.asgi import application

pytestmark = pytest.mark.committed

TIMEOUT = 5
QUIET = 0.05  # the board: a socket that says nothing for this long has answered
# "ping" is left out: the room's probe is a ping, and its pong marks the end of a message's replies.
ACTIONS = ["signal", "state", "chat", "chat.history", "end", "show", "clear", "media"]
FUZZ = settings(max_examples=6, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                       HealthCheck.data_too_large])

scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=40)
json_values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4)
                           | st.dictionaries(st.text(max_size=10), inner, max_size=4), max_leaves=12)
fields = st.dictionaries(st.sampled_from(["text", "after", "outcome", "note", "state", "media", "description",
                                          "candidate", "to", "pc", "item", "page", "position"]), json_values,
                         max_size=4)


def _deep(depth: int, inner: str) -> str:
    return '{"action": "chat", "text": ' + "[" * depth + inner + "]" * depth + "}"


messages = st.one_of(
    st.text(max_size=200),  # anything at all
    json_values.map(json.dumps),  # any JSON, objects or not
    st.builds(lambda action, rest: json.dumps({**rest, "action": action}),
              st.sampled_from(ACTIONS) | st.text(max_size=12), fields),  # the actions, fields of any type
    # Past json's recursion limit (~1,000) and under the stage's 4 KB (5,000 levels: a test of its own).
    st.builds(_deep, st.integers(min_value=33, max_value=1_900), st.sampled_from(["", "1", '"x"'])),
    st.builds(lambda text, action: json.dumps({"action": action, "text": text + "\x00", "note": "\x00"}),
              st.text(max_size=20), st.sampled_from(["chat", "end", "show"])),
    st.binary(max_size=64),  # a binary frame where text is expected
).filter(bool)  # a frame carries something


async def next_reply(communicator) -> dict:
    output = await communicator.receive_output(timeout=TIMEOUT)  # re-raises the consumer's exception
    assert output["type"] != "websocket.close", f"closed with {output.get('code')}"
    return json.loads(output["text"])


async def send(communicator, message) -> None:
    if isinstance(message, bytes):
        await communicator.send_to(bytes_data=message)
    else:
        await communicator.send_to(text_data=message)


async def replies_to(communicator, message, probe) -> list[dict]:
    """The replies to `message`, exactly: every one if the socket answers each message once (probe None),
    else those before the answer to `probe` (sent right after it; a consumer handles messages in order)."""
    await send(communicator, message)
    if probe is None:
        return [await next_reply(communicator)]
    text, is_answer = probe
    await send(communicator, text)
    said = []
    while not is_answer(reply := await next_reply(communicator)):
        said.append(reply)
    return said


@pytest.fixture(autouse=True)
def in_memory_layer(settings):
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}


@pytest.fixture
def room(committed_lesson, login):
    room = committed_lesson(starts_in=timedelta(minutes=5))
    alpha = room.school
    room.key = login(alpha, alpha.teacher)
    return room


def _state_reader(room):
    """What a message could change: the lesson, its chat, its stage."""
    from tenant_apps.materials.models import Stage
    from tenant_apps.scheduling.models import Lesson

    @database_sync_to_async
    def read():
        with schema_context(room.school.school.schema_name):
            return (
                Lesson.objects.filter(pk=room.lesson.pk).values_list("status", "sequence").get(),
                list(ChatMessage.objects.filter(lesson_id=room.lesson.pk).values_list("pk", flat=True)),
                list(Stage.objects.filter(lesson_id=room.lesson.pk).values()),
            )

    return read


PONG = ('{"action": "ping"}', lambda reply: reply["type"] == "pong")
TOO_LARGE = ("x" * 5_000, lambda reply: reply.get("code") == "too_large")  # over the stage's 4 KB
# path, who, probe (None: the socket answers every message exactly once).
SOCKETS = {
    "ping": ("/ws/ping/", "teacher", None),
    "notifications": ("/ws/notifications/", "teacher", None),
    "room": ("/ws/lessons/{lesson}/room/?tab=" + uuid.uuid4().hex, "teacher", PONG),
    "stage, teacher": ("/ws/lessons/{lesson}/stage/", "teacher", TOO_LARGE),
    "stage, student": ("/ws/lessons/{lesson}/stage/", "student", None),  # refused whatever it sends
}


@pytest.fixture
def unhurried(monkeypatch):
    """No rate limit in the way of a probe after every message (the limits have tests of their own)."""
    import classroom.consumers
    import classroom.stage

    monkeypatch.setattr(classroom.consumers, "MAX_PER_SECOND", 10_000)
    monkeypatch.setattr(classroom.stage, "MAX_PER_SECOND", 10_000)


@pytest.mark.parametrize("socket_name", SOCKETS)
@FUZZ
@given(batch=st.lists(messages, min_size=5, max_size=20))
def test_no_message_closes_a_socket_or_changes_anything_unless_accepted(
    room, login, unhurried, socket_name, batch
):
    path, who, probe = SOCKETS[socket_name]
    host = room.school.host
    key = room.key if who == "teacher" else login(room.school, room.school.student)
    headers = [(b"host", host.encode()), (b"cookie", f"sessionid={key}".encode())]
    state = _state_reader(room)

    async def body():
        communicator = WebsocketCommunicator(application, path.format(lesson=room.lesson.pk), headers=headers)
        connected, code = await communicator.connect(timeout=TIMEOUT)
        assert connected, code
        await next_reply(communicator)  # each says one thing first: welcome, stage, bell, presence
        for message in batch:
            before = await state()
            said = await replies_to(communicator, message, probe)
            if any(reply.get("type") == "error" for reply in said):
                assert await state() == before, (message[:200], said)
                assert all(reply["message"] for reply in said if reply.get("type") == "error")  # said why
        await communicator.disconnect()

    async_to_sync(body)()


@pytest.mark.parametrize("message, code", [
    (_deep(5_000, ""), "invalid_json"),
    (_deep(40, ""), "too_deep"),
    (json.dumps({"action": "chat", "text": "hello\x00world"}), "nul_character"),
])
def test_the_chat_refuses_deep_json_and_nul_with_a_clear_message_and_stays_open(room, message, code):
    """The probe's two crashes (issue 16): both closed the room socket with 1011."""
    headers = [(b"host", room.school.host.encode()), (b"cookie", f"sessionid={room.key}".encode())]
    state = _state_reader(room)

    async def body():
        communicator = WebsocketCommunicator(application, f"/ws/lessons/{room.lesson.pk}/room/", headers=headers)
        assert (await communicator.connect(timeout=TIMEOUT))[0]
        await next_reply(communicator)  # the welcome
        before = await state()
        await communicator.send_to(text_data=message)
        said = [await next_reply(communicator)]
        after = await state()
        await communicator.send_to(text_data=json.dumps({"action": "chat", "text": "still here"}))
        chat = [await next_reply(communicator)]
        await communicator.disconnect()
        return said, before == after, chat

    said, unchanged, chat = async_to_sync(body)()
    assert [(reply["type"], reply["code"]) for reply in said] == [("error", code)]
    assert said[0]["message"]  # in words, for the person
    assert unchanged
    assert chat[0]["type"] == "chat" and chat[0]["message"]["text"] == "still here"


DESIGNED_BOARD_CLOSES = {schema.CLOSE_MALFORMED, schema.CLOSE_TOO_LARGE, schema.CLOSE_TOO_FAST, schema.CLOSE_FORBIDDEN}


@FUZZ
@given(batch=st.lists(st.binary(max_size=80) | st.text(max_size=40)
                      | st.binary(max_size=60).map(lambda tail: b"\x00\x02" + tail)  # "an update", then noise
                      | st.binary(max_size=60).map(lambda tail: b"\x00\x00" + tail),  # "sync step 1", then noise
                      min_size=5, max_size=15).map(lambda frames: [frame for frame in frames if frame]))
def test_the_board_refuses_bad_frames_with_its_own_codes_and_stores_nothing(room, batch):
    headers = [(b"host", room.school.host.encode()), (b"cookie", f"sessionid={room.key}".encode())]

    @database_sync_to_async
    def stored():
        with schema_context(room.school.school.schema_name):
            return BoardUpdate.objects.filter(board__lesson_id=room.lesson.pk).count()

    async def body():
        for frame in batch:
            before = await stored()
            communicator = WebsocketCommunicator(application, f"/ws/lessons/{room.lesson.pk}/board/",
                                                 headers=headers)
            assert (await communicator.connect(timeout=TIMEOUT))[0]
            await communicator.receive_from(timeout=TIMEOUT)  # the server's sync step 1
            if isinstance(frame, bytes):
                await communicator.send_to(bytes_data=frame)
            else:
                await communicator.send_to(text_data=frame)
            closed = None
            while not await communicator.receive_nothing(timeout=QUIET):
                output = await communicator.receive_output(timeout=TIMEOUT)  # the consumer's exception, if any
                if output["type"] == "websocket.close":
                    closed = output.get("code")
                    break
            if closed is not None:
                assert closed in DESIGNED_BOARD_CLOSES, (frame, closed)
                assert await stored() == before, frame
            await communicator.disconnect()
        rooms.forget_all()

    async_to_sync(body)()
