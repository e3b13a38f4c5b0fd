"""The stage in two real browsers: the teacher shows a prepared picture and a PDF uploaded mid-lesson,
plays a video, and adds a word; the student's room follows within a second, and the word is in the
student's dictionary.

The lesson and its plan are committed (the server is another process) and removed afterwards; the
uploads go to a folder of this module's own (PRIVATE_MEDIA_ROOT of the server and of this process).
"""

import base64
import time

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from tests.e2e.conftest import (
    AXE_SCRIPT,
    CHROMIUM,
    CHROMIUM_ARGS,
    has_horizontal_scroll,
    running_server,
    wait_until,
)
from tests.materials.conftest import make_lesson, pdf_bytes, png_bytes, upload

pytestmark = [pytest.mark.browser, pytest.mark.committed]

# Fake devices so the room's device check finds a camera; media may play without a click.
ARGS = CHROMIUM_ARGS + ["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
                        "--autoplay-policy=no-user-gesture-required"]
SHOWN_WITHIN_MS = 1000

# A two-second WebM recorded from a canvas in the page (the machine has no video encoder of its own).
RECORD_WEBM = """
async () => {
  const canvas = Object.assign(document.createElement("canvas"), {width: 160, height: 120});
  const ctx = canvas.getContext("2d");
  const stream = canvas.captureStream(25);
  const recorder = new MediaRecorder(stream, {mimeType: "video/webm"});
  const chunks = [];
  recorder.ondataavailable = (e) => chunks.push(e.data);
  let frame = 0;
  const timer = setInterval(() => { ctx.fillStyle = `hsl(${(frame++ * 15) % 360} 80% 50%)`;
                                    ctx.fillRect(0, 0, 160, 120); }, 40);
  recorder.start();
  await new Promise((resolve) => setTimeout(resolve, 2000));
  recorder.stop();
  await new Promise((resolve) => { recorder.onstop = resolve; });
  clearInterval(timer);
  const bytes = new Uint8Array(await new Blob(chunks).arrayBuffer());
  let binary = "";
  bytes.forEach((b) => { binary += String.fromCharCode(b); });
  return btoa(binary);
}
"""


@pytest.fixture(scope="module")
def private_root(tmp_path_factory):
    return tmp_path_factory.mktemp("private")


@pytest.fixture(scope="module")
def stage_server(django_db_setup, django_db_blocker, private_root):
    with running_server(django_db_blocker, PRIVATE_MEDIA_ROOT=str(private_root)) as started:
        yield started


@pytest.fixture(scope="module")
def stage_browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def prepared(committed_cast, private_root, settings):
    """A lesson starting in 5 minutes whose plan holds a prepared picture."""
    from tenant_apps.materials.models import LessonPlan
    from tenant_apps.materials.services import item_add, plan_create

    settings.PRIVATE_MEDIA_ROOT = private_root
    alpha = committed_cast.a
    with schema_context(alpha.school.schema_name):
        lesson = make_lesson(alpha)
        plan = plan_create(owner=alpha.teacher, lesson=lesson, title="Past Simple", topic="Holidays",
                           topic_shared=True)
        picture = item_add(plan=plan, by=alpha.teacher, kind="image", title="Beach picture",
                           upload=upload("beach.png", png_bytes(400, 300, (30, 120, 200))))
        template = plan_create(owner=alpha.teacher, title="Warm-ups")
        item_add(plan=template, by=alpha.teacher, kind="text", title="Warm-up",
                 text="<p>Where did you go <b>last summer</b>?</p><script>window.__owned = true</script>")
    connection.set_schema_to_public()
    yield lesson, picture
    with schema_context(alpha.school.schema_name):
        from tenant_apps.learning.models import Enrollment
        from tenant_apps.scheduling.models import Lesson

        Lesson.objects.filter(pk=lesson.pk).delete()  # its plans, items, stage; its words keep no lesson
        LessonPlan.objects.filter(pk=template.pk).delete()
        from tenant_apps.vocabulary.models import Word

        Word.objects.filter(student=alpha.student, lesson__isnull=True).delete()
        Enrollment.objects.filter(pk=lesson.enrollment_id, lessons__isnull=True).delete()
    connection.set_schema_to_public()


@pytest.fixture
def sessions(committed_cast, committed_login):
    """`sessions(user)`: a committed login session key in alpha."""
    return lambda user: committed_login(committed_cast.a, user)


def open_page(browser, server, host, session_key, path, **options):
    context = browser.new_context(locale="en-US", timezone_id="Europe/Moscow", **options)
    context.add_cookies([{"name": "sessionid", "value": session_key, "url": server.url(host, "/")}])
    # Test-only: remember what the stage asked the board to insert.
    context.add_init_script("window.__boardImages = []; document.addEventListener('panda:board-add-image',"
                            " (e) => window.__boardImages.push(e.detail));")
    page = context.new_page()
    page.goto(server.url(host, path))
    return context, page


def stage_axe_violations(page) -> list[dict]:
    page.evaluate(AXE_SCRIPT.read_text())  # through DevTools: the page's CSP forbids inline scripts
    result = page.evaluate(
        "() => axe.run({include: [['[data-stage]'], ['.room-plan']]}, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
    )
    return [{"id": v["id"], "nodes": [n["target"] for n in v["nodes"]]} for v in result["violations"]]


def push_delay(teacher, student, selector) -> int:
    """Wait until the student's stage shows `selector`; the milliseconds from the teacher's click to the
    student's page drawing it (both pages stamp Date.now(): one machine, one clock)."""
    student.wait_for_selector(selector, timeout=SHOWN_WITHIN_MS + 4000)
    return int(student.evaluate("document.querySelector('[data-stage]').dataset.shownAt")) - int(
        teacher.evaluate("document.querySelector('[data-stage]').dataset.sentAt"))


def test_the_teacher_shows_prepared_and_new_materials_and_the_student_follows(
    stage_server, stage_browser, committed_cast, prepared, sessions, tmp_path
):
    alpha = committed_cast.a
    lesson, picture = prepared
    room = f"/lessons/{lesson.pk}/room/"
    teacher_context, teacher = open_page(stage_browser, stage_server, alpha.host, sessions(alpha.teacher), room,
                                         viewport={"width": 1366, "height": 900})
    student_context, student = open_page(stage_browser, stage_server, alpha.host, sessions(alpha.student), room,
                                         viewport={"width": 375, "height": 800})
    timings = {}
    try:
        for page in (teacher, student):
            page.wait_for_selector("[data-stage][data-live=true]", timeout=10000)
        assert student.locator("[data-plan-panel]").count() == 0

        # 1. A prepared picture: one click, the student sees it; the teacher's board is asked to insert it.
        teacher.get_by_role("button", name="Show Beach picture").click()
        timings["picture"] = push_delay(teacher, student, "[data-stage-view] img[alt='Beach picture']")
        assert teacher.evaluate("window.__boardImages") == [
            {"url": f"/materials/{picture.material_id}/file.png", "width": 400, "height": 300, "name": "Beach picture"}]
        # The teacher's board inserts it and syncs it to the student's board (classroom/whiteboard).
        student.wait_for_selector("[data-board][data-board-elements='1']", state="attached", timeout=5000)
        assert student.evaluate("window.pandaBoard.api.getSceneElements().map(e => e.type)") == ["image"]

        # 2. A PDF uploaded mid-lesson is pushed at once; turning its page follows too.
        pdf = tmp_path / "exercises.pdf"
        pdf.write_bytes(pdf_bytes(2))
        teacher.get_by_text("Add a new item and show it").click()
        teacher.get_by_label("Kind").select_option("pdf")
        teacher.get_by_label("Title").fill("New exercises")
        teacher.get_by_label("File").set_input_files(str(pdf))
        started = time.monotonic()
        teacher.get_by_role("button", name="Add and show").click()
        timings["pdf_pushed"] = push_delay(teacher, student, "[data-stage-view] img[alt='New exercises: Page 1 of 2']")
        timings["pdf_upload_render_and_push"] = int((time.monotonic() - started) * 1000)
        teacher.get_by_label("Page of New exercises").select_option("2")
        timings["pdf_page_2"] = push_delay(teacher, student, "[data-stage-view] img[alt='New exercises: Page 2 of 2']")
        assert student.evaluate("document.querySelector('[data-stage-view] img').naturalWidth") > 1000

        # A template brought into the lesson becomes another plan; its text goes on the stage, sanitised.
        teacher.get_by_label("Use a template in this lesson").select_option(label="Warm-ups")
        teacher.get_by_role("button", name="Add to this lesson").click()
        teacher.get_by_role("button", name="Show Warm-up").click()
        student.wait_for_selector(".stage-text b:has-text('last summer')", timeout=3000)
        assert student.evaluate("window.__owned") is None
        assert teacher.get_by_label("Plan", exact=True).locator("option").all_inner_texts() == [
            "Past Simple", "Warm-ups"]
        teacher.get_by_label("Plan", exact=True).select_option(label="Past Simple")

        # 3. A video, recorded in the page and uploaded mid-lesson, plays on both and pauses on both.
        webm = tmp_path / "clip.webm"
        webm.write_bytes(base64.b64decode(teacher.evaluate(RECORD_WEBM)))
        teacher.get_by_label("Kind").select_option("video")
        teacher.get_by_label("Title").fill("Clip")
        teacher.get_by_label("File").set_input_files(str(webm))
        teacher.get_by_role("button", name="Add and show").click()
        student.wait_for_selector("[data-stage-view] video[aria-label='Clip']", timeout=5000)
        wait_until(teacher, "document.querySelector('[data-stage-view] video')?.readyState >= 1")
        teacher.evaluate("document.querySelector('[data-stage-view] video').play()")
        for page in (teacher, student):
            wait_until(page,
                "(() => { const v = document.querySelector('[data-stage-view] video');"
                " return v && !v.paused && v.currentTime > 0.3; })()", timeout=5000)
        teacher.evaluate("document.querySelector('[data-stage-view] video').pause()")
        wait_until(student, "document.querySelector('[data-stage-view] video').paused", timeout=3000)
        assert student.locator("[data-media-state]").inner_text() == "Paused"
        assert not student.get_by_role("button", name="Press to play along").is_visible()  # it played by itself

        # 4. A late joiner (the student reloads) sees what is on the stage now.
        student.reload()
        student.wait_for_selector("[data-stage-view] video[aria-label='Clip']", timeout=5000)
        wait_until(student, "document.querySelector('[data-media-state]').textContent === 'Paused'")
        assert not student.get_by_role("button", name="Press to play along").is_visible()

        # 5. The teacher adds a word; it appears in the student's room and then in their dictionary.
        teacher.get_by_text("Words of this lesson").click()
        teacher.get_by_label("Word or phrase", exact=True).fill("sunburn")
        teacher.get_by_label("Translation").fill("солнечный ожог")
        teacher.get_by_label("Example (optional)").fill("I got a sunburn on the beach.")
        teacher.get_by_role("button", name="Add to the dictionary").click()
        student.wait_for_selector("[data-word-list] li:has-text('sunburn')", state="attached", timeout=3000)
        assert student.locator("[data-word-count]").inner_text() == "1"

        assert stage_axe_violations(teacher) == []
        assert stage_axe_violations(student) == []
        assert not has_horizontal_scroll(student)

        # 6. The teacher clears the stage: the student's empties and the video is gone with it.
        teacher.get_by_role("button", name="Clear the stage").click()
        student.wait_for_selector("[data-stage-view][data-state=empty]", timeout=3000)
        assert student.locator("[data-stage-view]").inner_text() == "Nothing on the stage yet."
        assert student.locator("[data-stage-view] video").count() == 0

        student.goto(stage_server.url(alpha.host, "/student/dictionary/"))
        row = student.locator("li.entry", has_text="sunburn")
        assert "солнечный ожог" in row.inner_text() and "I got a sunburn on the beach." in row.inner_text()
    finally:
        teacher_context.close()
        student_context.close()
    print("stage timings, ms:", {key: round(value) for key, value in timings.items()})
    assert timings["picture"] < SHOWN_WITHIN_MS
    assert timings["pdf_pushed"] < SHOWN_WITHIN_MS
    assert timings["pdf_page_2"] < SHOWN_WITHIN_MS


def test_the_teacher_prepares_a_plan_in_the_browser_and_every_materials_page_passes_axe_at_phone_width(
    stage_server, stage_browser, committed_cast, prepared, sessions, tmp_path
):
    from tests.e2e.conftest import axe_violations

    alpha = committed_cast.a
    lesson, _picture = prepared
    phone = {"viewport": {"width": 375, "height": 800}}
    teacher_context, teacher = open_page(stage_browser, stage_server, alpha.host, sessions(alpha.teacher),
                                         "/teacher/materials/", **phone)
    student_context, student = open_page(stage_browser, stage_server, alpha.host, sessions(alpha.student),
                                         "/student/lesson-plan/", **phone)
    try:
        assert axe_violations(teacher) == [] and not has_horizontal_scroll(teacher)
        teacher.get_by_role("link", name="Past Simple").click()
        teacher.get_by_label("Kind").select_option("text")
        teacher.get_by_label("Text").fill("Where did you go last summer?\n\nWhat did you do there?")
        teacher.get_by_role("button", name="Add", exact=True).click()
        teacher.get_by_text("Added: Where did you go last summer?").wait_for()
        teacher.get_by_label("Kind").select_option("pdf")
        teacher.get_by_label("File").set_input_files(files=[{"name": "notes.txt", "mimeType": "application/pdf",
                                                             "buffer": b"not a pdf"}])
        teacher.get_by_role("button", name="Add", exact=True).click()
        teacher.get_by_text("This file’s type does not fit the kind “PDF”. Upload one of: PDF.").wait_for()
        assert axe_violations(teacher) == [] and not has_horizontal_scroll(teacher)

        teacher.get_by_label("Save as a template named").fill("English for beginners, lesson 10")
        teacher.get_by_role("button", name="Save as a template").click()
        teacher.get_by_role("heading", name="English for beginners, lesson 10").wait_for()
        assert teacher.get_by_text("Where did you go last summer?").count() >= 1

        assert "Holidays" in student.locator("main").inner_text()
        assert axe_violations(student) == [] and not has_horizontal_scroll(student)
        student.goto(stage_server.url(alpha.host, "/student/dictionary/"))
        assert axe_violations(student) == [] and not has_horizontal_scroll(student)
    finally:
        teacher_context.close()
        student_context.close()
    with schema_context(alpha.school.schema_name):
        from tenant_apps.materials.models import LessonPlan

        LessonPlan.objects.filter(owner=alpha.teacher, lesson__isnull=True).delete()
    connection.set_schema_to_public()
