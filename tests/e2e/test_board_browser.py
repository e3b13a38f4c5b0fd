"""The whiteboard in real browsers: live strokes, a late joiner, "follow me", read-only history and export."""

import re
from urllib.parse import urlsplit

import pytest

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
