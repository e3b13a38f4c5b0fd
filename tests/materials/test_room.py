"""The stage and the plan panel inside the lesson room, and the teacher's upload mid-lesson."""

import pytest
from django_tenants.utils import schema_context

from tenant_apps.materials.models import LessonPlan, PlanItem
from tenant_apps.materials.services import item_add
from tenant_apps.vocabulary.services import word_add
from tests.materials.conftest import pdf_bytes, png_bytes, upload


@pytest.mark.access("stage:item_new", who="allowed")
def test_the_teacher_uploads_a_pdf_mid_lesson_into_the_lessons_plan(client_for, alpha, lesson):
    response = client_for(alpha, alpha.teacher).post(
        f"/lessons/{lesson.pk}/stage/items/", {"kind": "pdf", "file": upload("new.pdf", pdf_bytes(2))}
    )

    assert response.status_code == 201
    body = response.json()
    item = PlanItem.objects.get(plan__lesson=lesson)
    assert body["item"]["id"] == item.material_id and len(body["item"]["pages"]) == 2
    assert body["plan"] == item.plan_id and LessonPlan.objects.get(pk=body["plan"]).lesson == lesson
    assert f'data-show-item="{item.pk}"' in body["html"]


def test_a_mid_lesson_item_goes_into_the_plan_the_panel_shows(client_for, alpha, lesson, plan):
    from tenant_apps.materials.services import plan_create

    second = plan_create(owner=alpha.teacher, lesson=lesson, title="Second plan")

    client_for(alpha, alpha.teacher).post(f"/lessons/{lesson.pk}/stage/items/",
                                          {"kind": "text", "text": "New exercise", "plan": second.pk})

    assert list(second.items.values_list("material__title", flat=True)) == ["New exercise"]
    assert not plan.items.exists()


def test_a_bad_mid_lesson_upload_answers_the_reason_and_adds_nothing(client_for, alpha, lesson):
    response = client_for(alpha, alpha.teacher).post(
        f"/lessons/{lesson.pk}/stage/items/", {"kind": "image", "file": upload("x.png", b"not an image")}
    )

    assert response.status_code == 422
    assert "Upload one of: PNG, JPEG, GIF, WebP." in response.json()["errors"]["file"][0]
    assert not PlanItem.objects.exists() and not LessonPlan.objects.exists()


@pytest.mark.access("stage:item_new", who="wrong_role")
def test_only_the_lessons_teacher_uploads_mid_lesson(client_for, cast, alpha, lesson):
    data = {"kind": "text", "text": "x"}
    assert client_for(alpha, alpha.student).post(f"/lessons/{lesson.pk}/stage/items/", data).status_code == 403
    assert client_for(alpha, alpha.teacher2).post(f"/lessons/{lesson.pk}/stage/items/", data).status_code == 404
    assert client_for(alpha, alpha.manager).post(f"/lessons/{lesson.pk}/stage/items/", data).status_code == 404
    assert client_for(cast.b, cast.b.teacher).post(f"/lessons/{lesson.pk}/stage/items/", data).status_code == 404
    with schema_context(alpha.school.schema_name):  # the request on beta's host left the connection there
        assert not PlanItem.objects.exists()


def test_the_teachers_room_has_the_plan_panel_and_the_stage(client_for, alpha, lesson, plan):
    item_add(plan=plan, by=alpha.teacher, kind="image", title="Cat", upload=upload("c.png", png_bytes()))
    word_add(lesson=lesson, by=alpha.student, word="cat", translation="кошка")

    page = client_for(alpha, alpha.teacher).get(f"/lessons/{lesson.pk}/room/").content.decode()

    assert "data-plan-panel" in page and "Cat" in page and "Add a new item and show it" in page
    assert f'data-socket="/ws/lessons/{lesson.pk}/stage/"' in page and 'data-leader="true"' in page
    assert '<strong>cat</strong><span class="word-transcription"> kæt</span> — кошка' in page  # with its IPA


def test_the_students_room_has_the_stage_but_no_plan(client_for, alpha, lesson, plan):
    item_add(plan=plan, by=alpha.teacher, kind="text", title="Secret answers", text="42")

    page = client_for(alpha, alpha.student).get(f"/lessons/{lesson.pk}/room/").content.decode()

    assert "data-stage" in page and "Add to the dictionary" in page
    assert "data-plan-panel" not in page and "Secret answers" not in page
    assert '<div class="room-plan"></div>' in page  # empty, so the layout hides the column


@pytest.mark.access("stage:plan_new", who="allowed")
def test_the_teacher_brings_a_template_into_the_lesson_mid_lesson(client_for, alpha, lesson):
    from tenant_apps.materials.services import plan_create

    template = plan_create(owner=alpha.teacher2, title="Shared warm-ups")
    item_add(plan=template, by=alpha.teacher2, kind="text", title="Warm-up", text="Hello")

    response = client_for(alpha, alpha.teacher).post(f"/lessons/{lesson.pk}/stage/plans/", {"template": template.pk})

    assert response.status_code == 201
    copy = LessonPlan.objects.get(lesson=lesson)
    assert response.json()["plan"] == copy.pk and 'data-show-item' in response.json()["html"]
    assert list(copy.items.values_list("material__title", flat=True)) == ["Warm-up"]


@pytest.mark.access("stage:plan_new", who="wrong_role")
def test_only_a_template_can_be_brought_in_and_only_by_the_teacher(client_for, cast, alpha, lesson, plan):
    from tenant_apps.materials.services import plan_create

    template = plan_create(owner=alpha.teacher, title="T")
    url = f"/lessons/{lesson.pk}/stage/plans/"

    assert client_for(alpha, alpha.teacher).post(url, {"template": plan.pk}).status_code == 422  # a lesson's plan
    assert client_for(alpha, alpha.teacher).post(url, {"template": "x"}).status_code == 422
    assert client_for(alpha, alpha.student).post(url, {"template": template.pk}).status_code == 403
    assert client_for(alpha, alpha.teacher2).post(url, {"template": template.pk}).status_code == 404
    assert client_for(cast.b, cast.b.teacher).post(url, {"template": template.pk}).status_code == 404
    with schema_context(alpha.school.schema_name):  # the request on beta's host left the connection there
        assert LessonPlan.objects.filter(lesson=lesson).count() == 1


@pytest.mark.access("stage:library_search", "stage:library_add", who="allowed")
def test_the_teacher_searches_the_library_mid_lesson_and_keeps_a_find_in_the_plan(client_for, alpha, lesson):
    from tenant_apps.materials.library import material_create

    found = material_create(owner=alpha.methodologist, kind="link", title="Phrasal verbs", shared=True,
                            url="https://example.com/phrasal")
    client = client_for(alpha, alpha.teacher)

    results = client.get(f"/lessons/{lesson.pk}/stage/library/", {"q": "phrasl"}).json()["results"]  # a typo
    assert [result["id"] for result in results] == [found.pk]
    response = client.post(f"/lessons/{lesson.pk}/stage/library/{found.pk}/plan/")

    assert response.status_code == 201
    assert PlanItem.objects.get(plan__lesson=lesson).material == found
    assert f'data-material="{found.pk}"' in response.json()["html"]


@pytest.mark.access("stage:library_search", "stage:library_add", who="wrong_role")
def test_the_student_and_outsiders_cannot_search_or_add_from_the_room(client_for, alpha, lesson):
    from tenant_apps.materials.library import material_create

    found = material_create(owner=alpha.teacher, kind="text", title="Story", text="x", shared=True)
    for who, status in (("student", 403), ("student2", 404), ("teacher2", 404)):
        client = client_for(alpha, getattr(alpha, who))
        assert client.get(f"/lessons/{lesson.pk}/stage/library/", {"q": "story"}).status_code == status, who
        assert client.post(f"/lessons/{lesson.pk}/stage/library/{found.pk}/plan/").status_code == status, who
    private = material_create(owner=alpha.teacher2, kind="text", title="Draft", text="x")
    response = client_for(alpha, alpha.teacher).post(f"/lessons/{lesson.pk}/stage/library/{private.pk}/plan/")
    assert response.status_code == 404
    assert not PlanItem.objects.exists()
