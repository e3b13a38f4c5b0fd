"""The board's socket through the real ASGI stack: one shared document per room, validated, persisted, relayed.

Committed data (the consumer reads from worker threads); each test runs its async body with
`async_to_sync`, as tests/realtime does.
"""

import pytest
from asgiref.sync import async_to_sync
from channels.testing import WebsocketCommunicator
from django_tenants.utils import schema_context
from pycrdt import Array, Doc, Map, create_sync_message, create_update_message

from classroom.whiteboard import rooms, store
from classroom.whiteboard.models import Board, BoardUpdate
from config.asgi import application

pytestmark = pytest.mark.committed
TIMEOUT = 3


@pytest.fixture(autouse=True)
def in_memory_layer(settings):
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}


def socket(host, lesson, session_key=None) -> WebsocketCommunicator:
    headers = [(b"host", host.encode())]
    if session_key:
        headers.append((b"cookie", f"sessionid={session_key}".encode()))
    return WebsocketCommunicator(application, f"/ws/lessons/{lesson.pk}/board/", headers=headers)


class Client:
    """A browser's side of the protocol: its own Y document, synced with the server's."""

    def __init__(self, communicator):
        self.ws = communicator
        self.doc = Doc()
        self.elements = self.doc.get("elements", type=Map)
        self.control = self.doc.get("control", type=Map)
        self.pages = self.doc.get("pages", type=Array)

    async def open(self):
        connected, code = await self.ws.connect(timeout=TIMEOUT)
        assert connected, code
        first = await self.ws.receive_from(timeout=TIMEOUT)  # the server's sync step 1
        assert first[:2] == b"\x00\x00"
        await self.ws.send_to(bytes_data=create_sync_message(self.doc))
        step2 = await self.ws.receive_from(timeout=TIMEOUT)
        assert step2[:2] == b"\x00\x01"
        self.apply_message(step2)
        return self

    def apply_message(self, message: bytes):
        from pycrdt import Decoder

        decoder = Decoder(message)
        decoder.read_var_uint()
        decoder.read_var_uint()
        self.doc.apply_update(decoder.read_message())

    async def change(self, edit) -> bytes:
        """Make a change locally, send it as the browser would; returns the update."""
        before = self.doc.get_state()
        with self.doc.transaction():
            edit(self)
        update = self.doc.get_update(before)
        await self.ws.send_to(bytes_data=create_update_message(update))
        return update

    async def closed_with(self) -> int:
        output = await self.ws.receive_output(timeout=TIMEOUT)
        assert output["type"] == "websocket.close", output
        return output["code"]


def element(key, page="page-1", **extra):
    return {"id": key, "type": "rectangle", "x": 1, "y": 2, "width": 30, "height": 20, "version": 1,
            "customData": {"page": page}, **extra}


def draw(key, **extra):
    return lambda client: client.elements.__setitem__(key, element(key, **extra))


async def settle(communicator):
    """Wait until the server has handled what was sent (it answers a sync step 1 in order)."""
    await communicator.send_to(bytes_data=create_sync_message(Doc()))
    await communicator.receive_from(timeout=TIMEOUT)


def rows(school_cast, lesson) -> int:
    with schema_context(school_cast.school.schema_name):
        return BoardUpdate.objects.filter(board__lesson=lesson).count()


def stored_doc(school_cast, lesson) -> Doc:
    with schema_context(school_cast.school.schema_name):
        return store.load_doc(lesson.pk)


def stored_elements(school_cast, lesson) -> dict:
    return stored_doc(school_cast, lesson).get("elements", type=Map).to_py() or {}


def test_a_stroke_is_persisted_then_relayed_and_a_late_joiner_alone_gets_the_whole_board(
    committed_cast, lessons, login
):
    a = committed_cast.a
    lesson = lessons()
    teacher_key, student_key = login(a, a.teacher), login(a, a.student)

    async def body():
        teacher = await Client(socket(a.host, lesson, teacher_key)).open()
        student = await Client(socket(a.host, lesson, student_key)).open()
        await student.change(draw("s1"))
        relayed = await teacher.ws.receive_from(timeout=TIMEOUT)
        persisted_when_relayed = rows(a, lesson)
        teacher.apply_message(relayed)
        await teacher.change(draw("t1"))
        student.apply_message(await student.ws.receive_from(timeout=TIMEOUT))
        await teacher.ws.disconnect()
        await student.ws.disconnect()
        # Nobody online now: the room left memory. A late joiner loads it from the database.
        assert rooms.get(f"{a.school.schema_name}.lesson.{lesson.pk}.board") is None
        late = await Client(socket(a.host, lesson, student_key)).open()
        seen = late.elements.to_py()
        await late.ws.disconnect()
        return persisted_when_relayed, teacher.elements.to_py(), student.elements.to_py(), seen

    persisted, teacher_sees, student_sees, late_sees = async_to_sync(body)()
    assert persisted == 1
    assert set(teacher_sees) == set(student_sees) == set(late_sees) == {"s1", "t1"}
    assert late_sees["t1"]["customData"] == {"page": "page-1"}


def test_after_a_server_restart_the_document_is_intact_and_rows_are_compacted(committed_cast, lessons, login):
    a = committed_cast.a
    lesson = lessons()
    teacher_key = login(a, a.teacher)

    async def body():
        teacher = await Client(socket(a.host, lesson, teacher_key)).open()
        await teacher.change(lambda c: (c.pages.append("page-1"), c.control.__setitem__("page", "page-1")))
        for number in range(5):
            await teacher.change(draw(f"e{number}"))
        await settle(teacher.ws)
        # A "restart": this process's rooms vanish while the socket is still open; new consumers start from the DB.
        rooms.forget_all()
        again = await Client(socket(a.host, lesson, teacher_key)).open()
        seen = again.elements.to_py(), again.pages.to_py()
        await again.ws.disconnect()
        await teacher.ws.disconnect()
        return seen

    elements, pages = async_to_sync(body)()
    assert set(elements) == {f"e{n}" for n in range(5)} and pages == ["page-1"]
    # The last one out compacted the rows into the board's state; nothing was lost.
    assert rows(a, lesson) == 0
    with schema_context(a.school.schema_name):
        assert Board.objects.get(lesson=lesson).element_count == 5
    assert set(stored_elements(a, lesson)) == {f"e{n}" for n in range(5)}


def test_an_oversized_update_is_refused_and_changes_nothing(committed_cast, lessons, login, settings):
    a = committed_cast.a
    lesson = lessons()
    settings.WHITEBOARD_MAX_MESSAGE_BYTES = 4096
    key = login(a, a.teacher)

    async def body():
        teacher = await Client(socket(a.host, lesson, key)).open()
        await teacher.change(draw("small"))
        await settle(teacher.ws)
        await teacher.change(draw("big", text="x" * 5000))
        code = await teacher.closed_with()
        return code

    assert async_to_sync(body)() == 4413
    assert set(stored_elements(a, lesson)) == {"small"}


@pytest.mark.parametrize(
    "message",
    [
        b"\x00\x02\x05\x01\x02",  # an update message whose update is cut short
        b"\x00\x02\x08" + b"\xff" * 8,  # an update that is not Yjs at all
        b"\x00\x07\x00",  # an unknown sync message
    ],
)
def test_a_malformed_update_is_refused_and_changes_nothing(committed_cast, lessons, login, message):
    a = committed_cast.a
    lesson = lessons()
    key = login(a, a.teacher)

    async def body():
        teacher = await Client(socket(a.host, lesson, key)).open()
        await teacher.change(draw("kept"))
        await settle(teacher.ws)
        await teacher.ws.send_to(bytes_data=message)
        code = await teacher.closed_with()
        room = rooms.get(f"{a.school.schema_name}.lesson.{lesson.pk}.board")
        return code, room.doc.get("elements", type=Map).to_py() if room else None

    code, in_memory = async_to_sync(body)()
    assert code == 4400
    assert set(stored_elements(a, lesson)) == {"kept"}


def test_shapes_the_board_does_not_know_are_refused(committed_cast, lessons, login):
    a = committed_cast.a
    lesson = lessons()
    key = login(a, a.teacher)

    async def body():
        codes = []
        for edit in (
            lambda c: c.doc.get("elsewhere", type=Map).__setitem__("x", 1),  # an unknown root
            lambda c: c.elements.__setitem__("e", {"id": "other", "type": "rectangle", "customData": {"page": "p"}}),
            lambda c: c.elements.__setitem__("e", element("e", type="embeddable")),  # an iframe to anywhere
            lambda c: c.doc.get("files", type=Map).__setitem__(
                "f", {"url": "https://evil.test/x.png", "mimeType": "image/png"}
            ),
        ):
            client = await Client(socket(a.host, lesson, key)).open()
            await client.change(edit)
            codes.append(await client.closed_with())
        return codes

    assert async_to_sync(body)() == [4400, 4400, 4400, 4400]
    assert rows(a, lesson) == 0


def test_a_student_cannot_lock_follow_change_pages_or_clear(committed_cast, lessons, login):
    a = committed_cast.a
    lesson = lessons()
    teacher_key, student_key = login(a, a.teacher), login(a, a.student)

    async def body():
        teacher = await Client(socket(a.host, lesson, teacher_key)).open()
        await teacher.change(lambda c: c.pages.append("page-1"))
        for number in range(3):
            await teacher.change(draw(f"t{number}"))
        await settle(teacher.ws)
        codes = []
        for edit in (
            lambda c: c.control.__setitem__("lock", True),
            lambda c: c.control.__setitem__("follow", True),
            lambda c: c.pages.append("page-2"),
            lambda c: [c.elements.pop(key) for key in list(c.elements.keys())],  # the leader's "clear"
        ):
            student = await Client(socket(a.host, lesson, student_key)).open()
            await student.change(edit)
            codes.append(await student.closed_with())
        room = rooms.get(f"{a.school.schema_name}.lesson.{lesson.pk}.board")
        in_memory = room.doc.get("elements", type=Map).to_py(), room.doc.get("control", type=Map).to_py()
        await teacher.ws.disconnect()
        return codes, in_memory

    codes, (elements, control) = async_to_sync(body)()
    assert codes == [4403, 4403, 4403, 4403]
    assert set(elements) == {"t0", "t1", "t2"} and not control
    doc = stored_doc(a, lesson)
    assert doc.get("pages", type=Array).to_py() == ["page-1"]
    assert not doc.get("control", type=Map).to_py()
    assert set(doc.get("elements", type=Map).to_py()) == {"t0", "t1", "t2"}


def test_a_student_cannot_draw_while_locked_and_can_again_after(committed_cast, lessons, login):
    a = committed_cast.a
    lesson = lessons()
    teacher_key, student_key = login(a, a.teacher), login(a, a.student)

    async def body():
        teacher = await Client(socket(a.host, lesson, teacher_key)).open()
        await teacher.change(lambda c: c.control.__setitem__("lock", True))
        await settle(teacher.ws)
        student = await Client(socket(a.host, lesson, student_key)).open()
        await student.change(draw("while-locked"))
        refused = await student.closed_with()
        await teacher.change(lambda c: c.control.__setitem__("lock", False))
        await settle(teacher.ws)
        student = await Client(socket(a.host, lesson, student_key)).open()
        await student.change(draw("after"))
        await settle(student.ws)
        await student.ws.disconnect()
        await teacher.ws.disconnect()
        return refused

    assert async_to_sync(body)() == 4403
    assert set(stored_elements(a, lesson)) == {"after"}


def test_a_student_may_erase_a_few_strokes_but_not_a_whole_page(committed_cast, lessons, login):
    a = committed_cast.a
    lesson = lessons()
    teacher_key, student_key = login(a, a.teacher), login(a, a.student)

    async def body():
        teacher = await Client(socket(a.host, lesson, teacher_key)).open()
        await teacher.change(lambda c: [c.elements.__setitem__(f"t{n}", element(f"t{n}")) for n in range(60)])
        await settle(teacher.ws)
        student = await Client(socket(a.host, lesson, student_key)).open()
        await student.change(lambda c: c.elements.__setitem__("t0", element("t0", isDeleted=True, version=2)))
        await settle(student.ws)
        await student.change(lambda c: [c.elements.__setitem__(f"t{n}", element(f"t{n}", isDeleted=True, version=2))
                                        for n in range(1, 60)])
        code = await student.closed_with()
        await teacher.ws.disconnect()
        return code

    assert async_to_sync(body)() == 4403
    elements = stored_elements(a, lesson)
    assert [key for key, value in elements.items() if value.get("isDeleted")] == ["t0"]


@pytest.mark.parametrize("who", ["anonymous", "teacher2", "beta_student", "far_future"])
def test_people_outside_the_lesson_are_refused(committed_cast, lessons, login, who):
    a, b = committed_cast.a, committed_cast.b
    from datetime import timedelta

    lesson = lessons(starts_in=timedelta(days=2)) if who == "far_future" else lessons()
    key = {
        "anonymous": None,
        "teacher2": login(a, a.teacher2),
        "beta_student": login(b, b.student),  # a session of school B names nobody in school A
        "far_future": login(a, a.teacher),  # the room opens 15 minutes before the lesson
    }[who]

    async def body():
        communicator = socket(a.host, lesson, key)
        connected, code = await communicator.connect(timeout=TIMEOUT)
        await communicator.disconnect()
        return connected, code

    connected, code = async_to_sync(body)()
    assert not connected
    assert code == (4401 if who in ("anonymous", "beta_student") else 4403)


def test_too_many_messages_too_fast_are_refused(committed_cast, lessons, login, settings):
    a = committed_cast.a
    lesson = lessons()
    settings.WHITEBOARD_RATE = (1, 5)
    key = login(a, a.teacher)

    async def body():
        teacher = Client(socket(a.host, lesson, key))
        await teacher.open()  # one message so far
        for number in range(5):
            await teacher.change(draw(f"e{number}"))
        return await teacher.closed_with()

    assert async_to_sync(body)() == 4429
    assert set(stored_elements(a, lesson)) == {"e0", "e1", "e2", "e3"}


def test_compaction_keeps_a_row_that_committed_after_it_with_a_lower_id(committed_cast, lessons):
    """Rows get ids when inserted but become visible when committed: a late commit must not be skipped."""
    a = committed_cast.a
    lesson = lessons()
    client = Doc()
    elements = client.get("elements", type=Map)
    with schema_context(a.school.schema_name):
        updates = []
        for key in ("one", "two", "late"):
            before = client.get_state()
            elements[key] = element(key)
            updates.append(client.get_update(before))
        store.append(lesson.pk, updates[0], None)
        store.append(lesson.pk, updates[1], None)
        store.compact(lesson.pk)
        board = Board.objects.get(lesson=lesson)
        # The "late" row: an id below the compaction's mark, as a slow transaction would have had.
        BoardUpdate.objects.create(pk=board.compacted_through - 1, board=board, data=updates[2])
        assert set(store.load_doc(lesson.pk).get("elements", type=Map).to_py()) == {"one", "two", "late"}
        store.compact(lesson.pk)
        assert not BoardUpdate.objects.filter(board=board).exists()
        assert set(store.load_doc(lesson.pk).get("elements", type=Map).to_py()) == {"one", "two", "late"}


def test_an_update_queued_behind_a_refused_one_is_not_taken(committed_cast, lessons, login):
    a = committed_cast.a
    lesson = lessons()
    student_key = login(a, a.student)

    async def body():
        student = await Client(socket(a.host, lesson, student_key)).open()
        before = student.doc.get_state()
        with student.doc.transaction():
            student.control["lock"] = False  # refused: a student may not touch control
        refused = student.doc.get_update(before)
        before = student.doc.get_state()
        draw("after")(student)
        follow_up = student.doc.get_update(before)
        await student.ws.send_to(bytes_data=create_update_message(refused))
        await student.ws.send_to(bytes_data=create_update_message(follow_up))
        return await student.closed_with()

    assert async_to_sync(body)() == 4403
    assert stored_elements(a, lesson) == {} and rows(a, lesson) == 0
