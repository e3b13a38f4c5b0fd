"""The teacher's Materials pages and the student's Lesson plan: who opens them, and what they do."""

from datetime import timedelta

import pytest
from django.test import Client

from tenant_apps.materials.models import LessonPlan, PlanItem
from tenant_apps.materials.services import item_add, plan_create, stage_show
from tests.materials.conftest import make_lesson, png_bytes, upload

ROLES = ["student", "teacher", "methodologist", "manager"]


def pages(plan):
    return {"/teacher/materials/": "teacher", f"/teacher/materials/plans/{plan.pk}/": "teacher",
            "/student/lesson-plan/": "student"}


@pytest.mark.access("materials:teacher", "materials:plan", "materials:student_topics", who="allowed")
def test_each_page_opens_for_its_role(client_for, alpha, plan):
    for url, role in pages(plan).items():
        assert client_for(alpha, getattr(alpha, role)).get(url).status_code == 200, url


@pytest.mark.access("materials:teacher", "materials:plan", "materials:student_topics", who="wrong_role")
@pytest.mark.parametrize("intruder", ROLES)
def test_other_roles_are_refused(client_for, alpha, plan, intruder):
    for url, role in pages(plan).items():
        if role != intruder:
            assert client_for(alpha, getattr(alpha, intruder)).get(url).status_code == 403, url


def test_another_schools_user_gets_the_login_page(client_for, cast, plan):
    for url, role in pages(plan).items():
        client = Client(HTTP_HOST=cast.a.host)
        client.cookies["sessionid"] = client_for(cast.b, getattr(cast.b, role)).cookies["sessionid"].value
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/"), url


def test_another_teacher_cannot_open_or_change_a_lessons_plan(client_for, alpha, plan):
    client = client_for(alpha, alpha.teacher2)

    assert client.get(f"/teacher/materials/plans/{plan.pk}/").status_code == 404
    assert client.post(f"/teacher/materials/plans/{plan.pk}/items/", {"kind": "text", "text": "x"}).status_code == 404
    assert client.post(f"/teacher/materials/plans/{plan.pk}/delete/").status_code == 404
    assert LessonPlan.objects.filter(pk=plan.pk).exists()


def test_a_colleagues_template_can_be_applied_but_not_changed(client_for, alpha):
    template = plan_create(owner=alpha.teacher, title="Beginners 10")
    lesson = make_lesson(alpha, teacher=alpha.teacher2, student=alpha.student2)
    client = client_for(alpha, alpha.teacher2)

    assert client.get(f"/teacher/materials/plans/{template.pk}/").status_code == 403
    response = client.post(f"/teacher/materials/plans/{template.pk}/apply/", {"lesson": lesson.pk})

    assert response.status_code == 302
    assert LessonPlan.objects.get(lesson=lesson).owner == alpha.teacher2


@pytest.mark.access("materials:lesson_plan_new", "materials:item_new", "materials:plan", who="allowed")
def test_the_teacher_prepares_a_plan_before_the_lesson(client_for, alpha, lesson):
    client = client_for(alpha, alpha.teacher)

    response = client.post(f"/teacher/materials/lessons/{lesson.pk}/plans/new/")
    plan = LessonPlan.objects.get(lesson=lesson)
    assert response["Location"] == f"/teacher/materials/plans/{plan.pk}/"
    client.post(f"/teacher/materials/plans/{plan.pk}/items/", {"kind": "text", "title": "Warm-up", "text": "Hi!"})
    client.post(f"/teacher/materials/plans/{plan.pk}/items/", {"kind": "link", "url": "https://example.com/v"})
    client.post(f"/teacher/materials/plans/{plan.pk}/",
                {"title": "Past Simple", "topic": "Holidays in the past tense", "topic_shared": "on"})

    page = client.get(f"/teacher/materials/plans/{plan.pk}/").content.decode()
    assert "Warm-up" in page and "https://example.com/v" in page
    plan.refresh_from_db()
    assert (plan.title, plan.topic, plan.topic_shared) == ("Past Simple", "Holidays in the past tense", True)
    assert list(plan.items.values_list("position", "material__title")) == [(1, "Warm-up"), (2, "https://example.com/v")]


@pytest.mark.access("materials:item_move", "materials:item_delete", who="allowed")
def test_moving_an_item_up_swaps_it_with_the_one_above(client_for, alpha, plan):
    first = item_add(plan=plan, by=alpha.teacher, kind="text", title="A", text="a")
    second = item_add(plan=plan, by=alpha.teacher, kind="text", title="B", text="b")
    client = client_for(alpha, alpha.teacher)

    client.post(f"/teacher/materials/items/{second.pk}/move/", {"direction": "up"})
    client.post(f"/teacher/materials/items/{second.pk}/move/", {"direction": "up"})  # already first: nothing

    assert list(plan.items.order_by("position").values_list("material__title", flat=True)) == ["B", "A"]
    client.post(f"/teacher/materials/items/{first.pk}/delete/")
    assert list(plan.items.values_list("material__title", flat=True)) == ["B"]


@pytest.mark.access("materials:plan_save_as_template", "materials:plan_apply", who="allowed")
def test_a_plan_saved_as_a_template_is_applied_to_another_students_lesson(client_for, alpha, plan):
    item_add(plan=plan, by=alpha.teacher, kind="image", title="Cat", upload=upload("c.png", png_bytes()))
    item_add(plan=plan, by=alpha.teacher, kind="text", title="Story", text="Once upon a time")
    other = make_lesson(alpha, student=alpha.student2, starts_in=timedelta(days=2))
    client = client_for(alpha, alpha.teacher)

    client.post(f"/teacher/materials/plans/{plan.pk}/template/", {"title": "English for beginners, lesson 10"})
    template = LessonPlan.objects.get(lesson__isnull=True)
    client.post(f"/teacher/materials/plans/{template.pk}/apply/", {"lesson": other.pk})

    copy = LessonPlan.objects.get(lesson=other)
    assert template.title == "English for beginners, lesson 10"
    assert list(copy.items.values_list("material__kind", "material__title")) == [("image", "Cat"), ("text", "Story")]
    # The copy refers to the same library material: nothing copied, once shown the other student opens it.
    picture = copy.items.get(material__kind="image")
    assert picture.material_id == plan.items.get(material__kind="image").material_id
    stage_show(lesson_id=other.pk, material=picture.material)
    assert client_for(alpha, alpha.student2).get(f"/materials/{picture.material_id}/file/").status_code == 200


def test_a_template_is_not_applied_to_a_lesson_that_is_already_over(client_for, alpha):
    template = plan_create(owner=alpha.teacher, title="Shared warm-ups")
    past = make_lesson(alpha, starts_in=timedelta(days=-2))  # still "scheduled": nobody marked it

    response = client_for(alpha, alpha.teacher).post(f"/teacher/materials/plans/{template.pk}/apply/",
                                                     {"lesson": past.pk}, follow=True)

    assert "Choose one of your upcoming lessons." in response.content.decode()
    assert not LessonPlan.objects.filter(lesson=past).exists()


def test_a_plan_starts_from_a_template_on_the_shelf(client_for, alpha, lesson):
    template = plan_create(owner=alpha.teacher2, title="Shared warm-ups")
    item_add(plan=template, by=alpha.teacher2, kind="text", title="Warm-up", text="Hello")

    client_for(alpha, alpha.teacher).post(f"/teacher/materials/lessons/{lesson.pk}/plans/new/",
                                          {"template": template.pk})

    assert list(PlanItem.objects.filter(plan__lesson=lesson).values_list("material__title", flat=True)) == ["Warm-up"]


def test_a_teacher_cannot_plan_another_teachers_lesson(client_for, alpha, lesson):
    response = client_for(alpha, alpha.teacher2).post(f"/teacher/materials/lessons/{lesson.pk}/plans/new/")

    assert response.status_code == 404
    assert not LessonPlan.objects.exists()


@pytest.mark.access("materials:template_new", who="allowed")
def test_a_teacher_creates_a_template_and_lands_in_its_editor(client_for, alpha):
    response = client_for(alpha, alpha.teacher).post("/teacher/materials/templates/new/",
                                                      {"title": "Beginners 11", "topic": "Greetings"})

    template = LessonPlan.objects.get()
    assert (template.owner, template.title, template.lesson_id) == (alpha.teacher, "Beginners 11", None)
    assert response.status_code == 302 and response["Location"] == f"/teacher/materials/plans/{template.pk}/"


@pytest.mark.access("materials:plan_delete", who="allowed")
def test_a_teacher_deletes_their_lessons_plan(client_for, alpha, plan):
    response = client_for(alpha, alpha.teacher).post(f"/teacher/materials/plans/{plan.pk}/delete/")

    assert response.status_code == 302 and response["Location"] == "/teacher/materials/"
    assert not LessonPlan.objects.filter(pk=plan.pk).exists()


def test_a_template_needs_a_title(client_for, alpha):
    response = client_for(alpha, alpha.teacher).post("/teacher/materials/templates/new/", {"title": ""})

    assert response.status_code == 422
    assert "This field is required." in response.content.decode()
    assert not LessonPlan.objects.exists()


def test_the_student_sees_only_the_topics_their_teacher_shared(client_for, alpha, lesson):
    plan_create(owner=alpha.teacher, lesson=lesson, title="P1", topic="Travel vocabulary", topic_shared=True)
    plan_create(owner=alpha.teacher, lesson=lesson, title="P2", topic="Secret surprise quiz", topic_shared=False)
    other = make_lesson(alpha, student=alpha.student2, starts_in=timedelta(days=1))
    plan_create(owner=alpha.teacher, lesson=other, title="P3", topic="Someone else's topic", topic_shared=True)

    page = client_for(alpha, alpha.student).get("/student/lesson-plan/").content.decode()

    assert "Travel vocabulary" in page
    assert "Secret surprise quiz" not in page and "Someone else" not in page


def test_a_second_plan_without_a_topic_does_not_hide_the_shared_one(client_for, alpha, lesson):
    plan_create(owner=alpha.teacher, lesson=lesson, title="P1", topic="Travel vocabulary", topic_shared=True)
    plan_create(owner=alpha.teacher, lesson=lesson, title="Added mid-lesson")  # no topic, like the room's own plan

    page = client_for(alpha, alpha.student).get("/student/lesson-plan/").content.decode()

    assert "Travel vocabulary" in page


def test_the_materials_page_lists_the_next_lessons_and_the_templates(client_for, alpha, plan):
    plan_create(owner=alpha.teacher2, title="English for beginners, lesson 10")

    page = client_for(alpha, alpha.teacher).get("/teacher/materials/").content.decode()

    assert "Sam Student" in page and "Past Simple" in page
    assert "English for beginners, lesson 10" in page and "Tina Teacher" in page


def test_the_materials_page_costs_the_same_with_2_or_12_lessons(client_for, alpha, django_assert_max_num_queries):
    client = client_for(alpha, alpha.teacher)

    def add_lessons(count, offset):
        for index in range(count):
            lesson = make_lesson(alpha, starts_in=timedelta(days=offset + index, hours=2))
            plan = plan_create(owner=alpha.teacher, lesson=lesson, title=f"Plan {offset + index}")
            item_add(plan=plan, by=alpha.teacher, kind="text", title="t", text="x")
            plan_create(owner=alpha.teacher, title=f"Template {offset + index}")

    add_lessons(2, 1)
    client.get("/teacher/materials/")
    with django_assert_max_num_queries(12) as few:
        client.get("/teacher/materials/")
    add_lessons(10, 3)
    with django_assert_max_num_queries(12) as many:
        response = client.get("/teacher/materials/")

    assert response.content.decode().count("Plan ") >= 12
    assert len(many.captured_queries) == len(few.captured_queries)


def test_the_plan_page_and_the_students_topics_cost_the_same_as_they_grow(client_for, alpha, plan,
                                                                           django_assert_max_num_queries):
    teacher, student = client_for(alpha, alpha.teacher), client_for(alpha, alpha.student)
    plan.topic, plan.topic_shared = "Holidays", True
    plan.save()

    def grow(count, offset):
        for index in range(count):
            item_add(plan=plan, by=alpha.teacher, kind="text", title=f"Item {offset + index}", text="x")
            lesson = make_lesson(alpha, starts_in=timedelta(days=offset + index, hours=3))
            plan_create(owner=alpha.teacher, lesson=lesson, title="P", topic=f"Topic {offset + index}",
                        topic_shared=True)

    grow(2, 1)
    counts = {}
    for client, url in ((teacher, f"/teacher/materials/plans/{plan.pk}/"), (student, "/student/lesson-plan/")):
        client.get(url)
        with django_assert_max_num_queries(12) as few:
            client.get(url)
        counts[url] = len(few.captured_queries)
    grow(10, 3)
    for client, url in ((teacher, f"/teacher/materials/plans/{plan.pk}/"), (student, "/student/lesson-plan/")):
        with django_assert_max_num_queries(12) as many:
            page = client.get(url).content.decode()
        assert len(many.captured_queries) == counts[url], url
        assert "Item 12" in page or "Topic 12" in page


def test_a_lessons_plan_is_not_applied_like_a_template(client_for, alpha, plan):
    other = make_lesson(alpha, student=alpha.student2, starts_in=timedelta(days=1))

    response = client_for(alpha, alpha.teacher).post(f"/teacher/materials/plans/{plan.pk}/apply/", {"lesson": other.pk})

    assert response.status_code == 404
    assert not LessonPlan.objects.filter(lesson=other).exists()


def post_urls(plan, lesson, item) -> list[str]:
    return [
        "/teacher/materials/templates/new/",
        f"/teacher/materials/lessons/{lesson.pk}/plans/new/",
        f"/teacher/materials/plans/{plan.pk}/",
        f"/teacher/materials/plans/{plan.pk}/items/",
        f"/teacher/materials/plans/{plan.pk}/template/",
        f"/teacher/materials/plans/{plan.pk}/apply/",
        f"/teacher/materials/plans/{plan.pk}/delete/",
        f"/teacher/materials/items/{item.pk}/move/",
        f"/teacher/materials/items/{item.pk}/delete/",
    ]


@pytest.mark.access(
    "materials:template_new",
    "materials:lesson_plan_new",
    "materials:plan",
    "materials:item_new",
    "materials:plan_save_as_template",
    "materials:plan_apply",
    "materials:plan_delete",
    "materials:item_move",
    "materials:item_delete",
    who="wrong_role",
)
@pytest.mark.parametrize("intruder", ["student", "methodologist", "manager"])
def test_every_teacher_action_refuses_other_roles_and_changes_nothing(client_for, alpha, lesson, plan, intruder):
    item = item_add(plan=plan, by=alpha.teacher, kind="text", title="Keep me", text="x")
    client = client_for(alpha, getattr(alpha, intruder))

    for url in post_urls(plan, lesson, item):
        assert client.post(url, {"title": "Hacked", "kind": "text", "text": "x"}).status_code == 403, url

    assert list(LessonPlan.objects.values_list("title", flat=True)) == ["Past Simple"]
    assert list(PlanItem.objects.values_list("material__title", flat=True)) == ["Keep me"]


def test_every_teacher_action_sends_another_schools_user_to_log_in(client_for, cast, alpha, lesson, plan):
    item = item_add(plan=plan, by=alpha.teacher, kind="text", title="Keep me", text="x")
    client = Client(HTTP_HOST=cast.a.host)
    client.cookies["sessionid"] = client_for(cast.b, cast.b.teacher).cookies["sessionid"].value

    for url in post_urls(plan, lesson, item):
        response = client.post(url, {"title": "Hacked"})
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/"), url
