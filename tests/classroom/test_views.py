"""The room page, the chat transcript and the lessons lists' links: who sees what, and when."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from classroom.models import ChatMessage
from tenant_apps.scheduling.models import Lesson
from tests.classroom.conftest import make_paid_lesson


def text(response) -> str:
    return response.content.decode()


@pytest.fixture
def lesson(alpha):
    """Alpha's student with alpha's teacher, starting in 10 minutes: the room is open."""
    return make_paid_lesson(alpha, starts_in=timedelta(minutes=10))


# The room ----------------------------------------------------------------------------------------
@pytest.mark.access("classroom:room", who="allowed")
def test_the_teacher_gets_the_room_with_its_parts_and_leads_it(client_for, alpha, lesson):
    response = client_for(alpha, alpha.teacher).get(f"/lessons/{lesson.pk}/room/")

    assert response.status_code == 200
    page = text(response)
    assert "Lesson with Sam Student" in page
    assert f'data-socket="/ws/lessons/{lesson.pk}/room/"' in page
    assert 'data-leader="true"' in page
    assert "End the lesson" in page
    assert "Check your camera and sound" in page
    assert 'class="room-board"' in page and 'class="room-stage"' in page and 'class="room-plan"' in page
    templates = {template.name for template in response.templates}
    assert {"classroom/_board.html", "classroom/_stage.html", "classroom/_plan_panel.html"} <= templates
    assert response.context["seat"].is_leader and response.context["room_socket_url"]


def test_the_student_gets_the_room_without_the_teachers_end_button(client_for, alpha, lesson):
    response = client_for(alpha, alpha.student).get(f"/lessons/{lesson.pk}/room/")

    assert response.status_code == 200
    page = text(response)
    assert "Lesson with Tom Teacher" in page
    assert 'data-leader="false"' in page
    assert "End the lesson" not in page


def test_a_trials_methodologist_leads_its_room(client_for, alpha, lesson):
    Lesson.objects.filter(pk=lesson.pk).update(kind=Lesson.Kind.TRIAL, teacher=alpha.methodologist)

    response = client_for(alpha, alpha.methodologist).get(f"/lessons/{lesson.pk}/room/")

    assert response.status_code == 200
    assert 'data-leader="true"' in text(response)
    assert client_for(alpha, alpha.teacher).get(f"/lessons/{lesson.pk}/room/").status_code == 404


@pytest.mark.access("classroom:room", who="wrong_role")
@pytest.mark.parametrize("who", ["student2", "teacher2", "methodologist", "manager"])
def test_nobody_else_of_the_school_finds_the_room(client_for, alpha, lesson, who):
    assert client_for(alpha, getattr(alpha, who)).get(f"/lessons/{lesson.pk}/room/").status_code == 404


def test_another_schools_user_does_not_get_in(client_for, cast, alpha, lesson):
    beta = cast.b
    on_alpha = client_for(alpha, None)
    with schema_context(beta.school.schema_name):
        on_beta = client_for(beta, beta.teacher)

    # Beta's login means nothing on alpha's host; alpha's lesson does not exist on beta's.
    assert on_alpha.get(f"/lessons/{lesson.pk}/room/").status_code == 302
    with schema_context(beta.school.schema_name):
        assert on_beta.get(f"/lessons/{lesson.pk}/room/").status_code == 404


def test_an_anonymous_visitor_is_sent_to_log_in(client_for, alpha, lesson):
    response = client_for(alpha).get(f"/lessons/{lesson.pk}/room/")

    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_before_its_window_the_room_says_when_it_opens(client_for, alpha):
    early = make_paid_lesson(alpha, starts_in=timedelta(minutes=20))

    response = client_for(alpha, alpha.student).get(f"/lessons/{early.pk}/room/")

    assert response.status_code == 403
    page = text(response)
    assert "The room opens 15 minutes before the lesson" in page
    assert "data-socket" not in page


def test_after_marking_the_room_is_closed_and_points_to_the_chat(client_for, alpha, lesson):
    Lesson.objects.filter(pk=lesson.pk).update(status=Lesson.Status.HELD)

    response = client_for(alpha, alpha.teacher).get(f"/lessons/{lesson.pk}/room/")

    assert response.status_code == 403
    page = text(response)
    assert "This lesson is over, so its room is closed." in page
    assert f"/lessons/{lesson.pk}/chat/" in page


def test_the_room_costs_the_same_queries_with_3_or_60_chat_lines(client_for, alpha, lesson,
                                                                 django_assert_max_num_queries):
    client = client_for(alpha, alpha.teacher)
    for index in range(3):
        ChatMessage.objects.create(lesson=lesson, author=alpha.student, body=f"line {index}")
    client.get(f"/lessons/{lesson.pk}/room/")
    with django_assert_max_num_queries(10) as few:
        client.get(f"/lessons/{lesson.pk}/room/")
    ChatMessage.objects.bulk_create(
        ChatMessage(lesson=lesson, author=alpha.teacher, body=f"more {index}") for index in range(57)
    )
    with django_assert_max_num_queries(10) as many:
        page = text(client.get(f"/lessons/{lesson.pk}/room/"))

    assert page.count('data-chat-id=') == 60
    assert len(many.captured_queries) == len(few.captured_queries)


# The chat transcript -----------------------------------------------------------------------------
@pytest.mark.access("classroom:chat", who="allowed")
def test_both_participants_read_the_chat_after_the_lesson_with_links_clickable(client_for, alpha, lesson):
    ChatMessage.objects.create(lesson=lesson, author=alpha.teacher, body="Homework: https://example.com/unit-3")
    ChatMessage.objects.create(lesson=lesson, author=alpha.student, body="<b>Thanks</b>")
    Lesson.objects.filter(pk=lesson.pk).update(status=Lesson.Status.HELD)

    for person in (alpha.teacher, alpha.student):
        response = client_for(alpha, person).get(f"/lessons/{lesson.pk}/chat/")
        assert response.status_code == 200
        page = text(response)
        assert '<a href="https://example.com/unit-3" rel="nofollow">https://example.com/unit-3</a>' in page
        assert "&lt;b&gt;Thanks&lt;/b&gt;" in page and "<b>Thanks</b>" not in page


@pytest.mark.access("classroom:chat", who="wrong_role")
@pytest.mark.parametrize("who", ["student2", "teacher2", "manager"])
def test_nobody_else_reads_a_lessons_chat(client_for, alpha, lesson, who):
    ChatMessage.objects.create(lesson=lesson, author=alpha.teacher, body="private")

    assert client_for(alpha, getattr(alpha, who)).get(f"/lessons/{lesson.pk}/chat/").status_code == 404


def test_another_schools_user_cannot_read_the_chat(client_for, cast, alpha, lesson):
    beta = cast.b
    with schema_context(beta.school.schema_name):
        on_beta = client_for(beta, beta.student)
        assert on_beta.get(f"/lessons/{lesson.pk}/chat/").status_code == 404


# The lessons lists -------------------------------------------------------------------------------
def test_the_join_button_shows_from_15_minutes_before_until_marked(client_for, alpha):
    open_now = make_paid_lesson(alpha, starts_in=timedelta(minutes=14))
    not_yet = make_paid_lesson(alpha, starts_in=timedelta(minutes=16, hours=2))
    client = client_for(alpha, alpha.student)

    page = text(client.get("/student/lessons/"))
    assert page.count(">Join the room<") == 1
    assert f"/lessons/{open_now.pk}/room/" in page and f"/lessons/{not_yet.pk}/room/" not in page

    Lesson.objects.filter(pk=open_now.pk).update(status=Lesson.Status.NO_SHOW)
    assert ">Join the room<" not in text(client.get("/student/lessons/"))


def test_the_join_button_is_on_the_teachers_day_and_the_schedule(client_for, alpha, lesson):
    teacher = client_for(alpha, alpha.teacher)
    assert f"/lessons/{lesson.pk}/room/" in text(teacher.get("/teacher/lessons/"))
    assert f"/lessons/{lesson.pk}/room/" in text(teacher.get("/teacher/schedule/"))
    assert f"/lessons/{lesson.pk}/room/" in text(client_for(alpha, alpha.student).get("/student/schedule/"))
    # Another teacher's list has no way into it.
    assert f"/lessons/{lesson.pk}/room/" not in text(client_for(alpha, alpha.teacher2).get("/teacher/lessons/"))


def test_the_lessons_whose_room_opened_link_to_their_chat(client_for, alpha):
    past = make_paid_lesson(alpha, starts_in=-timedelta(hours=3))
    Lesson.objects.filter(pk=past.pk).update(status=Lesson.Status.HELD, marked_at=timezone.now())
    cancelled = make_paid_lesson(alpha, starts_in=-timedelta(hours=6))
    Lesson.objects.filter(pk=cancelled.pk).update(status=Lesson.Status.CANCELLED_IN_TIME,
                                                  cancelled_at=timezone.now() - timedelta(days=2))
    upcoming = make_paid_lesson(alpha, starts_in=timedelta(days=1))

    page = text(client_for(alpha, alpha.student).get("/student/lessons/"))

    assert f'href="/lessons/{past.pk}/chat/">Lesson chat' in page
    assert f"/lessons/{cancelled.pk}/chat/" not in page  # cancelled before its room opened
    assert f"/lessons/{upcoming.pk}/chat/" not in page


def test_the_room_speaks_the_persons_language_to_its_script_too(client_for, alpha, lesson):
    alpha.student.language = "ru"
    alpha.student.save(update_fields=["language"])

    page = text(client_for(alpha, alpha.student).get(f"/lessons/{lesson.pk}/room/"))

    assert "Проверьте камеру и звук" in page
    assert json.dumps("Tom Teacher на связи")[1:-1] in page  # in the strings handed to the script (json_script)
