"""List selectors cost the same number of queries for one row or many."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from model_bakery import baker

from tenant_apps.accounts.services import user_create
from tenant_apps.learning.selectors import (
    enrollments_for_student,
    enrollments_for_teacher,
    teacher_teaches_language,
)
from tenant_apps.learning.services import enrollment_create, enrollment_update, teacher_profile_update


def data_queries(captured: CaptureQueriesContext) -> int:
    # django-tenants sets the search path again on some cursors; that is not the page's cost.
    return sum(not query["sql"].startswith("SET search_path") for query in captured.captured_queries)


def queries_to_render_student_list(student) -> int:
    with CaptureQueriesContext(connection) as queries:
        rows = [(str(e.language), str(e.teacher), str(e.level)) for e in enrollments_for_student(student)]
    assert rows
    return data_queries(queries)


def queries_to_render_teacher_list(teacher) -> int:
    with CaptureQueriesContext(connection) as queries:
        rows = [(str(e.student), str(e.language), str(e.level)) for e in enrollments_for_teacher(teacher)]
    assert rows
    return data_queries(queries)


def test_a_students_enrollment_list_costs_one_query_however_long(alpha, english, chinese, level):
    enrollment_create(student=alpha.student, language=english, teacher=alpha.teacher, level=level("en", "B1"),
                      by=alpha.manager)
    one = queries_to_render_student_list(alpha.student)
    enrollment_create(student=alpha.student, language=chinese, teacher=alpha.teacher2, level=level("zh", "HSK2"),
                      by=alpha.manager)

    assert queries_to_render_student_list(alpha.student) == one == 1


def test_a_teachers_enrollment_list_costs_one_query_however_long(alpha, english, level):
    enrollment_create(student=alpha.student, language=english, teacher=alpha.teacher, level=level("en", "B1"),
                      by=alpha.manager)
    one = queries_to_render_teacher_list(alpha.teacher)
    for index in range(3):
        student = user_create(email=f"more{index}@alpha.test", password=None, is_student=True)
        enrollment_create(student=student, language=english, teacher=alpha.teacher, level=level("en", "A2"),
                          by=alpha.manager)

    assert queries_to_render_teacher_list(alpha.teacher) == one == 1
    assert enrollments_for_teacher(alpha.teacher).count() == 4


def test_ended_enrollments_are_left_out_unless_asked_for(alpha, english):
    enrollment = enrollment_create(student=alpha.student, language=english, teacher=alpha.teacher, by=alpha.manager)
    enrollment_update(enrollment=enrollment, by=alpha.manager, is_active=False)

    assert list(enrollments_for_student(alpha.student)) == []
    assert list(enrollments_for_teacher(alpha.teacher)) == []
    assert list(enrollments_for_student(alpha.student, include_inactive=True)) == [enrollment]
    assert list(enrollments_for_teacher(alpha.teacher, include_inactive=True)) == [enrollment]


def test_another_students_enrollments_are_not_listed(alpha, english):
    enrollment_create(student=alpha.student2, language=english, teacher=alpha.teacher2, by=alpha.manager)

    assert list(enrollments_for_student(alpha.student)) == []
    assert list(enrollments_for_teacher(alpha.teacher)) == []


def test_a_teacher_without_languages_on_their_profile_may_teach_any(alpha, english, chinese):
    assert teacher_teaches_language(alpha.teacher, english)  # no profile yet
    teacher_profile_update(teacher=alpha.teacher, bio="Hello")
    assert teacher_teaches_language(alpha.teacher, chinese)  # a profile without languages

    teacher_profile_update(teacher=alpha.teacher, languages=[chinese])

    assert teacher_teaches_language(alpha.teacher, chinese)
    assert not teacher_teaches_language(alpha.teacher, english)
    assert not teacher_teaches_language(alpha.teacher, baker.make("learning.Language", code="es", name="Spanish"))
