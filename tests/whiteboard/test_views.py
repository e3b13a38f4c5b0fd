"""The board over HTTP: the read-only history page, the document's state, images (upload and serve)."""

import io
from datetime import timedelta

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django_tenants.utils import schema_context
from PIL import Image
from pycrdt import Doc, Map

from classroom.access import seat_for
from classroom.whiteboard import store, views
from classroom.whiteboard.models import BoardImage
from tests.whiteboard.conftest import make_lesson


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


@pytest.fixture
def lesson(alpha):
    return make_lesson(alpha)


def png(width=40, height=30) -> io.BytesIO:
    data = io.BytesIO()
    Image.new("RGB", (width, height), "teal").save(data, "PNG")
    data.seek(0)
    data.name = "drawing.png"
    return data


def drawn(lesson, count=3):
    doc = Doc()
    elements = doc.get("elements", type=Map)
    with doc.transaction():
        for number in range(count):
            elements[f"e{number}"] = {"id": f"e{number}", "type": "rectangle", "customData": {"page": "page-1"}}
    store.append(lesson.pk, doc.get_update(), None)


@pytest.mark.access("whiteboard:history", "whiteboard:state", who="allowed")
@pytest.mark.parametrize("who", ["teacher", "student", "manager", "methodologist"])
def test_the_lesson_board_is_readable_by_its_people_and_the_schools_staff(alpha, client_for, lesson, who):
    drawn(lesson)
    response = client_for(alpha, getattr(alpha, who)).get(f"/lessons/{lesson.pk}/board/")
    assert response.status_code == 200
    assert b"data-board-pdf" in response.content and b"data-board-add-page" not in response.content
    state = client_for(alpha, getattr(alpha, who)).get(f"/lessons/{lesson.pk}/board/state/")
    doc = Doc()
    doc.apply_update(state.content)
    assert set(doc.get("elements", type=Map).to_py()) == {"e0", "e1", "e2"}


@pytest.mark.access("whiteboard:history", "whiteboard:state", "whiteboard:live", who=("wrong_role", "other_school"))
def test_another_teacher_and_another_school_get_nothing(alpha, cast, client_for, lesson):
    for suffix in ("", "state/", "live/"):
        path = f"/lessons/{lesson.pk}/board/{suffix}"
        assert client_for(alpha, alpha.teacher2).get(path).status_code == 404
        stranger = client_for(cast.b, cast.b.student)
        response = stranger.get(path, HTTP_HOST=alpha.host)  # school B's session means nobody in school A
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.access("whiteboard:live", who=("allowed", "wrong_role"))
def test_staff_may_read_the_board_but_not_enter_the_live_one(alpha, client_for, lesson):
    assert client_for(alpha, alpha.manager).get(f"/lessons/{lesson.pk}/board/live/").status_code == 403
    live = client_for(alpha, alpha.teacher).get(f"/lessons/{lesson.pk}/board/live/")
    assert live.status_code == 200 and b"data-board-add-page" in live.content and b"data-board-follow" in live.content
    student = client_for(alpha, alpha.student).get(f"/lessons/{lesson.pk}/board/live/")
    assert b"data-board-follow" not in student.content and b"data-board-png" in student.content


def test_the_history_page_and_the_state_read_a_constant_number_of_queries(
    alpha, client_for, lesson, django_assert_max_num_queries
):
    client = client_for(alpha, alpha.student)
    drawn(lesson, 1)
    with django_assert_max_num_queries(8) as few:
        client.get(f"/lessons/{lesson.pk}/board/")
    with django_assert_max_num_queries(8) as few_state:
        client.get(f"/lessons/{lesson.pk}/board/state/")
    for _ in range(20):
        drawn(lesson, 50)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(f"/lessons/{lesson.pk}/board/")
    with django_assert_max_num_queries(len(few_state.captured_queries)):
        assert client.get(f"/lessons/{lesson.pk}/board/state/").status_code == 200


@pytest.mark.access("whiteboard:upload", who="allowed")
def test_a_participant_uploads_an_image_stored_under_the_schools_path_and_served_to_participants(
    alpha, client_for, lesson, media
):
    response = client_for(alpha, alpha.student).post(f"/lessons/{lesson.pk}/board/images/", {"file": png()})
    assert response.status_code == 201
    answer = response.json()
    assert answer["mimeType"] == "image/png" and (answer["width"], answer["height"]) == (40, 30)
    image = BoardImage.objects.get()
    assert image.file.path.startswith(str(media / alpha.school.schema_name / "board" / str(lesson.pk)))
    assert answer["url"] == f"/lessons/{lesson.pk}/board/images/{image.id}/"
    for who in ("teacher", "student", "manager"):
        served = client_for(alpha, getattr(alpha, who)).get(answer["url"])
        assert served.status_code == 200 and served["Content-Type"] == "image/png"
        assert b"".join(served.streaming_content)[:4] == b"\x89PNG"
    assert client_for(alpha, alpha.teacher2).get(answer["url"]).status_code == 404


@pytest.mark.parametrize(
    "upload, message",
    [
        (io.BytesIO(b"just some text"), "This file is not a PNG, JPEG, GIF or WebP image."),
        (None, "Choose an image to upload."),
    ],
)
def test_a_bad_upload_gets_a_clear_message_and_stores_nothing(alpha, client_for, lesson, media, upload, message):
    data = {"file": upload} if upload else {}
    if upload:
        upload.name = "notes.png"
    response = client_for(alpha, alpha.teacher).post(f"/lessons/{lesson.pk}/board/images/", data)
    assert response.status_code == 400 and response.json() == {"error": message}
    assert not BoardImage.objects.exists()


def test_an_image_too_large_is_refused(alpha, client_for, lesson, media, monkeypatch):
    monkeypatch.setattr(views, "MAX_IMAGE_BYTES", 100)
    response = client_for(alpha, alpha.teacher).post(f"/lessons/{lesson.pk}/board/images/", {"file": png(200, 200)})
    assert response.status_code == 400 and "10 MB" in response.json()["error"]
    assert not BoardImage.objects.exists()


@pytest.mark.parametrize("width, height, refused", [(9_000, 9_000, True), (6_400, 6_250, False), (8_000, 5_001, True)])
def test_an_image_over_40_megapixels_is_refused_as_lesson_materials_are(
    alpha, client_for, lesson, media, width, height, refused
):
    data = io.BytesIO()
    Image.new("1", (width, height)).save(data, "PNG")  # a few KB on disk, 81 megapixels to every browser
    data.seek(0)
    data.name = "huge.png"

    response = client_for(alpha, alpha.teacher).post(f"/lessons/{lesson.pk}/board/images/", {"file": data})

    if refused:
        assert response.status_code == 400
        assert response.json() == {"error": f"The image is {width} × {height} pixels; please make it smaller than "
                                            "40 megapixels."}
        assert not BoardImage.objects.exists()
    else:  # exactly 40 megapixels is still welcome
        assert response.status_code == 201 and BoardImage.objects.get().width == width


@pytest.mark.access("whiteboard:upload", who="wrong_role")
def test_uploads_need_a_seat_and_an_open_room(alpha, client_for, media):
    later = make_lesson(alpha, starts_in=timedelta(days=3))
    teacher = client_for(alpha, alpha.teacher)
    assert teacher.post(f"/lessons/{later.pk}/board/images/", {"file": png()}).status_code == 403
    now = make_lesson(alpha)
    assert client_for(alpha, alpha.manager).post(f"/lessons/{now.pk}/board/images/", {"file": png()}).status_code == 403
    assert not BoardImage.objects.exists()


def test_the_leader_is_offered_the_pairs_earlier_boards_and_the_student_is_not(alpha, lesson):
    earlier = make_lesson(alpha, starts_in=timedelta(days=-7))
    drawn(earlier)
    other_pair = make_lesson(alpha, starts_in=timedelta(days=-3), student=alpha.student2)
    drawn(other_pair)
    request = RequestFactory().get("/")
    with schema_context(alpha.school.schema_name):
        leader, student = (
            render_to_string("classroom/_board.html", {"lesson": lesson, "seat": seat_for(who, lesson)}, request)
            for who in (alpha.teacher, alpha.student)
        )
    assert f"/lessons/{earlier.pk}/board/state/" in leader and f"/lessons/{other_pair.pk}/board/state/" not in leader
    assert "data-board-earlier" not in student
