"""Lesson plans draw from the library: every plan item becomes (or finds) a library material, by reference.

Nothing is lost: each template becomes a numbered lesson of its author's "lesson templates" course
(shared with the school, as templates were), its items that lesson's materials; an item of a lesson's plan
copied from a template points at the template's material (the same content), any other item becomes a
material on its author's shelf. Files are not copied: a material keeps the item's stored file and pages.
The templates themselves stay as plans (applying one now copies references). The stage shows materials.
"""

import django.db.models.deletion
from django.contrib.postgres.search import SearchVector
from django.db import migrations, models
from django.utils.html import strip_tags

FIELDS = ("kind", "title", "text", "url", "file", "content_type", "size", "width", "height", "pages")


def _key(item):
    return (item.kind, item.title, item.text, item.url, item.file.name if item.file else "")


def _material(Material, item, **place):
    values = {name: getattr(item, name) for name in FIELDS}
    values["file"] = item.file.name if item.file else ""
    material = Material.objects.create(created_at=item.created_at, **values, **place)
    return material


def plans_into_library(apps, schema_editor):
    LessonPlan = apps.get_model("materials", "LessonPlan")
    PlanItem = apps.get_model("materials", "PlanItem")
    Material = apps.get_model("materials", "Material")
    Course = apps.get_model("materials", "Course")
    CourseLesson = apps.get_model("materials", "CourseLesson")
    Topic = apps.get_model("materials", "Topic")
    Stage = apps.get_model("materials", "Stage")
    Language = apps.get_model("learning", "Language")
    TeacherProfile = apps.get_model("learning", "TeacherProfile")
    if not PlanItem.objects.exists() and not LessonPlan.objects.filter(lesson__isnull=True).exists():
        return
    fallback = Language.objects.order_by("-is_active", "ordering", "pk").first()
    courses, numbers, by_key = {}, {}, {}

    def topic_named(name):
        topic = Topic.objects.filter(name__iexact=name).first()
        return topic or Topic.objects.create(name=name)

    for template in LessonPlan.objects.filter(lesson__isnull=True).select_related("owner").order_by("owner_id", "pk"):
        course = courses.get(template.owner_id)
        if course is None:
            profile = TeacherProfile.objects.filter(user_id=template.owner_id).first()
            language = (profile.languages.order_by("ordering", "pk").first() if profile else None) or fallback
            name = template.owner.full_name or template.owner.email
            course = courses[template.owner_id] = Course.objects.create(
                owner_id=template.owner_id, shared=True, title=f"{name}: lesson templates"[:200], language=language)
        numbers[course.pk] = numbers.get(course.pk, 0) + 1
        lesson = CourseLesson.objects.create(course=course, number=numbers[course.pk], title=template.title,
                                             description=template.topic)
        if template.topic:
            lesson.topics.add(topic_named(template.topic[:100]))
        for item in PlanItem.objects.filter(plan=template).order_by("position"):
            material = _material(Material, item, owner_id=template.owner_id, shared=True, lesson=lesson,
                                 position=item.position, language=course.language)
            by_key.setdefault(_key(item), material)
            item.material = material
            item.save(update_fields=["material"])
    for item in PlanItem.objects.filter(material__isnull=True).select_related("plan").order_by("pk"):
        material = by_key.get(_key(item))
        if material is None:
            material = by_key[_key(item)] = _material(Material, item, owner_id=item.plan.owner_id, shared=False)
        item.material = material
        item.save(update_fields=["material"])
    for stage in Stage.objects.filter(item__isnull=False).select_related("item"):
        stage.material_id = stage.item.material_id
        stage.save(update_fields=["material"])
    rows = list(Material.objects.all())
    for material in rows:
        material.search_text = " ".join(f"{material.description} {strip_tags(material.text)} {material.url}".split())
    Material.objects.bulk_update(rows, ["search_text"], batch_size=500)
    vector = None
    for config in ("english", "russian"):
        part = (SearchVector("title", weight="A", config=config)
                + SearchVector("search_text", weight="B", config=config))
        vector = part if vector is None else vector + part
    Material.objects.update(search_vector=vector)
    # The columns go next, in this same transaction: the deferred foreign-key checks must run first
    # (Postgres refuses to ALTER a table with pending trigger events).
    schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


class Migration(migrations.Migration):

    dependencies = [
        ("materials", "0002_library"),
    ]

    operations = [
        migrations.AddField(
            model_name="stage",
            name="material",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL,
                                    related_name="+", to="materials.material", verbose_name="material"),
        ),
        migrations.RunPython(plans_into_library, migrations.RunPython.noop, elidable=False),
        migrations.RemoveField(model_name="stage", name="item"),
        migrations.RemoveConstraint(model_name="planitem", name="materials_item_has_content"),
        *[migrations.RemoveField(model_name="planitem", name=name) for name in FIELDS],
        migrations.AlterField(
            model_name="planitem",
            name="material",
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="plan_items",
                                    to="materials.material", verbose_name="material"),
        ),
    ]
