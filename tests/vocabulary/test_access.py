"""Only the student, the student's teachers and the school's managers see (and edit) a student's dictionary;
only the student reviews. Everyone else gets 404 (403 for a page of another role's area)."""

import pytest
from django.test import Client
from django_tenants.utils import schema_context

from tenant_apps.vocabulary.models import Card, Word

PER_STUDENT = [  # (url name, method, path with {student} or {word})
    ("vocabulary:student_words", "get", "/dictionaries/{student}/"),
    ("vocabulary:word_new", "get", "/dictionaries/{student}/words/new/"),
    ("vocabulary:word_sentence", "get", "/dictionaries/{student}/words/sentence/"),
    ("vocabulary:export_csv", "get", "/dictionaries/{student}/export.csv"),
    ("vocabulary:export_apkg", "get", "/dictionaries/{student}/export.apkg"),
    ("vocabulary:import_csv", "get", "/dictionaries/{student}/import/"),
    ("vocabulary:word_edit", "get", "/dictionary/words/{word}/"),
    ("vocabulary:word_audio", "get", "/dictionary/words/{word}/audio/"),
    ("vocabulary:word_image", "get", "/dictionary/words/{word}/image/"),
    ("vocabulary:word_recording", "post", "/dictionary/words/{word}/recording/"),
    ("vocabulary:word_delete", "post", "/dictionary/words/{word}/delete/"),
]
NAMES = [name for name, _method, _path in PER_STUDENT]


def _request(client, method, path, word):
    return getattr(client, method)(path.format(student=word.student_id, word=word.pk))


@pytest.mark.access(*NAMES, who="allowed")
@pytest.mark.parametrize("who", ["teacher", "manager"])
@pytest.mark.parametrize(("name", "method", "path"), PER_STUDENT, ids=NAMES)
def test_the_students_teacher_and_a_manager_open_every_page_of_the_dictionary(client_for, alpha, word, who, name,
                                                                               method, path):
    response = _request(client_for(alpha, getattr(alpha, who)), method, path, word)

    if name == "vocabulary:word_image":
        assert response.status_code == 404  # the word has no picture: the access check passed
    elif name == "vocabulary:word_recording":
        assert response.status_code == 422  # no file sent: the form says so
    else:
        assert response.status_code in (200, 302)


@pytest.mark.access("vocabulary:word_*", "vocabulary:export_*", "vocabulary:import_csv", who="allowed")
def test_the_student_opens_their_own_pages(client_for, alpha, word):
    client = client_for(alpha, alpha.student)
    for name, method, path in PER_STUDENT:
        if method == "get" and name not in ("vocabulary:word_image", "vocabulary:student_words"):
            assert _request(client, method, path, word).status_code == 200, name
    assert client.get(f"/dictionaries/{alpha.student.pk}/")["Location"] == "/student/dictionary/"


@pytest.mark.access(*NAMES, who="wrong_role")
@pytest.mark.parametrize("who", ["teacher2", "student2", "methodologist"])
@pytest.mark.parametrize(("name", "method", "path"), PER_STUDENT, ids=NAMES)
def test_another_teacher_student_or_the_methodologist_gets_404_and_nothing_changes(client_for, alpha, word, who,
                                                                                    name, method, path):
    response = _request(client_for(alpha, getattr(alpha, who)), method, path, word)

    assert response.status_code == 404
    assert Word.objects.filter(pk=word.pk).exists()


@pytest.mark.access(*NAMES, "vocabulary:student_dictionary", "vocabulary:review", "vocabulary:review_rate",
                    "vocabulary:dictionaries", who="other_school")
@pytest.mark.parametrize(("name", "method", "path"), [*PER_STUDENT, (
    "vocabulary:review_rate", "post", "/student/dictionary/review/{word}/")], ids=[*NAMES, "review_rate"])
def test_another_schools_user_gets_nothing(client_for, cast, word, name, method, path):
    beta = client_for(cast.b, cast.b.student)
    assert _request(beta, method, path, word).status_code == 404
    on_alpha = Client(HTTP_HOST=cast.a.host)
    on_alpha.cookies["sessionid"] = beta.cookies["sessionid"].value
    response = _request(on_alpha, method, path, word)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    with schema_context(cast.a.school.schema_name):
        assert Word.objects.filter(pk=word.pk).exists()


@pytest.mark.access("vocabulary:student_dictionary", "vocabulary:review", who="allowed")
def test_the_student_opens_the_dictionary_and_the_review(client_for, alpha, word):
    client = client_for(alpha, alpha.student)

    assert "read" in client.get("/student/dictionary/").content.decode()
    assert "read" in client.get("/student/dictionary/review/").content.decode()


@pytest.mark.access("vocabulary:student_dictionary", "vocabulary:review", "vocabulary:review_rate",
                    who="wrong_role")
@pytest.mark.parametrize("who", ["teacher", "manager", "methodologist"])
def test_the_review_and_my_dictionary_are_the_students_alone(client_for, alpha, word, who):
    client = client_for(alpha, getattr(alpha, who))
    card = Card.objects.filter(word=word).first()

    assert client.get("/student/dictionary/").status_code == 403
    assert client.get("/student/dictionary/review/").status_code == 403
    assert client.post(f"/student/dictionary/review/{card.pk}/", {"rating": 3}).status_code == 403
    card.refresh_from_db()
    assert card.last_review is None


@pytest.mark.access("vocabulary:review_rate", who="allowed")
def test_the_student_rates_a_card(client_for, alpha, word):
    card = Card.objects.filter(word=word).first()

    response = client_for(alpha, alpha.student).post(f"/student/dictionary/review/{card.pk}/",
                                                     {"rating": 3, "duration_ms": "2500"})

    assert response.status_code == 302
    card.refresh_from_db()
    assert card.last_review is not None
    assert list(card.reviews.values_list("rating", "review_duration")) == [(3, 2500)]


@pytest.mark.access("vocabulary:review_rate", who="wrong_role")
def test_another_student_cannot_rate_someone_elses_card(client_for, alpha, word):
    card = Card.objects.filter(word=word).first()

    response = client_for(alpha, alpha.student2).post(f"/student/dictionary/review/{card.pk}/", {"rating": 3})

    assert response.status_code == 404
    assert not card.reviews.exists()


@pytest.mark.access("vocabulary:dictionaries", who="allowed")
@pytest.mark.parametrize("who", ["teacher", "manager"])
def test_a_teacher_sees_their_students_and_a_manager_every_student(client_for, alpha, word, who):
    page = client_for(alpha, getattr(alpha, who)).get("/dictionaries/").content.decode()

    assert alpha.student.get_full_name() in page
    assert (alpha.student2.get_full_name() in page) == (who == "manager")


@pytest.mark.access("vocabulary:dictionaries", who="wrong_role")
@pytest.mark.parametrize("who", ["student", "methodologist"])
def test_students_and_methodologists_have_no_list_of_dictionaries(client_for, alpha, who):
    assert client_for(alpha, getattr(alpha, who)).get("/dictionaries/").status_code == 403


@pytest.fixture
def word_list(alpha, english):
    from tenant_apps.materials.models import Material

    return Material.objects.create(kind="words", owner=alpha.teacher, shared=True, title="Travel", language=english,
                                   words=[{"word": "ticket", "translation": "билет", "example": "A ticket, please."},
                                          {"word": "read", "translation": "прочитать"}])


@pytest.mark.access("vocabulary:word_list_add", who="allowed")
def test_the_teacher_adds_a_library_word_list_in_one_click(client_for, alpha, word, word_list):
    page = client_for(alpha, alpha.teacher).get(f"/dictionaries/{alpha.student.pk}/words/new/").content.decode()
    response = client_for(alpha, alpha.teacher).post(f"/dictionaries/{alpha.student.pk}/words/from-list/",
                                                     {"material": word_list.pk})

    assert "Travel (2)" in page
    assert response.status_code == 302
    words = {entry.word: entry for entry in Word.objects.filter(student=alpha.student)}
    assert set(words) == {"read", "ticket"}
    assert words["read"].translation == "читать; прочитать"  # merged into the word already there
    assert words["ticket"].topics == ["Travel"] and words["ticket"].transcription


@pytest.mark.access("vocabulary:word_list_add", who="wrong_role")
@pytest.mark.parametrize("who", ["teacher2", "student2"])
def test_nobody_else_adds_a_list_to_the_students_dictionary(client_for, alpha, word, word_list, who):
    response = client_for(alpha, getattr(alpha, who)).post(f"/dictionaries/{alpha.student.pk}/words/from-list/",
                                                           {"material": word_list.pk})

    assert response.status_code == 404
    assert Word.objects.count() == 1


@pytest.mark.access("vocabulary:word_list_add", who="other_school")
def test_another_schools_teacher_cannot_add_a_list(client_for, cast, word, word_list):
    response = client_for(cast.b, cast.b.teacher).post(f"/dictionaries/{word.student_id}/words/from-list/",
                                                       {"material": word_list.pk})

    assert response.status_code == 404
