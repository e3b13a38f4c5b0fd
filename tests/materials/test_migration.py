"""Migration 0003: today's plans and templates move into the library, nothing lost.

On a fresh schema migrated to 0002, data shaped like the demo's (Anna's template "English for beginners,
lesson 10" with a text, an image and a link; her next lesson's plan copied from it; another lesson's own
PDF; a stage showing the image), then the migration, then every item is checked against its material.
"""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django_tenants.utils import schema_context

SCHEMA = "migration_check"
BEFORE = ("materials", "0002_library")


def _targets(executor, materials_node):
    nodes = [node for node in executor.loader.graph.leaf_nodes() if node[0] != "materials"]
    return [*nodes, materials_node]


@pytest.fixture
def old_schema(db):
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE SCHEMA {SCHEMA}")
    with schema_context(SCHEMA):
        executor = MigrationExecutor(connection)
        targets = _needed(executor, _targets(executor, BEFORE))
        executor.migrate(targets)
        yield executor, targets


def _needed(executor, targets):
    # Only what the tenant apps need up to materials 0002: apps whose migrations come after and depend on
    # materials 0003 would pull it in.
    graph = executor.loader.graph
    later = {node for node in graph.node_map if node[0] == "materials" and node > BEFORE}
    return [node for node in targets if not (set(graph.forwards_plan(node)) & later)]


def test_every_plan_item_becomes_a_library_material_and_nothing_is_lost(old_schema):
    executor, targets = old_schema
    with schema_context(SCHEMA):
        old = executor.loader.project_state(targets).apps
        seeded = _seed_like_the_demo(old)
        with connection.cursor() as cursor:  # the seed's deferred checks, before the migration alters tables
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
        new = MigrationExecutor(connection).loader.project_state().apps
        _check(new, seeded)


def _seed_like_the_demo(apps):
    from datetime import timedelta

    from django.utils import timezone

    User = apps.get_model("accounts", "User")
    Language = apps.get_model("learning", "Language")
    Enrollment = apps.get_model("learning", "Enrollment")
    Lesson = apps.get_model("scheduling", "Lesson")
    LessonPlan = apps.get_model("materials", "LessonPlan")
    PlanItem = apps.get_model("materials", "PlanItem")
    Stage = apps.get_model("materials", "Stage")

    anna = User.objects.create(email="anna@example.com", full_name="Anna", is_teacher=True, photo="")
    ivan = User.objects.create(email="ivan@example.com", full_name="Ivan", is_student=True, photo="")
    english = Language.objects.get(code="en")
    enrollment = Enrollment.objects.create(student=ivan, teacher=anna, language=english)
    now = timezone.now()
    lessons = [Lesson.objects.create(enrollment=enrollment, teacher=anna, student=ivan,
                                     starts_at=now + timedelta(days=day), ends_at=now + timedelta(days=day, hours=1))
               for day in (1, 3)]
    template = LessonPlan.objects.create(owner=anna, title="English for beginners, lesson 10",
                                         topic="Holidays: the Past Simple")
    rows = [
        dict(kind="text", title="Warm-up", text="<p>Where did you go last summer?</p>"),
        dict(kind="image", title="At the beach", file="materials/plans/1/beach.png", content_type="image/png",
             size=1234, width=800, height=500),
        dict(kind="link", title="Irregular verbs", url="https://en.wikipedia.org/wiki/List_of_English_irregular_verbs"),
    ]
    for position, row in enumerate(rows, start=1):
        PlanItem.objects.create(plan=template, position=position, created_by=anna, **row)
    copy = LessonPlan.objects.create(owner=anna, lesson=lessons[0], title="Holidays", topic=template.topic,
                                     topic_shared=True)
    for item in PlanItem.objects.filter(plan=template):
        PlanItem.objects.create(plan=copy, position=item.position, kind=item.kind, title=item.title, text=item.text,
                                url=item.url, file=item.file.name, content_type=item.content_type, size=item.size,
                                width=item.width, height=item.height, created_by=anna)
    own = LessonPlan.objects.create(owner=anna, lesson=lessons[1], title="Reading")
    PlanItem.objects.create(plan=own, position=1, kind="pdf", title="Story", file="materials/plans/9/story.pdf",
                            content_type="application/pdf", size=999,
                            pages=[{"name": "materials/plans/9/story-page-1.jpg", "width": 1600, "height": 2263}])
    shown = PlanItem.objects.get(plan=copy, kind="image")
    Stage.objects.create(lesson=lessons[0], item=shown)
    return {
        (item.plan_id, item.position): {name: getattr(item, name) for name in
                                        ("kind", "title", "text", "url", "content_type", "size", "width", "height",
                                         "pages")} | {"file": item.file.name}
        for item in PlanItem.objects.all()
    } | {"templates": {template.pk: template.title}, "stage_lesson": lessons[0].pk, "shown": (copy.pk, 2)}


def _check(apps, seeded):
    PlanItem = apps.get_model("materials", "PlanItem")
    Material = apps.get_model("materials", "Material")
    Course = apps.get_model("materials", "Course")
    Stage = apps.get_model("materials", "Stage")
    stage_lesson, shown, templates = seeded.pop("stage_lesson"), seeded.pop("shown"), seeded.pop("templates")

    items = {(item.plan_id, item.position): item for item in PlanItem.objects.select_related("material")}
    assert set(items) == set(seeded)  # every item is still in its plan, at its place
    for key, before in seeded.items():
        material = items[key].material
        after = {name: getattr(material, name) for name in before if name != "file"} | {"file": material.file.name}
        assert after == before, key
    # The template is now lesson 1 of Anna's shared course, with its topic; the copy refers to the same
    # materials (no copies), the other lesson's PDF is on Anna's own shelf.
    course = Course.objects.get()
    lesson = course.lessons.get()
    assert course.shared and course.language.code == "en"
    assert (lesson.number, lesson.title) == (1, templates.popitem()[1])
    assert [topic.name for topic in lesson.topics.all()] == ["Holidays: the Past Simple"]
    assert Material.objects.count() == 4
    assert list(Material.objects.filter(lesson=lesson).values_list("title", flat=True)) == [
        "Warm-up", "At the beach", "Irregular verbs"]
    story = Material.objects.get(kind="pdf")
    assert (story.lesson_id, story.shared) == (None, False)
    assert Stage.objects.get(lesson_id=stage_lesson).material_id == items[shown].material_id
    assert Material.objects.filter(search_vector__isnull=True).count() == 0
