"""Worksheets in a real browser: a teacher builds one with several item types and one from a PDF (accepting
a box Panda suggested); the student completes the first by keyboard on a desktop and the second by touch on
a 375 px phone; answers survive a reload; axe finds nothing in English or Russian.

The server is another process, so everything is committed here and removed afterwards.
"""

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from tenant_apps.worksheets.samplepdf import PRINTED_WORKSHEET, text_pdf
from tests.e2e.conftest import axe_violations, has_horizontal_scroll, wait_until

pytestmark = [pytest.mark.browser, pytest.mark.committed]


@pytest.fixture
def classroom(committed_cast, committed_login, settings, tmp_path):
    """The teacher and their student (an enrollment, so the teacher may give worksheets), logged in."""
    from tenant_apps.learning.models import Enrollment, Language
    from tenant_apps.learning.services import enrollment_create

    alpha = committed_cast.a
    with schema_context(alpha.school.schema_name):
        enrollment = enrollment_create(student=alpha.student, language=Language.objects.get(code="en"),
                                       teacher=alpha.teacher, by=None)
    connection.set_schema_to_public()
    yield alpha, committed_login(alpha, alpha.teacher), committed_login(alpha, alpha.student)
    with schema_context(alpha.school.schema_name):
        from tenant_apps.materials.models import Material
        from tenant_apps.worksheets.models import Worksheet

        worksheets = Worksheet.objects.filter(owner=alpha.teacher)
        materials = list(worksheets.values_list("material", flat=True))
        worksheets.delete()
        Material.objects.filter(pk__in=materials).delete()
        Enrollment.objects.filter(pk=enrollment.pk).delete()
    connection.set_schema_to_public()


def _context(browser, server, host, session, **options):
    options.setdefault("locale", "en-US")
    context = browser.new_context(timezone_id="Europe/Moscow", **options)
    context.add_cookies([{"name": "sessionid", "value": session, "url": server.url(host, "/")}])
    return context


def _russian(context, server, host):
    context.add_cookies([{"name": "django_language", "value": "ru", "url": server.url(host, "/")}])


def _add_item(page, kind_label, **fields):
    page.get_by_role("link", name=kind_label, exact=True).click()
    for name, value in fields.items():
        page.locator(f"[name={name}]").fill(value)
    page.get_by_role("button", name="Save").click()
    page.wait_for_selector(".messages")


def test_a_teacher_builds_worksheets_and_the_student_does_them_by_keyboard_and_by_touch(
        server, browser, classroom, tmp_path):
    alpha, teacher_session, student_session = classroom
    host = alpha.host

    # The teacher builds a worksheet of several types ---------------------------------------------------------
    teacher = _context(browser, server, host, teacher_session)
    page = teacher.new_page()
    page.goto(server.url(host, "/teacher/assignments/"))
    page.locator("form[action$='/new/'] [name=title]").fill("Browser sheet")
    page.get_by_role("button", name="Create").click()
    builder_url = page.url
    _add_item(page, "Typed gaps", prompt="Fill in.", body="I [am] a student.")
    page.goto(builder_url)
    _add_item(page, "Single choice", prompt="Capital of France?", body="*Paris\nRome")
    page.goto(builder_url)
    _add_item(page, "Drag words into gaps", body="A [cat] says meow.", extra="dog")
    page.goto(builder_url)
    _add_item(page, "Put in order", body="she likes tea")
    page.goto(builder_url)
    _add_item(page, "Join the pairs", body="cat = кошка\ndog = собака")
    page.goto(builder_url)
    page.locator("[name=student]").select_option(str(alpha.student.pk))
    page.get_by_role("button", name="Give", exact=True).click()
    assert page.locator(".ws-builder-item").count() == 5
    assert axe_violations(page) == []
    sheet_id = builder_url.rstrip("/").rsplit("/", 1)[1]

    # ...and one from a PDF, accepting a suggested box ------------------------------------------------------------
    pdf = tmp_path / "printed.pdf"
    pdf.write_bytes(text_pdf(PRINTED_WORKSHEET))
    page.goto(server.url(host, "/teacher/assignments/"))
    form = page.locator("form[action$='/from-pdf/']")
    form.locator("[name=title]").fill("Printed sheet")
    form.locator("[name=file]").set_input_files(str(pdf))
    form.get_by_role("button", name="Upload").click()
    page.wait_for_selector(".ws-box-suggested")
    assert page.locator(".ws-box-suggested").count() == 5
    printed_url = page.url
    page.locator(".ws-box-suggested").first.click()
    page.locator("[name=body]").fill("[works]")
    page.get_by_role("button", name="Save").click()
    page.wait_for_selector(".ws-box-built")
    assert page.locator(".ws-box-suggested").count() == 4
    page.screenshot(path="/tmp/ws/builder-pdf.png", full_page=True)
    page.locator("[name=student]").select_option(str(alpha.student.pk))
    page.get_by_role("button", name="Give", exact=True).click()
    printed_id = printed_url.rstrip("/").rsplit("/", 1)[1]
    _russian(teacher, server, host)
    page.goto(printed_url)
    assert axe_violations(page) == []
    teacher.close()

    # The student, on a desktop, by keyboard only ------------------------------------------------------------------
    student = _context(browser, server, host, student_session)
    page = student.new_page()
    page.goto(server.url(host, f"/student/worksheets/{sheet_id}/"))
    assert "Paris" in page.content() and "weight" not in page.content()
    page.get_by_label("Gap 1").first.focus()
    page.keyboard.type("am")
    page.get_by_label("Paris").focus()
    page.keyboard.press("Space")
    page.locator("[data-chip]", has_text="cat").focus()
    page.keyboard.press("Enter")
    page.locator(".ws-slot").first.focus()
    page.keyboard.press("Enter")
    _order_by_keyboard(page, ["she", "likes", "tea"])
    _choose_by_keyboard(page, page.locator(".ws-pair", has_text="cat").locator("select"), "кошка")
    _choose_by_keyboard(page, page.locator(".ws-pair", has_text="dog").locator("select"), "собака")
    wait_until(page, "document.querySelector('[data-save-status]').textContent.includes('Saved')")
    page.reload()
    assert page.get_by_label("Gap 1").first.input_value() == "am"
    assert page.locator(".ws-slot-word").inner_text() == "cat"
    violations = axe_violations(page)
    assert violations == [], violations
    page.get_by_role("button", name="Hand in").focus()
    page.keyboard.press("Enter")
    page.wait_for_selector(".ws-score")
    assert "Score: 5 of 5" in page.locator(".ws-score").inner_text()
    student.close()

    # The student, on a phone, by touch: the printed worksheet, in Russian ---------------------------------------
    phone = _context(browser, server, host, student_session, viewport={"width": 375, "height": 740},
                     has_touch=True, is_mobile=True, locale="ru-RU")
    _russian(phone, server, host)
    page = phone.new_page()
    page.goto(server.url(host, f"/student/worksheets/{printed_id}/"))
    box = page.locator(".ws-box input").first
    box.tap()
    page.keyboard.type("works")
    wait_until(page, "document.querySelector('[data-save-status]').textContent.includes('сохранено')"
                     " || document.querySelector('[data-save-status]').textContent.includes('Сохранено')")
    assert not has_horizontal_scroll(page)
    assert axe_violations(page) == []
    page.locator(".ws-submit-row button[type=submit]").tap()
    page.wait_for_selector(".ws-score")
    assert "1 из 1" in page.locator(".ws-score").inner_text()

    # ...and the words worksheet again, placing a word by tapping it and then its gap
    page.goto(server.url(host, f"/student/worksheets/{sheet_id}/"))
    page.locator("[data-chip]", has_text="dog").tap()
    page.locator(".ws-slot").first.tap()
    assert page.locator(".ws-slot-word").inner_text() == "dog"
    assert not has_horizontal_scroll(page)
    phone.close()


def _order_by_keyboard(page, wanted):
    """Move each piece to its place with its ↑ button, pressed from the keyboard."""
    for index, word in enumerate(wanted):
        while True:
            pieces = page.locator("[data-piece] .ws-piece-text").all_inner_texts()
            at = pieces.index(word)
            if at == index:
                break
            page.get_by_role("button", name=f"Move “{word}” up").focus()
            page.keyboard.press("Enter")


def _choose_by_keyboard(page, select, text):
    """Step through a drop-down's choices with the arrow key until `text` is chosen."""
    select.focus()
    for _ in range(10):
        if select.evaluate("s => s.options[s.selectedIndex].text") == text:
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"{text} is not among the choices")
