"""Writes for lesson plans: create, add items (library materials, by reference), reorder, copy, the stage."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from tenant_apps.materials import files, library
from tenant_apps.materials.models import LessonPlan, Material, PlanItem, Stage, StudentMaterial

Kind = Material.Kind


def plan_create(*, owner, title: str, lesson=None, topic: str = "", topic_shared: bool = False) -> LessonPlan:
    return LessonPlan.objects.create(owner=owner, title=title, lesson=lesson, topic=topic, topic_shared=topic_shared)


def plan_update(*, plan: LessonPlan, title: str, topic: str, topic_shared: bool) -> LessonPlan:
    plan.title, plan.topic, plan.topic_shared = title, topic, topic_shared
    plan.save(update_fields=["title", "topic", "topic_shared", "updated_at"])
    return plan


def item_add(*, plan: LessonPlan, by, kind: str, title: str, text: str = "", url: str = "", upload=None) -> PlanItem:
    """Make a new material on the author's shelf and add it at the end of the plan.

    The file work happens before the transaction (library.material_create): a slow PDF render holds no
    lock, and a refused file leaves no row.
    """
    if kind not in files.FILE_KINDS + (Kind.TEXT, Kind.LINK):
        raise ValidationError(_("Choose a kind of material."), code="bad_kind")
    if kind in files.FILE_KINDS and upload is None and not url:
        raise ValidationError(_("Upload a file or give a link."), code="no_content")
    if kind == Kind.PDF and upload is None:  # a PDF by its address has no pages to show: it is a link
        kind = Kind.LINK
    material = library.material_create(owner=by, kind=kind, title=title, text=text, url=url, upload=upload)
    return item_add_material(plan=plan, material=material, by=by)


@transaction.atomic
def item_add_material(*, plan: LessonPlan, material: Material, by) -> PlanItem:
    """Put a library material at the end of the plan (by reference: the material is not copied)."""
    # Two tabs adding at once: the plan's lock orders them, so positions stay 1, 2, 3...
    LessonPlan.objects.select_for_update().filter(pk=plan.pk).first()
    last = plan.items.aggregate(last=Max("position"))["last"] or 0
    return PlanItem.objects.create(plan=plan, position=last + 1, material=material, created_by=by)


@transaction.atomic
def item_move(*, item: PlanItem, up: bool) -> None:
    """Swap the item with its neighbour above (or below); at either end nothing changes."""
    LessonPlan.objects.select_for_update().filter(pk=item.plan_id).first()
    item = PlanItem.objects.get(pk=item.pk)
    siblings = PlanItem.objects.filter(plan_id=item.plan_id)
    neighbour = (
        siblings.filter(position__lt=item.position).order_by("-position").first()
        if up else siblings.filter(position__gt=item.position).order_by("position").first()
    )
    if neighbour is None:
        return
    item.position, neighbour.position = neighbour.position, item.position
    item.save(update_fields=["position"])
    neighbour.save(update_fields=["position"])


@transaction.atomic
def item_delete(*, item: PlanItem) -> None:
    """Remove the item from its plan. The material stays in the library (other plans may use it)."""
    LessonPlan.objects.select_for_update().filter(pk=item.plan_id).first()
    item.delete()


@transaction.atomic
def plan_copy(*, plan: LessonPlan, owner, lesson=None, title: str | None = None) -> LessonPlan:
    """Copy a plan with its items: a template onto a lesson, or a lesson's plan into a new template.

    The copy's items refer to the same library materials (nothing copied: a change shows in both).
    """
    copy = LessonPlan.objects.create(
        owner=owner, lesson=lesson, title=title or plan.title, topic=plan.topic,
        topic_shared=plan.topic_shared if lesson is not None else False,
    )
    PlanItem.objects.bulk_create([
        PlanItem(plan=copy, position=item.position, material_id=item.material_id, created_by=owner)
        for item in plan.items.all()
    ])
    return copy


# The stage ---------------------------------------------------------------------------------------------
def stage_show(*, lesson_id: int, material: Material | None, page: int = 1, now=None) -> Stage:
    """Put a material (a PDF at a page) on the lesson's stage, or clear it (`material=None`).

    Whatever is shown is the student's from then on: they may open it again (StudentMaterial), as it
    was shown (the snapshot), whatever the library's material becomes later.
    """
    from tenant_apps.materials.selectors import material_payload
    from tenant_apps.scheduling.models import Lesson

    now = now or timezone.now()
    with transaction.atomic():
        stage, _created = Stage.objects.update_or_create(
            lesson_id=lesson_id,
            defaults={"material": material, "page": page, "playing": False, "position": 0.0, "media_at": now},
        )
        if material is not None:
            lesson = Lesson.objects.only("student_id", "teacher_id").get(pk=lesson_id)
            library.student_material_give(student=lesson.student, material=material, by=lesson.teacher,
                                          how=StudentMaterial.How.SHOWN, lesson=lesson,
                                          snapshot=material_payload(material), now=now)
    return stage


def stage_media(*, lesson_id: int, playing: bool, position: float, now=None) -> Stage | None:
    """Play, pause or seek the audio or video on the stage; None when no audio or video is on it."""
    now = now or timezone.now()
    with transaction.atomic():
        stage = (Stage.objects.select_for_update(of=("self",)).select_related("material")
                 .filter(lesson_id=lesson_id).first())
        if stage is None or stage.material is None or not stage.material.is_media:
            return None
        stage.playing, stage.position, stage.media_at = playing, position, now
        stage.save(update_fields=["playing", "position", "media_at", "updated_at"])
    return stage


def lesson_plan_use_material(*, lesson, material: Material, by) -> PlanItem:
    """"Use in my next lesson": the material goes at the end of the lesson's plan (its first, or a new one)."""
    plan = LessonPlan.objects.filter(lesson=lesson).order_by("pk").first() or plan_create(
        owner=by, lesson=lesson, title=_("This lesson's plan"))
    return item_add_material(plan=plan, material=material, by=by)
