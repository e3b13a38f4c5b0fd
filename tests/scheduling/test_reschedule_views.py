"""The pages of rescheduling: the student proposes from the free times, the teacher answers from the
lessons or schedule page, or moves a lesson; the wrong role gets 403, another school's session the login."""

from datetime import UTC, datetime, time, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from tenant_apps.scheduling.models import Lesson, RescheduleProposal
from tenant_apps.scheduling.reschedule import proposal_create
from tenant_apps.scheduling.services import _create_lesson
from tests.scheduling.conftest import PAID_AT, buy, teacher_hours

NOW = PAID_AT + timedelta(days=1)  # Tuesday 3 March 2026, 09:00 UTC
FRIDAY_NOON = datetime(2026, 3, 6, 12, tzinfo=UTC)


@pytest.fixture
def frozen(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    return NOW


@pytest.fixture
def lesson(alpha, enrollment, package, frozen):
    teacher_hours(alpha.teacher, zone="Europe/London", starts=time(8), ends=time(22))
    lesson_pass = buy(alpha, enrollment, package)
    return _create_lesson(enrollment=enrollment, lesson_pass=lesson_pass,
                          starts_at=datetime(2026, 3, 5, 10, tzinfo=UTC), minutes=60, now=PAID_AT)


def text(response) -> str:
    return " ".join(response.content.decode().split())


def test_the_student_proposes_one_of_the_free_times_and_the_teacher_sees_it(client_for, alpha, lesson):
    student = client_for(alpha, alpha.student)
    assert f"/lessons/{lesson.pk}/propose/" in text(student.get("/student/lessons/"))
    page = text(student.get(f"/lessons/{lesson.pk}/propose/"))
    assert f'value="{FRIDAY_NOON.isoformat()}"' in page
    assert f'value="{lesson.starts_at.isoformat()}"' not in page  # its own time is not offered

    response = student.post(f"/lessons/{lesson.pk}/propose/", {"starts_at": FRIDAY_NOON.isoformat(),
                                                                "message": "After work?"})

    assert response.status_code == 302 and response["Location"] == "/student/lessons/"
    proposal = RescheduleProposal.objects.get()
    assert proposal.starts_at == FRIDAY_NOON and proposal.message == "After work?"
    assert "Waiting for the teacher" in text(student.get("/student/lessons/"))
    teacher_page = text(client_for(alpha, alpha.teacher).get("/teacher/lessons/"))
    assert "Proposed new times" in teacher_page and f"/proposals/{proposal.pk}/accept/" in teacher_page
    assert "After work?" in teacher_page


def test_a_refused_proposal_answers_422_with_the_reason(client_for, alpha, lesson):
    student = client_for(alpha, alpha.student)
    response = student.post(f"/lessons/{lesson.pk}/propose/", {"starts_at": "2026-03-06T23:00:00+00:00",
                                                                "message": "Late <b>evening</b>?"})
    assert response.status_code == 422
    assert "This time is outside the teacher&#x27;s working hours." in response.content.decode()
    assert ">Late &lt;b&gt;evening&lt;/b&gt;?</textarea>" in response.content.decode()  # the message is kept
    response = student.post(f"/lessons/{lesson.pk}/propose/", {"starts_at": "not a time"})
    assert response.status_code == 422
    assert not RescheduleProposal.objects.exists()


@pytest.mark.access("lessons:proposal_accept", who="allowed")
def test_the_teacher_accepts_from_the_schedule_page(client_for, alpha, lesson):
    proposal = proposal_create(lesson=lesson, starts_at=FRIDAY_NOON, by=alpha.student, now=NOW)
    teacher = client_for(alpha, alpha.teacher)
    assert f"/proposals/{proposal.pk}/accept/" in text(teacher.get("/teacher/schedule/"))

    response = teacher.post(f"/proposals/{proposal.pk}/accept/", {"back": "schedule"})

    assert response["Location"] == "/teacher/schedule/"
    assert Lesson.objects.get(pk=lesson.pk).starts_at == FRIDAY_NOON
    again = teacher.post(f"/proposals/{proposal.pk}/accept/", follow=True)
    assert "This proposal has already been answered." in text(again)


@pytest.mark.access("lessons:proposal_decline", who="allowed")
def test_the_teacher_declines_and_moves(client_for, alpha, lesson):
    proposal = proposal_create(lesson=lesson, starts_at=FRIDAY_NOON, by=alpha.student, now=NOW)
    teacher = client_for(alpha, alpha.teacher)
    teacher.post(f"/proposals/{proposal.pk}/decline/")
    assert RescheduleProposal.objects.get().status == "declined"

    assert f'value="{FRIDAY_NOON.isoformat()}"' in text(teacher.get(f"/lessons/{lesson.pk}/move/"))
    response = teacher.post(f"/lessons/{lesson.pk}/move/", {"starts_at": FRIDAY_NOON.isoformat()})
    assert response.status_code == 302
    moved = Lesson.objects.get(pk=lesson.pk)
    assert moved.starts_at == FRIDAY_NOON and moved.sequence == 1


@pytest.mark.parametrize("who, expected", [
    ("student", 200), ("teacher", 403), ("teacher2", 403), ("student2", 404), ("manager", 403),
])
@pytest.mark.access("lessons:propose", who=("allowed", "wrong_role"))
def test_who_opens_the_propose_page(client_for, alpha, lesson, who, expected):
    assert client_for(alpha, getattr(alpha, who)).get(f"/lessons/{lesson.pk}/propose/").status_code == expected


@pytest.mark.parametrize("who, expected", [
    ("teacher", 200), ("student", 403), ("teacher2", 404), ("manager", 403),
])
@pytest.mark.access("lessons:move", who=("allowed", "wrong_role"))
def test_who_opens_the_move_page(client_for, alpha, lesson, who, expected):
    assert client_for(alpha, getattr(alpha, who)).get(f"/lessons/{lesson.pk}/move/").status_code == expected


@pytest.mark.access("lessons:proposal_accept", "lessons:proposal_decline", who="wrong_role")
@pytest.mark.parametrize("action", ["accept", "decline"])
def test_only_the_lessons_teacher_answers(client_for, alpha, lesson, action):
    proposal = proposal_create(lesson=lesson, starts_at=FRIDAY_NOON, by=alpha.student, now=NOW)
    assert client_for(alpha, alpha.student).post(f"/proposals/{proposal.pk}/{action}/").status_code == 403
    assert client_for(alpha, alpha.teacher2).post(f"/proposals/{proposal.pk}/{action}/").status_code == 404
    assert client_for(alpha, alpha.teacher).get(f"/proposals/{proposal.pk}/{action}/").status_code == 405
    assert client_for(alpha, alpha.student2).post(f"/proposals/{proposal.pk}/withdraw/").status_code == 404
    assert RescheduleProposal.objects.get().status == "pending"


@pytest.mark.access("lessons:proposal_withdraw", who=("allowed", "wrong_role"))
def test_the_student_withdraws_a_waiting_proposal_from_the_lessons_page(client_for, alpha, lesson):
    proposal = proposal_create(lesson=lesson, starts_at=FRIDAY_NOON, by=alpha.student, now=NOW)
    student = client_for(alpha, alpha.student)
    assert f"/proposals/{proposal.pk}/withdraw/" in text(student.get("/student/lessons/"))
    assert client_for(alpha, alpha.teacher).post(f"/proposals/{proposal.pk}/withdraw/").status_code == 403

    response = student.post(f"/proposals/{proposal.pk}/withdraw/", follow=True)

    assert "Proposal withdrawn." in text(response)
    assert RescheduleProposal.objects.get().status == "withdrawn"
    assert f"/proposals/{proposal.pk}/withdraw/" not in text(student.get("/student/lessons/"))
    again = text(student.post(f"/proposals/{proposal.pk}/withdraw/", follow=True))
    assert "This proposal has already been answered." in again


@pytest.mark.parametrize("who, url", [
    ("student", "/lessons/{pk}/propose/"), ("teacher", "/lessons/{pk}/move/"),
])
def test_another_schools_session_gets_the_login_page(client_for, cast, lesson, who, url):
    client = Client(HTTP_HOST=cast.a.host)
    client.cookies["sessionid"] = client_for(cast.b, getattr(cast.b, who)).cookies["sessionid"].value
    response = client.get(url.format(pk=lesson.pk))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_the_teachers_pages_cost_the_same_with_more_proposals(client_for, alpha, enrollment, lesson, package,
                                                               django_assert_max_num_queries):
    teacher = client_for(alpha, alpha.teacher)
    proposal_create(lesson=lesson, starts_at=FRIDAY_NOON, by=alpha.student, now=NOW)
    teacher.get("/teacher/schedule/")
    with django_assert_max_num_queries(16) as few:
        teacher.get("/teacher/schedule/")
    lesson_pass = buy(alpha, enrollment, package)
    for day in range(5):
        other = _create_lesson(enrollment=enrollment, lesson_pass=lesson_pass,
                               starts_at=datetime(2026, 3, 9 + day, 10, tzinfo=UTC), minutes=60, now=PAID_AT)
        proposal_create(lesson=other, starts_at=datetime(2026, 3, 9 + day, 14, tzinfo=UTC), by=alpha.student, now=NOW)
    with django_assert_max_num_queries(16) as many:
        page = text(teacher.get("/teacher/schedule/"))
    assert page.count("data-proposal=") == 6
    assert len(many.captured_queries) == len(few.captured_queries)
