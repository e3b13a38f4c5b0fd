"""A material's files: its author, the lesson's teacher, the school's overseers, and the student once it has
been shown to them; anyone else gets 404."""

import pytest
from django.test import Client
from django_tenants.utils import schema_context

from tenant_apps.materials.services import item_add, plan_create, stage_show
from tests.materials.conftest import make_lesson, pdf_bytes, png_bytes, upload


def shown(item):
    """Put the item's material on its lesson's stage: from then on the student may open it."""
    stage_show(lesson_id=item.plan.lesson_id, material=item.material)
    return item.material


@pytest.fixture
def picture(alpha, plan):
    item = item_add(plan=plan, by=alpha.teacher, kind="image", title="Cat", upload=upload("cat.png", png_bytes()))
    return shown(item)


def test_the_student_sees_a_material_only_once_it_has_been_shown(client_for, alpha, plan):
    item = item_add(plan=plan, by=alpha.teacher, kind="image", title="Cat", upload=upload("cat.png", png_bytes()))
    client = client_for(alpha, alpha.student)
    assert client.get(f"/materials/{item.material_id}/file/").status_code == 404
    shown(item)
    assert client.get(f"/materials/{item.material_id}/file/").status_code == 200


@pytest.mark.access("materials:material_file", who="allowed")
@pytest.mark.parametrize("who", ["teacher", "student", "manager", "methodologist"])
def test_the_lessons_people_and_the_schools_overseers_get_a_pushed_file(client_for, alpha, picture, who):
    response = client_for(alpha, getattr(alpha, who)).get(f"/materials/{picture.pk}/file/")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")


@pytest.mark.access("materials:material_file", who="wrong_role")
@pytest.mark.parametrize("who", ["teacher2", "student2"])
def test_a_non_participant_gets_404_for_a_pushed_file(client_for, alpha, picture, who):
    assert client_for(alpha, getattr(alpha, who)).get(f"/materials/{picture.pk}/file/").status_code == 404


def test_another_schools_user_gets_404_on_their_own_host_and_the_login_page_on_ours(client_for, cast, picture):
    beta_student = client_for(cast.b, cast.b.student)
    assert beta_student.get(f"/materials/{picture.pk}/file/").status_code == 404

    on_alpha = Client(HTTP_HOST=cast.a.host)
    on_alpha.cookies["sessionid"] = beta_student.cookies["sessionid"].value
    response = on_alpha.get(f"/materials/{picture.pk}/file/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_the_same_item_number_in_another_school_serves_that_schools_own_file_only(client_for, cast, picture,
                                                                                   private_media):
    with schema_context(cast.b.school.schema_name):
        beta_lesson = make_lesson(cast.b)
        beta_plan = plan_create(owner=cast.b.teacher, lesson=beta_lesson, title="Beta")
        beta_item = shown(item_add(plan=beta_plan, by=cast.b.teacher, kind="image", title="Dog",
                                   upload=upload("dog.png", png_bytes(color=(0, 0, 255)))))

    body = b"".join(client_for(cast.b, cast.b.student).get(f"/materials/{beta_item.pk}/file/").streaming_content)

    assert (private_media / "beta" / beta_item.file.name).read_bytes() == body
    assert (private_media / "alpha" / picture.file.name).read_bytes() != body


def test_an_anonymous_visitor_is_sent_to_log_in(client_for, alpha, picture):
    response = client_for(alpha).get(f"/materials/{picture.pk}/file/")

    assert response.status_code == 302


def test_the_public_media_view_cannot_reach_lesson_materials(client_for, alpha, picture):
    assert client_for(alpha, alpha.student).get(f"/media/{picture.file.name}").status_code == 404


@pytest.mark.access("materials:material_page", who=("allowed", "wrong_role"))
def test_pdf_pages_are_served_to_the_student_and_refused_past_the_last_page(client_for, alpha, plan):
    sheet = shown(item_add(plan=plan, by=alpha.teacher, kind="pdf", title="Sheet",
                           upload=upload("s.pdf", pdf_bytes(2))))
    client = client_for(alpha, alpha.student)

    second = client.get(f"/materials/{sheet.pk}/pages/2.jpg")
    assert second.status_code == 200 and second["Content-Type"] == "image/jpeg"
    assert client.get(f"/materials/{sheet.pk}/pages/3.jpg").status_code == 404
    assert client_for(alpha, alpha.student2).get(f"/materials/{sheet.pk}/pages/1.jpg").status_code == 404


def test_a_range_request_gets_just_those_bytes_for_seeking_in_a_video(client_for, alpha, picture):
    response = client_for(alpha, alpha.student).get(f"/materials/{picture.pk}/file/", HTTP_RANGE="bytes=1-3")

    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes 1-3/{picture.size}"
    assert b"".join(response.streaming_content) == b"PNG"


def test_a_shelf_is_private_until_shared_and_never_the_students(client_for, alpha):
    from tenant_apps.materials.library import material_share

    template = plan_create(owner=alpha.teacher, title="English for beginners, lesson 10")
    item = item_add(plan=template, by=alpha.teacher, kind="image", title="Cat", upload=upload("c.png", png_bytes()))
    url = f"/materials/{item.material_id}/file/"

    assert client_for(alpha, alpha.teacher2).get(url).status_code == 404
    material_share(material=item.material)
    assert client_for(alpha, alpha.teacher2).get(url).status_code == 200
    assert client_for(alpha, alpha.student).get(url).status_code == 404


def test_the_public_media_view_cannot_climb_into_the_private_folder(client_for, alpha, picture, settings):
    settings.PRIVATE_MEDIA_ROOT = settings.MEDIA_ROOT / "private-materials"  # the default layout
    from tenant_apps.materials.services import item_add
    from tests.materials.conftest import png_bytes, upload

    plan = picture.plan_items.get().plan
    item = shown(item_add(plan=plan, by=alpha.teacher, kind="image", title="Dog", upload=upload("d.png", png_bytes())))
    client = client_for(alpha, alpha.student2)

    for path in (f"../private-materials/alpha/{item.file.name}", f"/media/../private-materials/alpha/{item.file.name}"):
        assert client.get(f"/media/{path}").status_code == 404
    assert client_for(alpha, alpha.student).get(f"/materials/{item.pk}/file/").status_code == 200
    item.file.storage.delete(item.file.name)


@pytest.mark.access("materials:material_file_named", "materials:material_preview", who=("allowed", "wrong_role"))
def test_a_links_card_image_and_a_file_by_its_named_url_follow_the_same_check(client_for, alpha, picture):
    from django.core.files.base import ContentFile

    from tenant_apps.materials.library import material_create
    from tenant_apps.materials.storage import private_storage

    link = material_create(owner=alpha.teacher, kind="link", title="Verbs", url="https://example.com/verbs")
    link.preview_image = private_storage().save("materials/library/card.png", ContentFile(png_bytes()))
    link.save(update_fields=["preview_image"])
    teacher, colleague, student = (client_for(alpha, getattr(alpha, who)) for who in ("teacher", "teacher2", "student"))

    assert teacher.get(f"/materials/{link.pk}/preview/")["Content-Type"] == "image/png"
    assert colleague.get(f"/materials/{link.pk}/preview/").status_code == 404  # private until shared
    assert student.get(f"/materials/{link.pk}/preview/").status_code == 404  # never shown to them
    assert student.get(f"/materials/{picture.pk}/file.png").status_code == 200  # shown in the lesson
    assert client_for(alpha, alpha.student2).get(f"/materials/{picture.pk}/file.png").status_code == 404
