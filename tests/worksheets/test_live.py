"""A worksheet live in the lesson: shown on the stage (the library's stage shows its material), the
lesson's student opens and answers it, and the teacher's stage socket gets the answers as they are saved;
the student's own socket does not. Committed, as the consumer reads from worker threads."""

import pytest
from asgiref.sync import async_to_sync
from django.db import connection
from django.test import Client
from django_tenants.utils import schema_context

from tests.materials.conftest import make_lesson
from tests.materials.test_stage_consumer import TIMEOUT, join
from tests.worksheets.factories import gaps

pytestmark = pytest.mark.committed


@pytest.fixture
def live(committed_cast, committed_login):
    from tenant_apps.materials.services import stage_show
    from tenant_apps.worksheets.services import worksheet_create

    alpha = committed_cast.a
    with schema_context(alpha.school.schema_name):
        lesson = make_lesson(alpha)
        worksheet = worksheet_create(owner=alpha.teacher, title="Live", items=[gaps("am")])
        stage_show(lesson_id=lesson.pk, material=worksheet.material)
    connection.set_schema_to_public()
    sessions = {who: committed_login(alpha, getattr(alpha, who)) for who in ("teacher", "student", "student2")}
    yield alpha, lesson, worksheet, sessions
    with schema_context(alpha.school.schema_name):
        from tenant_apps.learning.models import Enrollment
        from tenant_apps.materials.models import Material
        from tenant_apps.scheduling.models import Lesson

        Lesson.objects.filter(pk=lesson.pk).delete()
        material = worksheet.material_id
        worksheet.delete()
        Material.objects.filter(pk=material).delete()
        Enrollment.objects.filter(pk=lesson.enrollment_id, lessons__isnull=True).delete()
    connection.set_schema_to_public()


def _client(alpha, session):
    client = Client(HTTP_HOST=alpha.host)
    client.cookies["sessionid"] = session
    return client


@pytest.mark.access("worksheets:open", who=("allowed", "wrong_role"))
def test_the_stage_card_opens_the_worksheet_for_the_lessons_student_and_its_attempts_for_the_teacher(live):
    alpha, lesson, worksheet, sessions = live

    student = _client(alpha, sessions["student"]).get(f"/worksheets/{worksheet.pk}/open/")
    assert student["Location"] == f"/student/worksheets/{worksheet.pk}/"
    teacher = _client(alpha, sessions["teacher"]).get(f"/worksheets/{worksheet.pk}/open/")
    assert teacher["Location"] == f"/teacher/assignments/{worksheet.pk}/attempts/"
    assert _client(alpha, sessions["student2"]).get(f"/worksheets/{worksheet.pk}/open/").status_code == 404
    assert _client(alpha, sessions["student2"]).get(f"/student/worksheets/{worksheet.pk}/").status_code == 404


@pytest.mark.access("worksheets:open", who="other_school")
def test_another_schools_student_cannot_open_it(live, committed_cast, committed_login):
    _alpha, _lesson, worksheet, _sessions = live
    beta = committed_cast.b
    client = _client(beta, committed_login(beta, beta.student))

    assert client.get(f"/worksheets/{worksheet.pk}/open/").status_code == 404


def test_the_teacher_sees_the_students_answers_as_they_are_saved_and_the_student_does_not(live):
    alpha, lesson, worksheet, sessions = live
    student = _client(alpha, sessions["student"])
    student.get(f"/student/worksheets/{worksheet.pk}/")
    with schema_context(alpha.school.schema_name):
        from tenant_apps.worksheets.models import Attempt

        attempt = Attempt.objects.get(worksheet=worksheet, student=alpha.student)
        assert attempt.lesson_id == lesson.pk
    connection.set_schema_to_public()
    gap = f"{worksheet.items[0]['id']}.0"

    async def scenario():
        teacher_socket, _state = await join(alpha.host, lesson.pk, sessions["teacher"])
        student_socket, _state = await join(alpha.host, lesson.pk, sessions["student"])
        from asgiref.sync import sync_to_async

        await sync_to_async(student.post)(f"/student/worksheets/attempts/{attempt.pk}/save/", {gap: "am"})
        seen = await teacher_socket.receive_json_from(timeout=TIMEOUT)
        assert student_socket.output_queue.empty()
        assert await student_socket.receive_nothing(timeout=0.5)
        await sync_to_async(student.post)(f"/student/worksheets/attempts/{attempt.pk}/submit/", {gap: "am"})
        handed_in = await teacher_socket.receive_json_from(timeout=TIMEOUT)
        await teacher_socket.disconnect()
        await student_socket.disconnect()
        return seen, handed_in

    seen, handed_in = async_to_sync(scenario)()
    assert seen["type"] == "answers" and seen["answers"] == {worksheet.items[0]["id"]: ["am"]}
    assert seen["rows"] == [{"n": 1, "answer": "am", "status": "correct"}] and seen["title"] == "Live"
    assert not seen["submitted"]
    assert handed_in["submitted"] and handed_in["score"] == handed_in["max"] == 1
    with schema_context(alpha.school.schema_name):
        Attempt.objects.filter(worksheet=worksheet).delete()
    connection.set_schema_to_public()


@pytest.mark.access("stage:worksheet_reveal", who=("allowed", "wrong_role", "other_school"))
def test_the_teacher_reveals_the_solution_and_only_then_the_students_page_shows_it(live, committed_cast,
                                                                                    committed_login):
    alpha, lesson, worksheet, sessions = live
    student = _client(alpha, sessions["student"])
    url = f"/lessons/{lesson.pk}/stage/worksheets/{worksheet.pk}/reveal/"
    assert "Solution:" not in student.get(f"/student/worksheets/{worksheet.pk}/").content.decode()

    assert student.post(url).status_code == 403
    assert _client(alpha, sessions["student2"]).post(url).status_code == 404
    beta = committed_cast.b
    assert _client(beta, committed_login(beta, beta.teacher)).post(url).status_code == 404
    assert "Solution:" not in student.get(f"/student/worksheets/{worksheet.pk}/").content.decode()

    async def scenario():
        from asgiref.sync import sync_to_async

        student_socket, _state = await join(alpha.host, lesson.pk, sessions["student"])
        response = await sync_to_async(_client(alpha, sessions["teacher"]).post)(url)
        heard = await student_socket.receive_json_from(timeout=TIMEOUT)
        await student_socket.disconnect()
        return response, heard

    response, heard = async_to_sync(scenario)()
    assert response.status_code == 200 and heard == {"type": "reveal", "worksheet": worksheet.pk}
    page = student.get(f"/student/worksheets/{worksheet.pk}/").content.decode()
    assert "Solution: am" in page
    with schema_context(alpha.school.schema_name):
        from tenant_apps.worksheets.models import Attempt

        Attempt.objects.filter(worksheet=worksheet).delete()
    connection.set_schema_to_public()
