"""My dictionary: the words from the lessons, added from the room by either side, filtered by lesson."""

from datetime import timedelta

import pytest
from django.test import Client
from django_tenants.utils import schema_context

from tenant_apps.vocabulary.models import Word
from tenant_apps.vocabulary.services import word_add
from tests.materials.conftest import make_lesson


@pytest.fixture
def lesson(alpha):
    return make_lesson(alpha)


@pytest.mark.access("stage:word_new", who="allowed")
@pytest.mark.parametrize("who", ["teacher", "student"])
def test_either_side_adds_a_word_from_the_room_tagged_with_the_lesson(client_for, alpha, lesson, who):
    response = client_for(alpha, getattr(alpha, who)).post(
        f"/lessons/{lesson.pk}/stage/words/",
        {"word": "  serendipity ", "translation": "счастливая случайность", "example": "Pure serendipity!"},
    )

    assert response.status_code == 201
    word = Word.objects.get()
    assert (word.student, word.lesson, word.added_by, word.word) == (alpha.student, lesson, getattr(alpha, who),
                                                                      "serendipity")
    assert response.json()["word"]["translation"] == "счастливая случайность"


@pytest.mark.access("stage:word_new", who="wrong_role")
@pytest.mark.parametrize("who", ["teacher2", "student2", "manager"])
def test_nobody_else_adds_words_to_a_lesson(client_for, alpha, lesson, who):
    response = client_for(alpha, getattr(alpha, who)).post(f"/lessons/{lesson.pk}/stage/words/",
                                                           {"word": "a", "translation": "b"})

    assert response.status_code == 404
    assert not Word.objects.exists()


def test_another_schools_user_cannot_add_a_word(client_for, cast, lesson):
    response = client_for(cast.b, cast.b.teacher).post(f"/lessons/{lesson.pk}/stage/words/",
                                                        {"word": "a", "translation": "b"})

    assert response.status_code == 404
    with schema_context(cast.a.school.schema_name):
        assert not Word.objects.exists()


def test_a_word_needs_a_word_and_a_translation(client_for, alpha, lesson):
    response = client_for(alpha, alpha.teacher).post(f"/lessons/{lesson.pk}/stage/words/",
                                                      {"word": "   ", "translation": ""})

    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"word", "translation"}
    assert not Word.objects.exists()


@pytest.mark.access("vocabulary:student_dictionary", who="allowed")
def test_the_student_sees_the_lessons_words_after_the_lesson_filtered_by_lesson(client_for, alpha, lesson):
    earlier = make_lesson(alpha, starts_in=timedelta(days=-7))
    word_add(lesson=lesson, by=alpha.teacher, word="apple", translation="яблоко", example="An apple a day")
    word_add(lesson=earlier, by=alpha.student, word="pear", translation="груша")
    word_add(lesson=make_lesson(alpha, student=alpha.student2, starts_in=timedelta(days=-3)), by=alpha.teacher,
             word="plum", translation="слива")
    client = client_for(alpha, alpha.student)

    everything = client.get("/student/dictionary/").content.decode()
    one_lesson = client.get(f"/student/dictionary/?lesson={earlier.pk}").content.decode()

    assert "apple" in everything and "An apple a day" in everything and "pear" in everything
    assert "plum" not in everything
    assert "pear" in one_lesson and "apple" not in one_lesson


@pytest.mark.access("vocabulary:student_dictionary", who="wrong_role")
def test_the_dictionary_is_the_students(client_for, cast):
    for who in ["teacher", "methodologist", "manager"]:
        assert client_for(cast.a, getattr(cast.a, who)).get("/student/dictionary/").status_code == 403
    client = Client(HTTP_HOST=cast.a.host)
    client.cookies["sessionid"] = client_for(cast.b, cast.b.student).cookies["sessionid"].value
    assert client.get("/student/dictionary/").status_code == 302


def test_the_dictionary_costs_the_same_with_3_or_60_words(client_for, alpha, lesson, django_assert_max_num_queries):
    client = client_for(alpha, alpha.student)
    for index in range(3):
        word_add(lesson=lesson, by=alpha.teacher, word=f"w{index}", translation="t")
    client.get("/student/dictionary/")
    with django_assert_max_num_queries(12) as few:
        client.get("/student/dictionary/")
    for index in range(57):
        word_add(lesson=make_lesson(alpha, starts_in=timedelta(days=-index - 1)) if index % 10 == 0 else lesson,
                 by=alpha.teacher, word=f"more{index}", translation="t")
    with django_assert_max_num_queries(12) as many:
        response = client.get("/student/dictionary/")

    assert response.content.decode().count('<li class="entry">') == 50  # a page
    assert len(many.captured_queries) == len(few.captured_queries)
