"""Writes for lesson plans: create, add items (with their files), reorder, copy (templates), the stage."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from tenant_apps.materials import files
from tenant_apps.materials.models import LessonPlan, PlanItem, Stage
from tenant_apps.materials.sanitize import clean_text
from tenant_apps.materials.storage import private_storage

Kind = PlanItem.Kind


def plan_create(*, owner, title: str, lesson=None, topic: str = "", topic_shared: bool = False) -> LessonPlan:
    return LessonPlan.objects.create(owner=owner, title=title, lesson=lesson, topic=topic, topic_shared=topic_shared)


def plan_update(*, plan: LessonPlan, title: str, topic: str, topic_shared: bool) -> LessonPlan:
    plan.title, plan.topic, plan.topic_shared = title, topic, topic_shared
    plan.save(update_fields=["title", "topic", "topic_shared", "updated_at"])
    return plan


def item_add(*, plan: LessonPlan, by, kind: str, title: str, text: str = "", url: str = "", upload=None) -> PlanItem:
    """Add an item at the end of the plan. A file is checked, stored, and (a PDF) rendered page by page.

    The file work happens before the transaction: a slow PDF render holds no lock, and a refused file
    leaves no row. A row that fails afterwards removes the files it stored.
    """
    sniffed = files.inspect_upload(upload, kind) if upload is not None else None
    if sniffed is None and kind in files.FILE_KINDS and not url:
        raise ValidationError(_("Upload a file or give a link."), code="no_content")
    if kind == Kind.LINK and not url:
        raise ValidationError(_("Give the link's address."), code="no_url")
    stored, pages = "", []
    if sniffed is not None:
        stored = private_storage().save(files.upload_name(plan_id=plan.pk, extension=sniffed.extension), upload)
        if kind == Kind.PDF:
            try:
                pages = files.render_pdf_pages(file_name=stored)
            except Exception:
                _remove_files([stored])
                raise
    try:
        return _item_insert(
            plan=plan, by=by, kind=kind, title=title, url="" if stored else url,
            text=clean_text(text) if kind == Kind.TEXT else "",
            file=stored, pages=pages, sniffed=sniffed, size=upload.size if upload is not None else 0,
        )
    except Exception:
        _remove_files([stored, *(page["name"] for page in pages)])
        raise


@transaction.atomic
def _item_insert(*, plan, by, kind, title, url, text, file, pages, sniffed, size) -> PlanItem:
    # Two tabs adding at once: the plan's lock orders them, so positions stay 1, 2, 3...
    LessonPlan.objects.select_for_update().filter(pk=plan.pk).first()
    last = plan.items.aggregate(last=Max("position"))["last"] or 0
    return PlanItem.objects.create(
        plan=plan, position=last + 1, kind=kind, title=title, text=text, url=url, file=file, pages=pages,
        content_type=sniffed.content_type if sniffed else "", size=size,
        width=sniffed.width if sniffed else 0, height=sniffed.height if sniffed else 0, created_by=by,
    )


def _remove_files(names) -> None:
    storage = private_storage()
    for name in names:
        if name:
            storage.delete(name)


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
    """Remove the item from its plan. Its files stay: a copied plan may still show them."""
    LessonPlan.objects.select_for_update().filter(pk=item.plan_id).first()
    item.delete()


@transaction.atomic
def plan_copy(*, plan: LessonPlan, owner, lesson=None, title: str | None = None) -> LessonPlan:
    """Copy a plan with its items: a template onto a lesson, or a lesson's plan into a new template.

    The copies point at the same stored files (uploaded once, shown from either plan).
    """
    copy = LessonPlan.objects.create(
        owner=owner, lesson=lesson, title=title or plan.title, topic=plan.topic,
        topic_shared=plan.topic_shared if lesson is not None else False,
    )
    PlanItem.objects.bulk_create([
        PlanItem(plan=copy, position=item.position, kind=item.kind, title=item.title, text=item.text, url=item.url,
                 file=item.file.name, content_type=item.content_type, size=item.size, width=item.width,
                 height=item.height, pages=item.pages, created_by=owner)
        for item in plan.items.all()
    ])
    return copy


# The stage ---------------------------------------------------------------------------------------------
def stage_show(*, lesson_id: int, item: PlanItem | None, page: int = 1, now=None) -> Stage:
    """Put an item (a PDF at a page) on the lesson's stage, or clear it (`item=None`)."""
    now = now or timezone.now()
    stage, _created = Stage.objects.update_or_create(
        lesson_id=lesson_id,
        defaults={"item": item, "page": page, "playing": False, "position": 0.0, "media_at": now},
    )
    return stage


def stage_media(*, lesson_id: int, playing: bool, position: float, now=None) -> Stage | None:
    """Play, pause or seek the audio or video on the stage; None when no audio or video is on it."""
    now = now or timezone.now()
    with transaction.atomic():
        stage = Stage.objects.select_for_update(of=("self",)).select_related("item").filter(lesson_id=lesson_id).first()
        if stage is None or stage.item is None or not stage.item.is_media:
            return None
        stage.playing, stage.position, stage.media_at = playing, position, now
        stage.save(update_fields=["playing", "position", "media_at", "updated_at"])
    return stage
