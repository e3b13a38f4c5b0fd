"""Reads for lesson plans: the teacher's shelf, a lesson's plans for the room, the student's topics, the stage."""

from datetime import timedelta

from django.db.models import Count, Prefetch, Q
from django.urls import reverse
from django.utils import timezone

from tenant_apps.materials import hooks
from tenant_apps.materials.models import LessonPlan, Material, PlanItem, Stage
from tenant_apps.scheduling.models import Lesson

PLANNING_AHEAD = timedelta(weeks=4)
TOPICS_AHEAD = timedelta(weeks=6)


def upcoming_lessons_with_plans(teacher, *, now=None):
    """The teacher's scheduled lessons of the next four weeks, each with its plans (titles and counts)."""
    now = now or timezone.now()
    plans = LessonPlan.objects.annotate(item_count=Count("items")).order_by("pk")
    return (
        Lesson.objects.filter(teacher=teacher, status=Lesson.Status.SCHEDULED,
                              ends_at__gt=now, starts_at__lt=now + PLANNING_AHEAD)
        .select_related("student", "enrollment__language")
        .prefetch_related(Prefetch("plans", queryset=plans))
        .order_by("starts_at")
    )


def templates_shelf():
    """Every template of the school (teachers share them), newest first, with their item counts."""
    return (
        LessonPlan.objects.filter(lesson__isnull=True)
        .select_related("owner").annotate(item_count=Count("items")).order_by("title", "pk")
    )


def plans_for_lesson(lesson_id: int):
    """A lesson's plans with their items, in order: the room's side panel."""
    return (
        LessonPlan.objects.filter(lesson_id=lesson_id)
        .prefetch_related(Prefetch("items", queryset=PlanItem.objects.select_related("material").order_by("position")))
        .order_by("pk")
    )


def shared_topics_for_student(student, *, now=None):
    """The student's next lessons with the topics their teachers chose to share."""
    now = now or timezone.now()
    shared = LessonPlan.objects.filter(topic_shared=True).exclude(topic="").order_by("pk")
    return (
        Lesson.objects.filter(student=student, status=Lesson.Status.SCHEDULED,
                              ends_at__gt=now, starts_at__lt=now + TOPICS_AHEAD)
        .filter(Q(plans__topic_shared=True) & ~Q(plans__topic=""))
        .distinct()
        .select_related("teacher", "enrollment__language")
        .prefetch_related(Prefetch("plans", queryset=shared, to_attr="shared_plans"))
        .order_by("starts_at")
    )


# The stage -----------------------------------------------------------------------------------------------
def material_payload(material: Material) -> dict:
    """What the room's browsers need to show a material (never a storage path: URLs to the checking view)."""
    payload = {"id": material.pk, "kind": material.kind, "title": material.title,
               "description": material.description}
    if material.kind == Material.Kind.TEXT:
        payload["html"] = material.text
    if material.file:
        extension = material.file.name.rsplit(".", 1)[-1]
        payload["src"] = reverse("materials:material_file_named", args=[material.pk, extension])
        payload["content_type"] = material.content_type
    elif material.url:
        payload["src"] = material.url
    if material.preview_image:
        payload["image"] = reverse("materials:material_preview", args=[material.pk])
    if material.kind == Material.Kind.IMAGE:
        payload.update(width=material.width, height=material.height)
    if material.pages:
        payload["pages"] = [
            {"src": reverse("materials:material_page", args=[material.pk, number]), "width": page["width"],
             "height": page["height"]}
            for number, page in enumerate(material.pages, start=1)
        ]
    if material.words:
        payload["words"] = material.words
    handler = hooks.handler_for(material.kind)
    if handler is not None and handler.payload is not None:
        payload.update(handler.payload(material))
    return payload


def stage_state(lesson_id: int, *, now=None) -> dict:
    """The stage as a late joiner must see it: the material, the page, and where the audio or video is now."""
    stage = Stage.objects.select_related("material").filter(lesson_id=lesson_id).first()
    if stage is None or stage.material is None:
        return {"item": None}
    return stage_payload(stage, now=now)


def stage_payload(stage: Stage, *, now=None) -> dict:
    now = now or timezone.now()
    position = stage.position
    if stage.playing and stage.media_at is not None:
        position += max(0.0, (now - stage.media_at).total_seconds())
    return {"item": material_payload(stage.material), "page": stage.page, "playing": stage.playing,
            "position": round(position, 3)}
