"""The room's socket through the real ASGI application: who gets in, what is relayed to whom, bad input.

The consumer reads the database from worker threads, so the lessons are committed (and removed
afterwards). Each test runs its async body with `async_to_sync`, as tests/realtime does.
"""

import json
import uuid
from datetime import timedelta

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from django.conf import settings as django_settings
from django_tenants.utils import schema_context

from billing.models import LedgerEntry
from classroom.consumers import CLOSE_NO_SEAT, CLOSE_REPLACED, CLOSE_ROOM_CLOSED, MAX_MESSAGE_BYTES, MAX_PER_SECOND
from classroom.models import ChatMessage
from config.asgi import application
from tenant_apps.scheduling.models import Lesson

pytestmark = pytest.mark.committed

TIMEOUT = 3
OFFER = {"type": "offer", "sdp": "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"}
CANDIDATE = {"candidate": "candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host", "sdpMid": "0",
             "sdpMLineIndex": 0, "usernameFragment": "abcd"}


@pytest.fixture(autouse=True)
def in_memory_layer(settings):
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}


def room_socket(host, lesson_id, session_key=None, tab=None) -> WebsocketCommunicator:
    headers = [(b"host", host.encode()), (b"origin", f"http://{host}:8000".encode())]
    if session_key:
        headers.append((b"cookie", f"sessionid={session_key}".encode()))
    path = f"/ws/lessons/{lesson_id}/room/?tab={tab or uuid.uuid4().hex}"
    return WebsocketCommunicator(application, path, headers=headers)


async def enter(host, lesson_id, session_key, tab=None) -> tuple[WebsocketCommunicator, dict]:
    """A connected socket and its welcome."""
    communicator = room_socket(host, lesson_id, session_key, tab)
    connected, code = await communicator.connect(timeout=TIMEOUT)
    assert connected, code
    welcome = await communicator.receive_json_from(timeout=TIMEOUT)
    assert welcome["type"] == "welcome"
    return communicator, welcome


async def both_in(host, lesson_id, teacher_key, student_key):
    """Teacher then student in the room, past the presence messages each gets about the other."""
    teacher, teacher_welcome = await enter(host, lesson_id, teacher_key)
    student, student_welcome = await enter(host, lesson_id, student_key)
    joined = await teacher.receive_json_from(timeout=TIMEOUT)
    here = await student.receive_json_from(timeout=TIMEOUT)
    assert joined["type"] == here["type"] == "peer"
    return teacher, student, teacher_welcome, student_welcome


async def refused(host, lesson_id, session_key=None) -> int:
    communicator = room_socket(host, lesson_id, session_key)
    connected, code = await communicator.connect(timeout=TIMEOUT)
    assert not connected
    await communicator.disconnect()
    return code


# Who gets in -------------------------------------------------------------------------------------
def test_the_teacher_and_the_student_are_let_in_and_see_each_other(committed_lesson, login):
    room = committed_lesson()
    a, lesson = room.school, room.lesson

    async def body():
        teacher, teacher_welcome = await enter(a.host, lesson.pk, login(a, a.teacher))
        student, student_welcome = await enter(a.host, lesson.pk, login(a, a.student))
        teacher_hears = await teacher.receive_json_from(timeout=TIMEOUT)
        student_hears = await student.receive_json_from(timeout=TIMEOUT)
        await student.send_json_to({"action": "state", "state": "call", "media": {"audio": True, "video": True}})
        teacher_hears_call = await teacher.receive_json_from(timeout=TIMEOUT)
        await student.disconnect()
        teacher_hears_left = await teacher.receive_json_from(timeout=TIMEOUT)
        await teacher.disconnect()
        return teacher_welcome, student_welcome, teacher_hears, student_hears, teacher_hears_call, teacher_hears_left

    teacher_welcome, student_welcome, teacher_hears, student_hears, in_call, left = async_to_sync(body)()
    assert (teacher_welcome["is_leader"], teacher_welcome["polite"]) == (True, False)
    assert (student_welcome["is_leader"], student_welcome["polite"]) == (False, True)
    assert teacher_welcome["peer"] == {"user_id": a.student.pk, "name": "Sam Student"}
    assert student_welcome["peer"] == {"user_id": a.teacher.pk, "name": "Tom Teacher"}
    assert teacher_welcome["ice_servers"] == []  # none configured in tests: loopback only
    assert teacher_hears["present"] and teacher_hears["state"] == "lobby"
    assert teacher_hears["session"] == student_welcome["session"]
    assert student_hears["present"] and student_hears["session"] == teacher_welcome["session"]
    assert in_call["state"] == "call" and in_call["media"] == {"audio": True, "video": True, "screen": False}
    assert left == {"type": "peer", "present": False, "session": student_welcome["session"],
                    "conn": in_call["conn"]}


@pytest.mark.parametrize("who", ["student2", "teacher2", "methodologist", "manager"])
def test_other_people_of_the_school_are_refused(committed_lesson, login, who):
    room = committed_lesson()
    a = room.school

    assert async_to_sync(refused)(a.host, room.lesson.pk, login(a, getattr(a, who))) == CLOSE_NO_SEAT


def test_an_anonymous_visitor_is_refused(committed_lesson):
    room = committed_lesson()

    assert async_to_sync(refused)(room.school.host, room.lesson.pk) == 4401


def test_another_schools_user_is_refused_on_both_hosts(committed_lesson, login, committed_cast):
    room = committed_lesson()
    b = committed_cast.b
    beta_key = login(b, b.teacher)

    # Beta's session names nobody in alpha's schema; and alpha's lesson does not exist in beta's.
    assert async_to_sync(refused)(room.school.host, room.lesson.pk, beta_key) == 4401
    assert async_to_sync(refused)(b.host, room.lesson.pk, beta_key) == CLOSE_NO_SEAT


def test_the_room_is_closed_before_its_window_and_after_marking(committed_lesson, login):
    early = committed_lesson(starts_in=timedelta(minutes=16))
    a = early.school
    teacher_key = login(a, a.teacher)
    assert async_to_sync(refused)(a.host, early.lesson.pk, teacher_key) == CLOSE_ROOM_CLOSED

    with schema_context(a.school.schema_name):
        Lesson.objects.filter(pk=early.lesson.pk).update(status=Lesson.Status.HELD)
    assert async_to_sync(refused)(a.host, early.lesson.pk, teacher_key) == CLOSE_ROOM_CLOSED


def test_opening_the_room_in_a_second_tab_closes_the_first(committed_lesson, login):
    room = committed_lesson()
    a = room.school
    teacher_key = login(a, a.teacher)

    async def body():
        first, _ = await enter(a.host, room.lesson.pk, teacher_key)
        second, _ = await enter(a.host, room.lesson.pk, teacher_key)
        replaced = await first.receive_json_from(timeout=TIMEOUT)
        closed = await first.receive_output(timeout=TIMEOUT)
        await second.send_json_to({"action": "ping"})
        pong = await second.receive_json_from(timeout=TIMEOUT)
        await second.disconnect()
        return replaced, closed, pong

    replaced, closed, pong = async_to_sync(body)()
    assert replaced["type"] == "replaced" and "another tab" in replaced["message"]
    assert closed == {"type": "websocket.close", "code": CLOSE_REPLACED}
    assert pong == {"type": "pong"}


# Relaying ----------------------------------------------------------------------------------------
def test_signals_reach_the_peer_only_and_groups_carry_the_schema(committed_lesson, login):
    room = committed_lesson()
    other = committed_lesson(student=room.school.student2, teacher=room.school.teacher2)
    a = room.school

    async def body():
        teacher, student, teacher_welcome, _ = await both_in(
            a.host, room.lesson.pk, login(a, a.teacher), login(a, a.student))
        bystander, _ = await enter(a.host, other.lesson.pk, login(a, a.teacher2))
        groups = set(get_channel_layer().groups)
        await teacher.send_json_to({"action": "signal", "description": OFFER})
        await teacher.send_json_to({"action": "signal", "candidate": CANDIDATE})
        await teacher.send_json_to(
            {"action": "signal", "candidate": None, "to": "student-page-1", "pc": "connection2"})
        heard = [await student.receive_json_from(timeout=TIMEOUT) for _ in range(3)]
        teacher_heard_nothing = await teacher.receive_nothing(timeout=0.3)
        bystander_heard_nothing = await bystander.receive_nothing(timeout=0.3)
        for communicator in (teacher, student, bystander):
            await communicator.disconnect()
        return heard, teacher_welcome, groups, teacher_heard_nothing, bystander_heard_nothing

    heard, teacher_welcome, groups, teacher_heard_nothing, bystander_heard_nothing = async_to_sync(body)()
    session = teacher_welcome["session"]
    assert heard == [
        {"type": "signal", "from": session, "description": OFFER},
        {"type": "signal", "from": session, "candidate": CANDIDATE},
        {"type": "signal", "from": session, "candidate": None, "to": "student-page-1", "pc": "connection2"},
    ]
    assert teacher_heard_nothing and bystander_heard_nothing
    schema = a.school.schema_name
    assert {f"{schema}.lesson.{room.lesson.pk}", f"{schema}.lesson.{room.lesson.pk}.user.{a.teacher.pk}",
            f"{schema}.lesson.{room.lesson.pk}.user.{a.student.pk}"} <= groups
    assert all(group.startswith(f"{schema}.lesson.") for group in groups)


def test_over_redis_a_signal_reaches_the_peer_and_not_another_school(committed_lesson, login, committed_cast, settings):
    assert django_settings.REDIS_URL, "REDIS_URL must be set for this test"
    settings.CHANNEL_LAYERS = {"default": {
        "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
        "CONFIG": {"hosts": [django_settings.REDIS_URL], "prefix": f"test{uuid.uuid4().hex}"},
    }}
    room = committed_lesson()
    a, b = room.school, committed_cast.b
    with schema_context(b.school.schema_name):
        from tests.classroom.conftest import make_paid_lesson, remove_lessons_of

        beta_lesson = make_paid_lesson(b, starts_in=timedelta(minutes=5))
    try:
        async def body():
            teacher, student, _, _ = await both_in(a.host, room.lesson.pk, login(a, a.teacher), login(a, a.student))
            beta_teacher, _ = await enter(b.host, beta_lesson.pk, login(b, b.teacher))
            await teacher.send_json_to({"action": "signal", "description": OFFER})
            heard = await student.receive_json_from(timeout=TIMEOUT)
            beta_heard_nothing = await beta_teacher.receive_nothing(timeout=0.5)
            for communicator in (teacher, student, beta_teacher):
                await communicator.disconnect()
            return heard, beta_heard_nothing

        heard, beta_heard_nothing = async_to_sync(body)()
    finally:
        with schema_context(b.school.schema_name):
            remove_lessons_of([beta_lesson.enrollment_id])
    assert heard["description"] == OFFER
    assert beta_heard_nothing


# Bad input ---------------------------------------------------------------------------------------
def test_bad_messages_get_an_error_relay_nothing_and_keep_both_sockets_open(committed_lesson, login):
    room = committed_lesson()
    a = room.school
    bad = [
        ("{not json", "invalid_json"),
        ("[1, 2]", "invalid_message"),
        ('{"action": "launch"}', "unknown_action"),
        ('{"action": "signal"}', "invalid_signal"),
        ('{"action": "signal", "description": {"type": "offer", "sdp": "<script>"}}', "invalid_signal"),
        ('{"action": "signal", "description": {"type": "pranswer", "sdp": "v=0"}}', "invalid_signal"),
        ('{"action": "signal", "candidate": {"candidate": 5}}', "invalid_signal"),
        ('{"action": "signal", "candidate": {"candidate": "c", "sdpMLineIndex": true}}', "invalid_signal"),
        ('{"action": "signal", "candidate": null, "to": "not a page id!"}', "invalid_signal"),
        ('{"action": "signal", "candidate": null, "pc": 7}', "invalid_signal"),
        ('{"action": "state", "state": "dancing"}', "invalid_state"),
        ('{"action": "chat.history", "after": "x"}', "invalid_message"),
        ("x" * (MAX_MESSAGE_BYTES + 1), "too_large"),
        (json.dumps({"action": "signal", "description": {**OFFER, "sdp": "v=0" + "a" * MAX_MESSAGE_BYTES}}),
         "too_large"),
    ]

    async def body():
        teacher, student, _, _ = await both_in(a.host, room.lesson.pk, login(a, a.teacher), login(a, a.student))
        errors = []
        for text, _code in bad:
            await student.send_to(text_data=text)
            errors.append(await student.receive_json_from(timeout=TIMEOUT))
        await student.send_to(bytes_data=b"\x00\x01")
        errors.append(await student.receive_json_from(timeout=TIMEOUT))
        teacher_heard_nothing = await teacher.receive_nothing(timeout=0.3)
        # Both still work: the student's next good signal reaches the teacher.
        await student.send_json_to({"action": "signal", "description": OFFER})
        relayed = await teacher.receive_json_from(timeout=TIMEOUT)
        await teacher.disconnect()
        await student.disconnect()
        return errors, teacher_heard_nothing, relayed

    errors, teacher_heard_nothing, relayed = async_to_sync(body)()
    assert [(error["type"], error["code"]) for error in errors] == [
        *[("error", code) for _text, code in bad], ("error", "binary_not_supported"),
    ]
    assert all(error["message"] for error in errors)
    assert teacher_heard_nothing
    assert relayed["description"] == OFFER


def test_more_than_50_messages_a_second_are_refused_and_not_relayed(committed_lesson, login):
    room = committed_lesson()
    a = room.school
    sent = MAX_PER_SECOND + 10

    async def body():
        teacher, student, _, _ = await both_in(a.host, room.lesson.pk, login(a, a.teacher), login(a, a.student))
        for index in range(sent):
            await student.send_json_to({"action": "signal", "candidate": {**CANDIDATE, "sdpMid": str(index)}})
        replies = []
        while not await student.receive_nothing(timeout=0.3):
            replies.append(await student.receive_json_from())
        relayed = []
        while not await teacher.receive_nothing(timeout=0.3):
            relayed.append(await teacher.receive_json_from())
        await teacher.send_json_to({"action": "ping"})
        teacher_pong = await teacher.receive_json_from(timeout=TIMEOUT)
        await teacher.disconnect()
        await student.disconnect()
        return replies, relayed, teacher_pong

    replies, relayed, teacher_pong = async_to_sync(body)()
    assert [reply["code"] for reply in replies] == ["rate_limited"] * 10
    assert [message["candidate"]["sdpMid"] for message in relayed] == [str(i) for i in range(MAX_PER_SECOND)]
    assert teacher_pong == {"type": "pong"}


# Chat --------------------------------------------------------------------------------------------
def test_a_chat_line_is_kept_with_the_lesson_and_reaches_both(committed_lesson, login):
    room = committed_lesson()
    a = room.school

    async def body():
        teacher, student, _, _ = await both_in(a.host, room.lesson.pk, login(a, a.teacher), login(a, a.student))
        await student.send_json_to({"action": "chat", "text": "  See https://example.com/page please  "})
        to_student = await student.receive_json_from(timeout=TIMEOUT)
        to_teacher = await teacher.receive_json_from(timeout=TIMEOUT)
        await student.send_json_to({"action": "chat", "text": "   "})
        empty = await student.receive_json_from(timeout=TIMEOUT)
        await student.send_json_to({"action": "chat", "text": "x" * 2001})
        too_long = await student.receive_json_from(timeout=TIMEOUT)
        await teacher.send_json_to({"action": "chat.history", "after": 0})
        history = await teacher.receive_json_from(timeout=TIMEOUT)
        await teacher.send_json_to({"action": "chat.history", "after": to_student["message"]["id"]})
        nothing_after = await teacher.receive_json_from(timeout=TIMEOUT)
        await teacher.disconnect()
        await student.disconnect()
        return to_student, to_teacher, empty, too_long, history, nothing_after

    to_student, to_teacher, empty, too_long, history, nothing_after = async_to_sync(body)()
    assert to_student == to_teacher
    line = to_student["message"]
    assert (line["author_id"], line["author"], line["text"]) == (a.student.pk, "Sam Student",
                                                                 "See https://example.com/page please")
    assert (empty["code"], too_long["code"]) == ("chat_empty", "chat_too_long")
    assert history["messages"] == [line]
    assert nothing_after["messages"] == []
    with schema_context(a.school.schema_name):
        assert list(ChatMessage.objects.filter(lesson=room.lesson).values_list("body", flat=True)) == [line["text"]]


# Ending the lesson -------------------------------------------------------------------------------
def test_the_student_cannot_end_the_lesson_and_the_teacher_ends_it_as_held(committed_lesson, login):
    room = committed_lesson(starts_in=timedelta(minutes=-50))
    a = room.school

    async def body():
        teacher, student, _, _ = await both_in(a.host, room.lesson.pk, login(a, a.teacher), login(a, a.student))
        await student.send_json_to({"action": "end", "outcome": "held"})
        refused_end = await student.receive_json_from(timeout=TIMEOUT)
        teacher_heard_nothing = await teacher.receive_nothing(timeout=0.3)
        await teacher.send_json_to({"action": "end", "outcome": "cancelled_by_teacher"})
        bad_outcome = await teacher.receive_json_from(timeout=TIMEOUT)
        await teacher.send_json_to({"action": "end", "outcome": "held", "note": "Past tenses"})
        ended = [await teacher.receive_json_from(timeout=TIMEOUT), await student.receive_json_from(timeout=TIMEOUT)]
        closed = [await teacher.receive_output(timeout=TIMEOUT), await student.receive_output(timeout=TIMEOUT)]
        return refused_end, teacher_heard_nothing, bad_outcome, ended, closed

    with schema_context(a.school.schema_name):
        status_before = Lesson.objects.get(pk=room.lesson.pk).status
    refused_end, teacher_heard_nothing, bad_outcome, ended, closed = async_to_sync(body)()
    assert status_before == Lesson.Status.SCHEDULED
    assert refused_end["code"] == "forbidden" and teacher_heard_nothing
    assert bad_outcome["code"] == "outcome"
    assert ended == [{"type": "ended", "outcome": "held"}] * 2
    assert [message.get("code") for message in closed] == [CLOSE_ROOM_CLOSED] * 2
    with schema_context(a.school.schema_name):
        lesson = Lesson.objects.get(pk=room.lesson.pk)
        assert (lesson.status, lesson.note, lesson.marked_by_id) == (Lesson.Status.HELD, "Past tenses", a.teacher.pk)
        assert LedgerEntry.objects.filter(lesson_id=lesson.pk, kind=LedgerEntry.Kind.HELD).count() == 1


def test_the_teacher_can_mark_a_no_show_but_not_before_the_start(committed_lesson, login):
    room = committed_lesson(starts_in=timedelta(minutes=10))
    a = room.school

    async def body():
        teacher, _ = await enter(a.host, room.lesson.pk, login(a, a.teacher))
        await teacher.send_json_to({"action": "end", "outcome": "no_show"})
        too_early = await teacher.receive_json_from(timeout=TIMEOUT)
        await teacher.disconnect()
        return too_early

    too_early = async_to_sync(body)()
    assert too_early["code"] == "not_started"
    assert too_early["message"] == "A lesson can be marked once it has started."
    with schema_context(a.school.schema_name):
        assert Lesson.objects.get(pk=room.lesson.pk).status == Lesson.Status.SCHEDULED
