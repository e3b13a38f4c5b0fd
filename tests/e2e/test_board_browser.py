"""The whiteboard in real browsers: live strokes, a late joiner, "follow me", read-only history and export."""

import re
from urllib.parse import urlsplit

import pytest
from django_tenants.utils import schema_context
from pycrdt import Map

from classroom.whiteboard import store
from tests.e2e.conftest import axe_violations
from tests.whiteboard.conftest import lessons, login  # noqa: F401 - fixtures

pytestmark = pytest.mark.browser


def board_page(browser, server, school_cast, session_key, path):
    context = browser.new_context(locale="en-US", timezone_id="Europe/Moscow", viewport={"width": 1280, "height": 900})
    context.add_cookies([{"name": "sessionid", "value": session_key, "domain": school_cast.host, "path": "/"}])
    outside = []

    def only_loopback(route):
        host = urlsplit(route.request.url).hostname or ""
        if host.endswith("localhost") or host == "127.0.0.1":
            return route.continue_()
        outside.append(route.request.url)
        return route.abort()

    context.route("**/*", only_loopback)
    page = context.new_page()
    page.goto(server.url(school_cast.host, path))
    page.outside_requests = outside
    return context, page


def live(browser, server, school_cast, key, lesson):
    context, page = board_page(browser, server, school_cast, key, f"/lessons/{lesson.pk}/board/live/")
    page.wait_for_selector("[data-board][data-board-state=connected]", timeout=15000)
    page.wait_for_selector(".excalidraw canvas")
    return context, page


def draw_rectangle(page, x=300, y=300):
    canvas = page.locator(".excalidraw .excalidraw__canvas.interactive")
    box = canvas.bounding_box()
    page.get_by_role("radio", name="Rectangle").check(force=True)
    page.mouse.move(box["x"] + x, box["y"] + y)
    page.mouse.down()
    page.mouse.move(box["x"] + x + 120, box["y"] + y + 80, steps=6)
    page.mouse.up()


def test_a_stroke_appears_for_the_other_and_for_a_late_joiner(server, browser, committed_cast, lessons, login):  # noqa: F811
    a = committed_cast.a
    lesson = lessons()
    teacher_key, student_key = login(a, a.teacher), login(a, a.student)
    teacher_context, teacher = live(browser, server, a, teacher_key, lesson)
    student_context, student = live(browser, server, a, student_key, lesson)

    draw_rectangle(teacher)
    student.wait_for_selector("[data-board][data-board-elements='1']", timeout=5000)
    draw_rectangle(student, 500, 200)
    teacher.wait_for_selector("[data-board][data-board-elements='2']", timeout=5000)

    late_context, late = live(browser, server, a, student_key, lesson)
    late.wait_for_selector("[data-board][data-board-elements='2']", timeout=5000)
    kinds = late.evaluate("() => window.pandaBoard.api.getSceneElements().map(e => e.type)")
    assert kinds == ["rectangle", "rectangle"]
    assert not teacher.outside_requests and not late.outside_requests  # fonts and all from our own server
    for context in (teacher_context, student_context, late_context):
        context.close()


def test_follow_me_moves_the_students_page_and_lock_stops_drawing(server, browser, committed_cast, lessons, login):  # noqa: F811
    a = committed_cast.a
    lesson = lessons()
    teacher_key, student_key = login(a, a.teacher), login(a, a.student)
    teacher_context, teacher = live(browser, server, a, teacher_key, lesson)
    student_context, student = live(browser, server, a, student_key, lesson)
    assert student.get_by_role("button", name="Follow me").count() == 0  # the student has no leader's controls

    teacher.get_by_role("button", name="Follow me").click()
    teacher.get_by_role("button", name="Add a page").click()
    new_page = teacher.locator("[data-board]").get_attribute("data-board-page")
    assert new_page != "page-1"
    student.wait_for_selector(f"[data-board][data-board-page='{new_page}']", timeout=5000)
    assert student.get_by_label("Pages").is_disabled()
    assert student.get_by_text("Following the teacher").is_visible()

    teacher.get_by_label("Pages").select_option(label="Page 1")
    student.wait_for_selector("[data-board][data-board-page='page-1']", timeout=5000)

    teacher.get_by_role("button", name="Lock drawing").click()
    student.wait_for_selector("[data-board][data-board-locked=true]", timeout=5000)
    expect_text = student.locator("[data-board-status]")
    assert re.search("locked", expect_text.inner_text())
    for context in (teacher_context, student_context):
        context.close()


def test_undo_takes_back_only_ones_own_stroke(server, browser, committed_cast, lessons, login):  # noqa: F811
    a = committed_cast.a
    lesson = lessons()
    teacher_context, teacher = live(browser, server, a, login(a, a.teacher), lesson)
    student_context, student = live(browser, server, a, login(a, a.student), lesson)
    draw_rectangle(teacher)
    student.wait_for_selector("[data-board][data-board-elements='1']", timeout=5000)
    student.get_by_role("radio", name="Ellipse").check(force=True)
    canvas = student.locator(".excalidraw .excalidraw__canvas.interactive").bounding_box()
    student.mouse.move(canvas["x"] + 500, canvas["y"] + 200)
    student.mouse.down()
    student.mouse.move(canvas["x"] + 600, canvas["y"] + 300, steps=5)
    student.mouse.up()
    teacher.wait_for_selector("[data-board][data-board-elements='2']", timeout=5000)

    student.keyboard.press("Escape")
    student.get_by_role("button", name="Undo").click()
    # Nothing more to undo: the teacher's rectangle is not in the student's history.
    assert student.get_by_role("button", name="Undo").is_disabled()
    teacher.wait_for_selector("[data-board][data-board-elements='1']", timeout=5000)
    for page in (teacher, student):
        kinds = page.evaluate("() => window.pandaBoard.api.getSceneElements().map(e => e.type)")
        assert kinds == ["rectangle"]
    teacher_context.close()
    student_context.close()


def test_an_image_pushed_by_another_feature_reaches_the_student(server, browser, committed_cast, lessons, login):  # noqa: F811
    a = committed_cast.a
    lesson = lessons()
    teacher_context, teacher = live(browser, server, a, login(a, a.teacher), lesson)
    student_context, student = live(browser, server, a, login(a, a.student), lesson)
    url = teacher.evaluate(
        """async () => {
            const canvas = document.createElement("canvas"); canvas.width = 60; canvas.height = 40;
            canvas.getContext("2d").fillRect(0, 0, 60, 40);
            const blob = await new Promise((done) => canvas.toBlob(done, "image/png"));
            const form = new FormData(); form.append("file", blob, "page.png");
            const config = JSON.parse(document.getElementById("board-config").textContent);
            const csrf = document.querySelector("[data-board]").dataset.csrf;
            const answer = await fetch(config.upload, {method: "POST", body: form, headers: {"X-CSRFToken": csrf}});
            return (await answer.json()).url;
        }"""
    )
    teacher.evaluate(
        "url => document.dispatchEvent(new CustomEvent('panda:board-add-image', "
        "{detail: {url, width: 600, height: 400, name: 'Unit 1, page 2'}}))",
        url,
    )
    student.wait_for_selector("[data-board][data-board-elements='1']", timeout=5000)
    image = student.evaluate(
        "() => { const [e] = window.pandaBoard.api.getSceneElements();"
        " return {type: e.type, url: window.pandaBoard.api.getFiles()[e.fileId]?.dataURL}; }"
    )
    assert image == {"type": "image", "url": url}
    # The same event on the student's page does nothing: only the leader pushes.
    student.evaluate(
        "url => document.dispatchEvent(new CustomEvent('panda:board-add-image',"
        " {detail: {url, width: 10, height: 10}}))",
        url,
    )
    student.wait_for_timeout(300)
    assert teacher.locator("[data-board]").get_attribute("data-board-elements") == "1"
    teacher_context.close()
    student_context.close()


def test_after_the_lesson_the_board_is_read_only_and_exports_png_and_pdf(
    server, browser, committed_cast, lessons, login  # noqa: F811
):
    a = committed_cast.a
    lesson = lessons()
    teacher_key = login(a, a.teacher)
    teacher_context, teacher = live(browser, server, a, teacher_key, lesson)
    draw_rectangle(teacher)
    teacher.get_by_role("button", name="Add a page").click()
    draw_rectangle(teacher, 400, 250)
    teacher.wait_for_timeout(500)
    teacher_context.close()

    context, page = board_page(browser, server, a, login(a, a.student), f"/lessons/{lesson.pk}/board/")
    page.wait_for_selector("[data-board][data-board-state=loaded]", timeout=15000)
    page.wait_for_selector("[data-board][data-board-elements='1']")
    assert page.locator("[data-board]").get_attribute("data-board-pages") == "2"
    assert page.get_by_role("button", name="Add a page").count() == 0
    with page.expect_download() as png:
        page.get_by_role("button", name="Export page as PNG").click()
    assert png.value.suggested_filename == f"board-{lesson.pk}-page-1.png"
    assert open(png.value.path(), "rb").read(8) == b"\x89PNG\r\n\x1a\n"
    with page.expect_download() as pdf:
        page.get_by_role("button", name="Export as PDF").click()
    data = open(pdf.value.path(), "rb").read()
    assert data.startswith(b"%PDF-1.4") and b"/Count 2" in data and data.rstrip().endswith(b"%%EOF")
    assert axe_violations(page) == []
    page.set_viewport_size({"width": 375, "height": 800})
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 375
    page.screenshot(path="/tmp/h11_history_375.png", full_page=True)
    context.close()


def test_the_board_works_inside_the_lesson_room(server, browser, committed_cast, lessons, login):  # noqa: F811
    a = committed_cast.a
    lesson = lessons()
    pages = []
    for key in (login(a, a.teacher), login(a, a.student)):
        context, page = board_page(browser, server, a, key, f"/lessons/{lesson.pk}/room/")
        page.wait_for_selector(".room-board [data-board][data-board-state=connected]", timeout=15000)
        pages.append((context, page))
    (teacher_context, teacher), (student_context, student) = pages
    draw_rectangle(teacher, 200, 200)
    student.wait_for_selector("[data-board][data-board-elements='1']", timeout=5000)
    teacher.screenshot(path="/tmp/h11_room.png", full_page=True)
    teacher_context.close()
    student_context.close()


def test_the_teacher_reopens_an_earlier_board_and_clears_a_page(server, browser, committed_cast, lessons, login):  # noqa: F811
    from datetime import timedelta

    a = committed_cast.a
    earlier = lessons(starts_in=timedelta(minutes=-100))  # still open: not marked yet
    teacher_key, student_key = login(a, a.teacher), login(a, a.student)
    context, page = live(browser, server, a, teacher_key, earlier)
    draw_rectangle(page)
    page.wait_for_timeout(400)
    context.close()

    lesson = lessons()
    teacher_context, teacher = live(browser, server, a, teacher_key, lesson)
    student_context, student = live(browser, server, a, student_key, lesson)
    teacher.get_by_label("Reopen an earlier board").select_option(index=0)
    teacher.get_by_role("button", name="Reopen", exact=True).click()
    teacher.wait_for_selector("[data-board][data-board-pages='2'][data-board-elements='1']", timeout=5000)
    assert teacher.get_by_text("Earlier board added as new pages.").is_visible()
    reopened = teacher.locator("[data-board]").get_attribute("data-board-page")
    student.wait_for_selector("[data-board][data-board-pages='2']", timeout=5000)
    student.get_by_label("Pages").select_option(reopened)
    student.wait_for_selector("[data-board][data-board-elements='1']", timeout=5000)

    teacher.once("dialog", lambda dialog: dialog.accept())
    teacher.get_by_role("button", name="Clear the page").click()
    student.wait_for_selector("[data-board][data-board-elements='0']", timeout=5000)
    # The earlier lesson's board is untouched.
    with schema_context(a.school.schema_name):
        assert len(store.load_doc(earlier.pk).get("elements", type=Map)) == 1
    teacher_context.close()
    student_context.close()
