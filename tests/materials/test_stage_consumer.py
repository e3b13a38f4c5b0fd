"""The stage's socket through the real ASGI application: only the teacher shows, the student follows,
a late joiner sees the current item, and bad input changes nothing.

The consumer reads the database from worker threads, so the lessons are committed (and removed
afterwards); each test runs its async body with `async_to_sync`, as tests/realtime does. The channel
layer is the configured one (Redis pub/sub when REDIS_URL is set), as in production.
"""

from datetime import timedelta

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import connection
from django.test import Client
from django_tenants.utils import schema_context

from classroom.stage import CLOSE_NO_SEAT, CLOSE_ROOM_CLOSED, MAX_MESSAGE_BYTES, MAX_PER_SECOND
from config.asgi import application
from tenant_apps.materials.models import Stage, StudentMaterial
from tenant_apps.materials.services import item_add, plan_create
from tests.materials.conftest import make_lesson, pdf_bytes, png_bytes, upload, wav_bytes

pytestmark = pytest.mark.committed
TIMEOUT = 3


@pytest.fixture
def room(committed_cast):
    """A committed lesson of alpha's teacher and student starting in 5 minutes, with a plan of four items."""
    alpha = committed_cast.a
    with schema_context(alpha.school.schema_name):
        lesson = make_lesson(alpha)
        plan = plan_create(owner=alpha.teacher, lesson=lesson, title="Plan")
        items = {
            "image": item_add(plan=plan, by=alpha.teacher, kind="image", title="Cat",
                              upload=upload("c.png", png_bytes())),
            "pdf": item_add(plan=plan, by=alpha.teacher, kind="pdf", title="Sheet",
                            upload=upload("s.pdf", pdf_bytes(2))),
            "audio": item_add(plan=plan, by=alpha.teacher, kind="audio", title="Song",
                              upload=upload("s.wav", wav_bytes())),
            "text": item_add(plan=plan, by=alpha.teacher, kind="text", title="Story", text="<b>Once</b>"),
        }
    connection.set_schema_to_public()
    yield lesson, items
    with schema_context(alpha.school.schema_name):
        from tenant_apps.learning.models import Enrollment
        from tenant_apps.materials.models import Material
        from tenant_apps.scheduling.models import Lesson

        Lesson.objects.filter(pk=lesson.pk).delete()  # plans, items and the stage go with it
        Material.objects.filter(owner__in=[alpha.teacher, alpha.teacher2]).delete()
        Enrollment.objects.filter(pk=lesson.enrollment_id, lessons__isnull=True).delete()
    connection.set_schema_to_public()


def stage_socket(host, lesson_id, session_key) -> WebsocketCommunicator:
    headers = [(b"host", host.encode()), (b"origin", f"http://{host}:8000".encode()),
               (b"cookie", f"sessionid={session_key}".encode())]
    return WebsocketCommunicator(application, f"/ws/lessons/{lesson_id}/stage/", headers=headers)


async def join(host, lesson_id, session_key):
    socket = stage_socket(host, lesson_id, session_key)
    connected, code = await socket.connect(timeout=TIMEOUT)
    assert connected, code
    first = await socket.receive_json_from(timeout=TIMEOUT)
    assert first["type"] == "stage"
    return socket, first


async def refusal(host, lesson_id, session_key) -> int:
    socket = stage_socket(host, lesson_id, session_key)
    connected, code = await socket.connect(timeout=TIMEOUT)
    assert not connected
    return code


@pytest.fixture
def seats(committed_cast, room, login):
    """Alpha's cast, the room's lesson and items, and the teacher's and the student's session keys."""
    a = committed_cast.a
    lesson, items = room
    return a, lesson, items, login(a, a.teacher), login(a, a.student)


async def join_both(host, lesson_id, teacher_key, student_key):
    """The teacher then the student join the stage; returns both sockets and what the teacher saw first."""
    teacher, first = await join(host, lesson_id, teacher_key)
    student, _ = await join(host, lesson_id, student_key)
    return teacher, student, first


def test_the_teacher_shows_an_image_and_the_student_sees_it(seats):
    a, lesson, items, teacher_key, student_key = seats

    async def body():
        teacher, student, empty = await join_both(a.host, lesson.pk, teacher_key, student_key)
        await teacher.send_json_to({"action": "show", "item": items["image"].pk})
        seen = await student.receive_json_from(timeout=TIMEOUT)
        echoed = await teacher.receive_json_from(timeout=TIMEOUT)
        await teacher.disconnect()
        await student.disconnect()
        return empty, seen, echoed

    empty, seen, echoed = async_to_sync(body)()

    assert empty == {"type": "stage", "item": None}
    assert seen == echoed
    picture = items["image"].material_id
    assert seen["item"] == {"id": picture, "kind": "image", "title": "Cat", "description": "",
                            "src": f"/materials/{picture}/file.png", "content_type": "image/png",
                            "width": 40, "height": 30}
    with schema_context(a.school.schema_name):  # from now on the student may open it again
        assert StudentMaterial.objects.filter(student=a.student, material_id=picture, lesson=lesson).exists()


def test_only_the_teacher_pushes_the_students_attempt_changes_nothing(committed_cast, room, login):
    a = committed_cast.a
    lesson, items = room
    student_key = login(a, a.student)

    async def body():
        student, _ = await join(a.host, lesson.pk, student_key)
        await student.send_json_to({"action": "show", "item": items["text"].pk})
        reply = await student.receive_json_from(timeout=TIMEOUT)
        await student.send_json_to({"action": "media", "state": "play", "position": 0})
        again = await student.receive_json_from(timeout=TIMEOUT)
        await student.disconnect()
        return reply, again

    reply, again = async_to_sync(body)()

    assert reply == {"type": "error", "code": "forbidden", "message": "Only the teacher shows things on the stage."}
    assert again["code"] == "forbidden"
    with schema_context(a.school.schema_name):
        assert not Stage.objects.filter(lesson_id=lesson.pk).exists()


def test_a_late_joiner_sees_the_pdf_page_on_the_stage(seats):
    a, lesson, items, teacher_key, student_key = seats

    async def body():
        teacher, _ = await join(a.host, lesson.pk, teacher_key)
        await teacher.send_json_to({"action": "show", "item": items["pdf"].pk, "page": 2})
        await teacher.receive_json_from(timeout=TIMEOUT)
        student, current = await join(a.host, lesson.pk, student_key)
        await teacher.disconnect()
        await student.disconnect()
        return current

    current = async_to_sync(body)()

    sheet = items["pdf"].material_id
    assert current["item"]["id"] == sheet and current["page"] == 2
    assert [page["src"] for page in current["item"]["pages"]] == [
        f"/materials/{sheet}/pages/1.jpg", f"/materials/{sheet}/pages/2.jpg"]


def test_play_pause_and_seek_reach_the_student_and_a_late_joiner_starts_where_it_plays(seats):
    a, lesson, items, teacher_key, student_key = seats

    async def body():
        teacher, student, _ = await join_both(a.host, lesson.pk, teacher_key, student_key)
        await teacher.send_json_to({"action": "show", "item": items["audio"].pk})
        await teacher.receive_json_from(timeout=TIMEOUT)
        await student.receive_json_from(timeout=TIMEOUT)
        received = []
        for state, position in (("play", 0), ("seek", 42.5), ("pause", 43.0)):
            await teacher.send_json_to({"action": "media", "state": state, "position": position})
            received.append(await student.receive_json_from(timeout=TIMEOUT))
        await teacher.send_json_to({"action": "media", "state": "play", "position": 10})
        await student.receive_json_from(timeout=TIMEOUT)
        teacher_heard_itself = await teacher.receive_nothing(timeout=0.2)
        late, current = await join(a.host, lesson.pk, student_key)
        for socket in (teacher, student, late):
            await socket.disconnect()
        return received, teacher_heard_itself, current

    received, teacher_heard_nothing, current = async_to_sync(body)()

    assert received == [{"type": "media", "playing": True, "position": 0.0},
                        {"type": "media", "playing": True, "position": 42.5},
                        {"type": "media", "playing": False, "position": 43.0}]
    assert teacher_heard_nothing
    assert current["playing"] is True and 10.0 <= current["position"] < 12.0


@pytest.mark.parametrize(("message", "code"), [
    ({"action": "show", "item": "1"}, "invalid_message"),
    ({"action": "show", "item": 10**9}, "unknown_item"),
    ({"action": "dance"}, "unknown_action"),
    ([1, 2], "invalid_message"),
    ({"action": "media", "state": "play", "position": -1}, "invalid_media"),
    ({"action": "media", "state": "rewind", "position": 1}, "invalid_media"),
    ({"action": "media", "state": "play", "position": 3}, "no_media"),  # a picture is on the stage
])
def test_bad_messages_get_an_error_and_change_nothing(committed_cast, room, login, message, code):
    a = committed_cast.a
    lesson, items = room
    teacher_key = login(a, a.teacher)

    async def body():
        teacher, _ = await join(a.host, lesson.pk, teacher_key)
        await teacher.send_json_to({"action": "show", "item": items["image"].pk})
        await teacher.receive_json_from(timeout=TIMEOUT)
        await teacher.send_json_to(message)
        reply = await teacher.receive_json_from(timeout=TIMEOUT)
        await teacher.disconnect()
        return reply

    reply = async_to_sync(body)()

    assert reply["type"] == "error" and reply["code"] == code and reply["message"]
    with schema_context(a.school.schema_name):
        stage = Stage.objects.get(lesson_id=lesson.pk)
        assert (stage.material_id, stage.playing, stage.position) == (items["image"].material_id, False, 0.0)


def test_a_page_past_the_pdfs_end_and_an_item_of_another_lessons_plan_are_refused(committed_cast, room, login):
    a = committed_cast.a
    lesson, items = room
    with schema_context(a.school.schema_name):
        other = make_lesson(a, student=a.student2, starts_in=timedelta(days=1))
        foreign = item_add(plan=plan_create(owner=a.teacher, lesson=other, title="Other"), by=a.teacher,
                           kind="text", title="Other's", text="x")
    connection.set_schema_to_public()
    teacher_key = login(a, a.teacher)

    async def body():
        teacher, _ = await join(a.host, lesson.pk, teacher_key)
        await teacher.send_json_to({"action": "show", "item": items["pdf"].pk, "page": 3})
        past_end = await teacher.receive_json_from(timeout=TIMEOUT)
        await teacher.send_json_to({"action": "show", "item": foreign.pk})
        foreign_reply = await teacher.receive_json_from(timeout=TIMEOUT)
        await teacher.disconnect()
        return past_end, foreign_reply

    try:
        past_end, foreign_reply = async_to_sync(body)()
    finally:
        with schema_context(a.school.schema_name):
            other.delete()
            foreign.material.delete()
            other.enrollment.delete()
        connection.set_schema_to_public()

    assert past_end["code"] == "unknown_page"
    assert foreign_reply["code"] == "unknown_item"


def test_oversized_and_flooding_messages_are_refused(committed_cast, room, login):
    a = committed_cast.a
    lesson, items = room
    teacher_key = login(a, a.teacher)

    async def body():
        teacher, _ = await join(a.host, lesson.pk, teacher_key)
        await teacher.send_to(text_data='{"action": "clear", "pad": "' + "x" * MAX_MESSAGE_BYTES + '"}')
        too_large = await teacher.receive_json_from(timeout=TIMEOUT)
        codes = []
        for _ in range(MAX_PER_SECOND + 1):
            await teacher.send_json_to({"action": "dance"})
            codes.append((await teacher.receive_json_from(timeout=TIMEOUT))["code"])
        await teacher.disconnect()
        return too_large, codes

    too_large, codes = async_to_sync(body)()

    assert too_large["code"] == "too_large"
    assert codes[-1] == "rate_limited" and "rate_limited" not in codes[:MAX_PER_SECOND - 1]


def test_people_without_a_seat_are_refused_and_so_is_a_closed_room(committed_cast, room, login):
    a, b = committed_cast.a, committed_cast.b
    lesson, _items = room

    assert async_to_sync(refusal)(a.host, lesson.pk, login(a, a.student2)) == CLOSE_NO_SEAT
    assert async_to_sync(refusal)(a.host, lesson.pk, login(a, a.manager)) == CLOSE_NO_SEAT
    assert async_to_sync(refusal)(b.host, lesson.pk, login(b, b.teacher)) == CLOSE_NO_SEAT
    with schema_context(a.school.schema_name):
        from tenant_apps.scheduling.models import Lesson

        Lesson.objects.filter(pk=lesson.pk).update(status=Lesson.Status.HELD)
    connection.set_schema_to_public()
    assert async_to_sync(refusal)(a.host, lesson.pk, login(a, a.teacher)) == CLOSE_ROOM_CLOSED


def test_a_word_added_over_http_reaches_both_stages(seats):
    a, lesson, _items, teacher_key, student_key = seats
    client = Client(HTTP_HOST=a.host)
    client.cookies["sessionid"] = teacher_key

    async def body():
        teacher, student, _ = await join_both(a.host, lesson.pk, teacher_key, student_key)
        response = await sync_to_async(client.post)(f"/lessons/{lesson.pk}/stage/words/",
                                                    {"word": "hello", "translation": "привет"})
        seen = await student.receive_json_from(timeout=TIMEOUT)
        await teacher.disconnect()
        await student.disconnect()
        return response.status_code, seen

    status, seen = async_to_sync(body)()

    assert status == 201
    assert seen["type"] == "word" and seen["word"]["word"] == "hello"


def test_clearing_the_stage_empties_it_for_the_student_and_for_a_late_joiner(seats):
    a, lesson, items, teacher_key, student_key = seats

    async def body():
        teacher, student, _ = await join_both(a.host, lesson.pk, teacher_key, student_key)
        await teacher.send_json_to({"action": "show", "item": items["text"].pk})
        shown = await student.receive_json_from(timeout=TIMEOUT)
        await teacher.send_json_to({"action": "clear"})
        cleared = await student.receive_json_from(timeout=TIMEOUT)
        late, current = await join(a.host, lesson.pk, student_key)
        for socket in (teacher, student, late):
            await socket.disconnect()
        return shown, cleared, current

    shown, cleared, current = async_to_sync(body)()

    assert shown["item"]["html"] == "<b>Once</b>"
    assert cleared == current == {"type": "stage", "item": None}


def test_the_teacher_pushes_a_library_material_found_mid_lesson_but_not_a_colleagues_private_one(seats):
    from tenant_apps.materials.library import material_create

    a, lesson, _items, teacher_key, student_key = seats
    with schema_context(a.school.schema_name):
        found = material_create(owner=a.teacher2, kind="text", title="Phrasal verbs", text="get up", shared=True)
        private = material_create(owner=a.teacher2, kind="text", title="Draft", text="mine")
    connection.set_schema_to_public()

    async def body():
        teacher, student, _ = await join_both(a.host, lesson.pk, teacher_key, student_key)
        await teacher.send_json_to({"action": "show", "material": found.pk})
        seen = await student.receive_json_from(timeout=TIMEOUT)
        await teacher.receive_json_from(timeout=TIMEOUT)
        await teacher.send_json_to({"action": "show", "material": private.pk})
        refused = await teacher.receive_json_from(timeout=TIMEOUT)
        for socket in (teacher, student):
            await socket.disconnect()
        return seen, refused

    seen, refused = async_to_sync(body)()

    assert seen["item"]["id"] == found.pk and seen["item"]["html"] == "<p>get up</p>"
    assert refused["code"] == "unknown_item"
