"""The library in real browsers: the teacher finds "English for beginners, lesson 10", opens its
materials and adds one to the next lesson's plan; in the live lesson she searches the library with a typo
and pushes what she found; the student sees it at once. English and Russian, 375 px and desktop, axe.

The course, the lesson and the materials are committed (the server is another process) and removed after.
"""

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from tests.e2e.conftest import axe_violations, has_horizontal_scroll
from tests.e2e.test_stage_browser import (  # noqa: F401 - the stage module's server and browser fixtures
    open_page,
    private_root,
    push_delay,
    sessions,
    stage_axe_violations,
    stage_browser,
    stage_server,
)
from tests.materials.conftest import make_lesson, png_bytes, upload

pytestmark = [pytest.mark.browser, pytest.mark.committed]


@pytest.fixture
def course(committed_cast, private_root, settings):  # noqa: F811
    from tenant_apps.learning.models import Language
    from tenant_apps.materials import library

    settings.PRIVATE_MEDIA_ROOT = private_root
    alpha = committed_cast.a
    with schema_context(alpha.school.schema_name):
        english = Language.objects.get(code="en")
        course = library.course_create(owner=alpha.methodologist, title="English for beginners", language=english,
                                       shared=True)
        for number in range(1, 11):
            lesson = library.course_lesson_add(course=course, title="Holidays" if number == 10 else f"Unit {number}",
                                               topics=["Past Simple"] if number == 10 else [])
        library.material_create(owner=alpha.methodologist, kind="text", title="Warm-up questions", lesson=lesson,
                                text="Where did you go last summer?")
        library.material_create(owner=alpha.methodologist, kind="image", title="At the beach", lesson=lesson,
                                upload=upload("beach.png", png_bytes(400, 300)))
        library.material_create(owner=alpha.methodologist, kind="words", title="Holiday words", lesson=lesson,
                                words=[{"word": "sunburn", "translation": "солнечный ожог"}])
        library.material_create(owner=alpha.methodologist, kind="text", title="Phrasal verbs story", shared=True,
                                text="<p>We <b>set off</b> early and <b>got back</b> late.</p>")
        next_lesson = make_lesson(alpha)
    connection.set_schema_to_public()
    yield next_lesson
    with schema_context(alpha.school.schema_name):
        from tenant_apps.learning.models import Enrollment
        from tenant_apps.materials.models import Course, Material
        from tenant_apps.scheduling.models import Lesson

        Lesson.objects.filter(pk=next_lesson.pk).delete()
        Material.objects.filter(owner=alpha.methodologist).delete()
        Course.objects.filter(owner=alpha.methodologist).delete()
        Enrollment.objects.filter(pk=next_lesson.enrollment_id, lessons__isnull=True).delete()
        type(alpha.teacher).objects.filter(pk=alpha.teacher.pk).update(language="en")
    connection.set_schema_to_public()


def test_the_teacher_finds_lesson_10_plans_it_and_pushes_a_find_mid_lesson(
    stage_server, stage_browser, committed_cast, course, sessions  # noqa: F811
):
    alpha = committed_cast.a
    lesson = course
    teacher_context, teacher = open_page(stage_browser, stage_server, alpha.host, sessions(alpha.teacher),
                                         "/teacher/materials/library/", viewport={"width": 1366, "height": 900})
    student_context = None
    try:
        # The library: the course, lesson 10, its materials with previews.
        teacher.get_by_role("link", name="English for beginners").click()
        teacher.get_by_role("link", name="Lesson 10: Holidays").click()
        assert teacher.locator("h1").inner_text() == "Lesson 10: Holidays"
        assert teacher.locator(".library-card img[alt='At the beach']").count() == 1
        assert teacher.locator(".word-table td:has-text('sunburn')").count() == 1
        assert axe_violations(teacher) == []
        card = teacher.locator(".library-card", has_text="Warm-up questions")
        card.get_by_label("Use in my next lesson with").select_option(index=0)
        card.get_by_role("button", name="Add to the plan").click()
        teacher.wait_for_selector("text=Warm-up questions")
        assert "/teacher/materials/plans/" in teacher.url

        # The search box answers as she types, typos included.
        teacher.goto(stage_server.url(alpha.host, "/teacher/materials/library/"))
        teacher.get_by_label("Search the library").fill("phrasl")
        teacher.wait_for_selector("#library-results .library-card:has-text('Phrasal verbs story')", timeout=5000)
        assert axe_violations(teacher) == []

        # The live lesson: she searches from the stage panel and pushes the find; the student sees it at once.
        room = f"/lessons/{lesson.pk}/room/"
        teacher.goto(stage_server.url(alpha.host, room))
        student_context, student = open_page(stage_browser, stage_server, alpha.host, sessions(alpha.student), room,
                                             viewport={"width": 375, "height": 800})
        for page in (teacher, student):
            page.wait_for_selector("[data-stage][data-live=true]", timeout=10000)
        assert teacher.locator("[data-plan-item]:has-text('Warm-up questions')").count() == 1
        teacher.get_by_role("searchbox", name="Search the library").fill("phrasl verbs")
        teacher.get_by_role("button", name="Show: Phrasal verbs story").click()
        delay = push_delay(teacher, student, ".stage-text b:has-text('set off')")
        assert delay < 1000, delay
        teacher.get_by_role("button", name="Add to this lesson's plan: Phrasal verbs story").click()
        teacher.wait_for_selector("[data-plan-item]:has-text('Phrasal verbs story')", timeout=3000)
        assert stage_axe_violations(teacher) == []
        assert stage_axe_violations(student) == []
        assert not has_horizontal_scroll(student)

        # The student's Courses: what was shown, to open again.
        student.goto(stage_server.url(alpha.host, "/student/courses/"))
        assert student.locator("a:has-text('Phrasal verbs story')").count() == 1
        assert axe_violations(student) == [] and not has_horizontal_scroll(student)

        # In Russian, on a phone.
        with schema_context(alpha.school.schema_name):
            type(alpha.teacher).objects.filter(pk=alpha.teacher.pk).update(language="ru")
        connection.set_schema_to_public()
        phone = teacher_context.new_page()
        phone.set_viewport_size({"width": 375, "height": 800})
        phone.goto(stage_server.url(alpha.host, "/teacher/materials/library/"))
        phone.get_by_label("Поиск по библиотеке").fill("phrasl")
        phone.wait_for_selector("#library-results .library-card:has-text('Phrasal verbs story')", timeout=5000)
        assert "Курсы" in phone.locator("main").inner_text()
        assert axe_violations(phone) == [] and not has_horizontal_scroll(phone)
    finally:
        teacher_context.close()
        if student_context is not None:
            student_context.close()
