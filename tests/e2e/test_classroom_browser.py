"""Two real browsers in one lesson room: the teacher and the student see and hear each other.

Chromium's fake camera and microphone feed the call; all media stays on loopback: an init script
drops every ICE candidate whose address is not 127.0.0.1 (both ways), and the test checks that the
selected candidate pair is 127.0.0.1 on both ends. The lesson is committed (the server is another
process) and removed again afterwards.
"""

import time
from datetime import timedelta

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from tests.classroom.conftest import make_paid_lesson, remove_lessons_of
from tests.classroom.netns import loopback_chromium
from tests.classroom.webrtc import CALL_STATS, LOOPBACK_ONLY, MEDIA_ARGS
from tests.e2e.conftest import CHROMIUM_ARGS, axe_violations, has_horizontal_scroll, wait_until

pytestmark = [pytest.mark.browser, pytest.mark.committed]


@pytest.fixture(scope="module")
def media_browser(server):
    """One Chromium for this module: a fake camera and microphone, and only the loopback interface to see.

    It runs in a network namespace of its own (tests/classroom/netns.py), so it cannot gather a
    candidate on the machine's network address at all; the init script and the assertions check it.
    """
    from playwright.sync_api import sync_playwright

    with loopback_chromium(server.port) as launcher, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=launcher, args=CHROMIUM_ARGS + MEDIA_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def lesson(committed_cast):
    """Alpha's student and teacher, a lesson that started 5 minutes ago (so the teacher may mark it)."""
    alpha = committed_cast.a
    with schema_context(alpha.school.schema_name):
        made = make_paid_lesson(alpha, starts_in=-timedelta(minutes=5))
    connection.set_schema_to_public()
    try:
        yield made
    finally:
        with schema_context(alpha.school.schema_name):
            remove_lessons_of([made.enrollment_id])
        connection.set_schema_to_public()


@pytest.fixture
def sessions(committed_cast, committed_login):
    """`sessions(user)`: a committed login session key of an alpha user (removed afterwards)."""
    return lambda user: committed_login(committed_cast.a, user)


def open_room(browser, server, host, session_key, lesson, **context_options):
    context = browser.new_context(locale="en-US", timezone_id="Europe/Moscow", **context_options)
    context.add_cookies([{"name": "sessionid", "value": session_key, "url": server.url(host, "/")}])
    context.add_init_script(LOOPBACK_ONLY)
    page = context.new_page()
    page.goto(server.url(host, f"/lessons/{lesson.pk}/room/"))
    return context, page


DIAGNOSIS = """
() => ({
  pcs: window.__pcs.map((pc) => [pc.connectionState, pc.iceConnectionState, pc.signalingState]),
  state: document.querySelector("[data-call-state]").dataset.callState,
  presence: document.querySelector("[data-presence-text]").textContent,
  marks: performance.getEntriesByType("mark").map((m) => `${m.name} ${Math.round(m.startTime)}`),
})
"""


def wait_connected(*pages, timeout=15000):
    """Both pages show "Connected"; if not, the failure says what each page's connections were doing."""
    try:
        for page in pages:
            page.wait_for_selector('[data-call-state="connected"]', timeout=timeout)
    except Exception as error:
        raise AssertionError([page.evaluate(DIAGNOSIS) for page in pages]) from error


def wait_for(page, predicate, timeout=15.0, every=0.1):
    """Poll the call's figures until `predicate(stats)` holds (wait_for_function cannot await getStats)."""
    deadline = time.monotonic() + timeout
    stats = None
    while time.monotonic() < deadline:
        stats = page.evaluate(CALL_STATS)
        if stats and predicate(stats):
            return stats
        time.sleep(every)
    raise AssertionError(f"not reached in {timeout}s: {stats}")


def room_axe_violations(page) -> list[dict]:
    """axe on the whole room, the live board included (once Excalidraw has drawn its controls)."""
    page.wait_for_selector(".room-board [data-board][data-board-state=connected] .excalidraw canvas", timeout=15000)
    return axe_violations(page)


def assert_loopback_pair(one: dict, other: dict) -> None:
    """Each side's selected pair runs from its own 127.0.0.1 to the other side's 127.0.0.1.

    A remote candidate first learned from a connectivity check (peer-reflexive) has its address
    hidden by Chromium's getStats; its port is the other side's local port, which is on 127.0.0.1.
    """
    for near, far in ((one, other), (other, one)):
        assert near["local"]["address"] == "127.0.0.1", near
        assert near["remote"]["port"] == far["local"]["port"], (near, far)
        assert near["remote"]["address"] in ("127.0.0.1", "") and near["remote"]["type"] in ("host", "prflx")
        assert set(near["remoteAddresses"]) <= {"127.0.0.1", ""}


def test_teacher_and_student_see_each_other_over_loopback_chat_recover_from_a_reload_and_end_the_lesson(
    server, media_browser, committed_cast, lesson, sessions
):
    alpha = committed_cast.a
    teacher_context, teacher = open_room(media_browser, server, alpha.host, sessions(alpha.teacher), lesson)
    student_context, student = open_room(media_browser, server, alpha.host, sessions(alpha.student), lesson)
    try:
        # The device check: the camera preview plays and the microphone meter is there.
        for page in (teacher, student):
            wait_until(page, "document.querySelector('[data-preview]').videoWidth > 0", polling=100)
            assert page.get_by_label("Microphone level").is_visible()
            assert page.get_by_label("Camera").locator("option").count() >= 1
        assert student.locator("[data-presence-text]").inner_text() == (
            "Tom Teacher is checking their camera and microphone")

        teacher.get_by_role("button", name="Join the lesson").click()
        student.get_by_role("button", name="Join the lesson").click()

        wait_connected(teacher, student)
        assert teacher.locator("[data-presence-text]").inner_text() == "Sam Student is in the call"
        teacher_stats, student_stats = (wait_for(page, lambda s: s["frames"] >= 30) for page in (teacher, student))
        assert_loopback_pair(teacher_stats, student_stats)
        assert room_axe_violations(teacher) == []

        # Chat beside the call, links clickable, kept with the lesson.
        student.get_by_role("textbox", name="Message").fill("Here is my essay: https://example.com/essay")
        student.get_by_role("textbox", name="Message").press("Enter")
        link = teacher.locator(".chat-lines").get_by_role("link", name="https://example.com/essay")
        link.wait_for()
        assert link.get_attribute("href") == "https://example.com/essay"
        assert student.locator(".chat-mine .chat-text").inner_text() == "Here is my essay: https://example.com/essay"

        # Mute and camera off show on the other side.
        student.get_by_role("button", name="Mute").click()
        wait_until(teacher,
            "document.querySelector('[data-peer-flags]').textContent.includes('muted the microphone')", polling=100)
        student.get_by_role("button", name="Unmute").click()

        # The student reloads: back in the call by itself (no device check), the teacher sees new frames.
        connections_before = teacher.evaluate("window.__pcs.length")
        reloaded_at = time.monotonic()
        student.reload()
        wait_connected(student, timeout=5000)
        wait_for(teacher, lambda s: s["count"] > connections_before and s["state"] == "connected", timeout=5)
        assert time.monotonic() - reloaded_at < 5
        after = wait_for(teacher, lambda s: s["frames"] >= 30)
        assert_loopback_pair(after, wait_for(student, lambda s: s["frames"] >= 1))
        assert student.locator(".chat-text").first.inner_text().startswith("Here is my essay")

        # A network change (here: the browser's "online" event) restarts ICE: new credentials, still connected.
        ufrag = "() => window.__pcs[window.__pcs.length - 1].localDescription.sdp.match(/a=ice-ufrag:(\\S+)/)[1]"
        before = (teacher.evaluate(ufrag), student.evaluate(ufrag))
        frames_before = wait_for(teacher, lambda s: True)["frames"]
        teacher.evaluate("window.dispatchEvent(new Event('online'))")
        wait_until(teacher, f"({ufrag})() !== {before[0]!r}", polling=100, timeout=10000)
        wait_until(student, f"({ufrag})() !== {before[1]!r}", polling=100, timeout=10000)
        wait_for(teacher, lambda s: s["state"] == "connected" and s["frames"] >= frames_before + 30)

        # The teacher ends the lesson from the room and marks it held; both rooms close.
        teacher.get_by_role("button", name="End the lesson").click()
        teacher.get_by_label("The lesson was held").check()
        teacher.get_by_role("button", name="End and mark the lesson").click()
        for page in (teacher, student):
            page.get_by_text("The lesson is over and marked as held.").wait_for()
        assert student.locator("[data-call-state]").get_attribute("data-call-state") == "closed"
    finally:
        teacher_context.close()
        student_context.close()

    from tenant_apps.scheduling.models import Lesson

    with schema_context(alpha.school.schema_name):
        marked = Lesson.objects.get(pk=lesson.pk)
        assert (marked.status, marked.marked_by_id) == (Lesson.Status.HELD, alpha.teacher.pk)
    connection.set_schema_to_public()


# A computer without a camera: every request for video fails as it would there.
NO_CAMERA = """
(() => {
  const original = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
  navigator.mediaDevices.getUserMedia = (constraints) => constraints && constraints.video
    ? Promise.reject(new DOMException("Requested device not found", "NotFoundError"))
    : original(constraints);
})();
"""

AUDIO_IN = """
async () => {
  const pc = window.__pcs[window.__pcs.length - 1];
  let packets = 0;
  (await pc.getStats()).forEach((r) => {
    if (r.type === "inbound-rtp" && r.kind === "audio") packets += r.packetsReceived;
  });
  return packets;
}
"""


def test_without_a_camera_the_student_joins_with_sound_only(server, media_browser, committed_cast, lesson, sessions):
    alpha = committed_cast.a
    teacher_context, teacher = open_room(media_browser, server, alpha.host, sessions(alpha.teacher), lesson)
    student_context = media_browser.new_context(locale="en-US", timezone_id="Europe/Moscow")
    student_context.add_cookies([{"name": "sessionid", "value": sessions(alpha.student),
                                  "url": server.url(alpha.host, "/")}])
    student_context.add_init_script(LOOPBACK_ONLY)
    student_context.add_init_script(NO_CAMERA)
    student = student_context.new_page()
    student.goto(server.url(alpha.host, f"/lessons/{lesson.pk}/room/"))
    try:
        student.get_by_text("No camera could be used: you are in the call with sound only.").wait_for()
        for page in (teacher, student):
            page.get_by_role("button", name="Join the lesson").click()
        wait_connected(teacher, student)
        # The student sees the teacher; the teacher hears the student and sees "camera off".
        wait_for(student, lambda s: s["frames"] >= 10)
        deadline = time.monotonic() + 10
        while teacher.evaluate(AUDIO_IN) < 20 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert teacher.evaluate(AUDIO_IN) >= 20
        assert "Sam Student has turned the camera off" in teacher.locator("[data-peer-flags]").inner_text()
        assert student.get_by_role("button", name="Turn camera on").is_visible()
    finally:
        teacher_context.close()
        student_context.close()


def test_the_room_fits_a_phone_and_passes_axe_before_joining(server, media_browser, committed_cast, lesson, sessions):
    alpha = committed_cast.a
    context, page = open_room(media_browser, server, alpha.host, sessions(alpha.student), lesson,
                              viewport={"width": 375, "height": 812})
    try:
        wait_until(page, "document.querySelector('[data-preview]').videoWidth > 0", polling=100)
        assert not has_horizontal_scroll(page)
        assert room_axe_violations(page) == []
        # On a phone the device check comes first, above the board.
        lobby_top = page.locator("[data-lobby]").bounding_box()["y"]
        board_top = page.locator(".room-board").bounding_box()["y"]
        assert lobby_top < board_top
    finally:
        context.close()
