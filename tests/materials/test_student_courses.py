"""The student's Courses: per language their teacher, level and goal, the course's lessons done and next, and
every material shown so far, to open again as it was shown."""

import pytest

from tenant_apps.learning.models import Language
from tenant_apps.materials import library
from tenant_apps.materials.services import stage_show
from tests.materials.conftest import make_lesson


@pytest.fixture
def course_shown(alpha):
    english = Language.objects.get(code="en")
    course = library.course_create(owner=alpha.teacher, title="English for beginners", language=english, shared=True)
    lessons = [library.course_lesson_add(course=course, title=title) for title in ("Hello", "Family", "Food")]
    story = library.material_create(owner=alpha.teacher, kind="text", title="Meet the Smiths", lesson=lessons[0],
                                    text="This is Tom.")
    lesson = make_lesson(alpha)
    stage_show(lesson_id=lesson.pk, material=story)
    return course, story, lesson


@pytest.mark.access("materials:student_courses", "materials:student_material", who="allowed")
def test_the_student_sees_their_course_its_next_lesson_and_what_was_shown(client_for, alpha, course_shown):
    _course, story, _lesson = course_shown
    client = client_for(alpha, alpha.student)

    page = client.get("/student/courses/").content.decode()
    assert "English for beginners" in page and "Tom Teacher" in page
    assert "Hello" in page and "done" in page and "next" in page
    assert "Meet the Smiths" in page

    library.material_update(material=story, title="Meet the Smiths", text="Changed after the lesson.")
    given = story.given.get()
    shown = client.get(f"/student/courses/materials/{given.pk}/").content.decode()
    assert "This is Tom." in shown and "Changed after" not in shown  # as it was shown


@pytest.mark.access("materials:student_courses", "materials:student_material", who="wrong_role")
def test_a_teacher_and_another_student_get_nothing(client_for, alpha, course_shown):
    given = course_shown[1].given.get()
    assert client_for(alpha, alpha.teacher).get("/student/courses/").status_code == 403
    assert client_for(alpha, alpha.teacher).get(f"/student/courses/materials/{given.pk}/").status_code == 403
    assert client_for(alpha, alpha.student2).get(f"/student/courses/materials/{given.pk}/").status_code == 404
    assert "Meet the Smiths" not in client_for(alpha, alpha.student2).get("/student/courses/").content.decode()


def test_the_courses_page_keeps_its_query_count(client_for, alpha, course_shown, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    course, _story, lesson = course_shown
    client = client_for(alpha, alpha.student)
    with CaptureQueriesContext(connection) as small:
        client.get("/student/courses/")
    for number in range(15):
        extra = library.material_create(owner=alpha.teacher, kind="text", title=f"Extra {number}", text="x",
                                        lesson=course.lessons.get(number=2))
        stage_show(lesson_id=lesson.pk, material=extra)
    with django_assert_max_num_queries(len(small)):
        page = client.get("/student/courses/").content.decode()
    assert "Extra 14" in page
