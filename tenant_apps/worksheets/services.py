"""Writes for worksheets: build (items, files, GIFT), give to students, and the attempt's life.

The attempt services (`attempt_start`, `attempt_save`, `attempt_submit`, `attempt_grade_item`) are the
interface homework and the live lesson build on: each is one transaction, takes `now=` and locks the
attempt row, so two tabs or a retried autosave cannot interleave.
"""

import json
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tenant_apps.materials import library
from tenant_apps.materials.models import Material
from tenant_apps.materials.sanitize import clean_text
from tenant_apps.worksheets import engine
from tenant_apps.worksheets.engine.gift import ImportResult, gift_export, gift_import
from tenant_apps.worksheets.models import Attempt, Share, Worksheet

MAX_ITEMS = 200
MAX_ANSWERS_BYTES = 64 * 1024
MAX_TEXT_ANSWER = 1000
TEXT_KEYS = ("prompt", "html")
PLAIN_KEYS = ("feedback_correct", "feedback_wrong", "feedback_general", "title", "category", "alt")


class AttemptClosed(Exception):
    """The attempt was submitted: its answers no longer change."""


# Worksheets ------------------------------------------------------------------------------------------------
def clean_item(item: dict) -> dict:
    """Validate an item and make its teacher-written HTML safe (no script can reach a student's page)."""
    item = engine.validate_item(item)
    for key in TEXT_KEYS:
        if item.get(key):
            item[key] = clean_text(str(item[key]))
    for key in PLAIN_KEYS:
        if key in item:
            item[key] = str(item[key])[:2000]
    for sub in item.get("items", []):
        clean_item(sub)
    return item


@transaction.atomic
def worksheet_create(*, owner, title: str, instructions: str = "", items: list | None = None) -> Worksheet:
    """A new worksheet, with its card on the author's shelf of the library (a material of kind "worksheet")."""
    items = [clean_item(item) for item in (items or [])]
    material = library.material_create(owner=owner, kind=Material.Kind.WORKSHEET, title=title)
    return Worksheet.objects.create(owner=owner, title=title, instructions=clean_text(instructions) if instructions
                                    else "", items=items, material=material)


@transaction.atomic
def worksheet_update(*, worksheet: Worksheet, title: str, instructions: str) -> Worksheet:
    worksheet.title = title
    worksheet.instructions = clean_text(instructions) if instructions.strip() else ""
    worksheet.save(update_fields=["title", "instructions", "updated_at"])
    if worksheet.material_id:
        library.material_update(material=worksheet.material, title=title,
                                description=worksheet.material.description)
    return worksheet


@transaction.atomic
def worksheet_item_save(*, worksheet: Worksheet, item: dict) -> dict:
    """Add the item at the end, or replace the item with the same id. Raises engine.ItemError."""
    worksheet = Worksheet.objects.select_for_update().get(pk=worksheet.pk)  # two tabs editing: no lost item
    item = clean_item(item)
    index = next((i for i, old in enumerate(worksheet.items) if old["id"] == item["id"]), None)
    if index is None:
        if len(worksheet.items) >= MAX_ITEMS:
            raise engine.ItemError(_("A worksheet holds at most %(count)s items: start another one.")
                                   % {"count": MAX_ITEMS})
        worksheet.items.append(item)
    else:
        worksheet.items[index] = item
    worksheet.save(update_fields=["items", "updated_at"])
    return item


@transaction.atomic
def worksheet_item_delete(*, worksheet: Worksheet, item_id: str) -> None:
    worksheet = Worksheet.objects.select_for_update().get(pk=worksheet.pk)
    worksheet.items = [item for item in worksheet.items if item["id"] != item_id]
    worksheet.save(update_fields=["items", "updated_at"])


@transaction.atomic
def worksheet_item_move(*, worksheet: Worksheet, item_id: str, up: bool) -> None:
    worksheet = Worksheet.objects.select_for_update().get(pk=worksheet.pk)
    items = worksheet.items
    index = next((i for i, item in enumerate(items) if item["id"] == item_id), None)
    other = None if index is None else index - 1 if up else index + 1
    if other is None or not 0 <= other < len(items):
        return
    items[index], items[other] = items[other], items[index]
    worksheet.save(update_fields=["items", "updated_at"])


@dataclass
class GiftImport:
    worksheet: Worksheet | None
    result: ImportResult


def worksheet_import_gift(*, owner, title: str, source: str, keep_good: bool = False) -> GiftImport:
    """A new worksheet from a GIFT file. With any question unreadable, nothing is made unless `keep_good`."""
    result = gift_import(source)
    if not result.items or (result.errors and not keep_good):
        return GiftImport(None, result)
    return GiftImport(worksheet_create(owner=owner, title=title, items=result.items), result)


def worksheet_export_gift(worksheet: Worksheet) -> tuple[str, list]:
    return gift_export(worksheet.items)


def worksheet_share(*, worksheet: Worksheet, student) -> Share:
    share, _created = Share.objects.get_or_create(worksheet=worksheet, student=student)
    return share


# Attempts ----------------------------------------------------------------------------------------------------
def _clean_answers(worksheet: Worksheet, answers) -> dict:
    """Keep the answers to this worksheet's items only, each in a bounded size; the engine reads the rest."""
    if not isinstance(answers, dict):
        raise ValidationError(_("The answers could not be read."), code="answers_shape")
    ids = {item["id"] for item in worksheet.items if engine.is_graded(item)}
    kept = {key: value for key, value in answers.items() if key in ids}
    for key, value in kept.items():
        if isinstance(value, str):
            kept[key] = value[:MAX_TEXT_ANSWER]
        elif isinstance(value, list):
            kept[key] = [v[:MAX_TEXT_ANSWER] if isinstance(v, str) else v for v in value]
    if len(json.dumps(kept)) > MAX_ANSWERS_BYTES:
        raise ValidationError(_("The answers are too long."), code="answers_size")
    return kept


def attempt_start(*, worksheet: Worksheet, student, lesson=None, now=None) -> Attempt:
    """The student's attempt in progress, or a new one. Call after the access check."""
    now = now or timezone.now()
    open_attempt = Attempt.objects.filter(worksheet=worksheet, student=student, submitted_at__isnull=True).first()
    if open_attempt is not None:
        if lesson is not None and open_attempt.lesson_id is None:  # continued live in the lesson
            open_attempt.lesson = lesson
            open_attempt.save(update_fields=["lesson"])
        return open_attempt
    try:
        with transaction.atomic():
            return Attempt.objects.create(worksheet=worksheet, student=student, lesson=lesson, started_at=now,
                                          saved_at=now, max_score=worksheet.max_score)
    except IntegrityError:  # the other tab started it a moment ago
        return Attempt.objects.get(worksheet=worksheet, student=student, submitted_at__isnull=True)


@transaction.atomic
def attempt_save(*, attempt: Attempt, answers: dict, now=None) -> Attempt:
    """Replace the saved answers (the browser sends them whole). Raises AttemptClosed once submitted."""
    now = now or timezone.now()
    attempt = (Attempt.objects.select_for_update(of=("self",), no_key=True)  # not the worksheet's row too
               .select_related("worksheet").get(pk=attempt.pk))
    if attempt.is_submitted:
        raise AttemptClosed
    attempt.answers = _clean_answers(attempt.worksheet, answers)
    attempt.saved_at = now
    attempt.save(update_fields=["answers", "saved_at"])
    _after_save(attempt)
    return attempt


def _after_save(attempt: Attempt) -> None:
    if attempt.lesson_id:
        from tenant_apps.worksheets.live import announce_answers

        transaction.on_commit(lambda: announce_answers(attempt))


def _grade(attempt: Attempt) -> None:
    result = engine.grade(attempt.worksheet.items, attempt.answers, attempt.teacher_scores)
    attempt.result = result.as_dict()
    attempt.score = result.score
    attempt.max_score = result.max


@transaction.atomic
def attempt_submit(*, attempt: Attempt, answers: dict | None = None, now=None) -> Attempt:
    """Hand the attempt in: the last answers are saved, graded and kept. Submitting twice changes nothing."""
    now = now or timezone.now()
    attempt = (Attempt.objects.select_for_update(of=("self",), no_key=True)  # not the worksheet's row too
               .select_related("worksheet").get(pk=attempt.pk))
    if attempt.is_submitted:
        return attempt
    if answers is not None:
        attempt.answers = _clean_answers(attempt.worksheet, answers)
        attempt.saved_at = now
    attempt.submitted_at = now
    _grade(attempt)
    attempt.save(update_fields=["answers", "saved_at", "submitted_at", "result", "score", "max_score"])
    _after_save(attempt)
    return attempt


@transaction.atomic
def attempt_grade_item(*, attempt: Attempt, item_id: str, points: float) -> Attempt:
    """The teacher's points for a speaking or open answer of a submitted attempt (within the item's points)."""
    attempt = (Attempt.objects.select_for_update(of=("self",), no_key=True)  # not the worksheet's row too
               .select_related("worksheet").get(pk=attempt.pk))
    item = attempt.worksheet.item(item_id)
    if item is None or item["type"] not in engine.schema.TEACHER_GRADED or not attempt.is_submitted:
        raise ValidationError(_("Only a submitted speaking or open answer is graded by hand."), code="not_manual")
    if not 0 <= points <= item["points"]:
        raise ValidationError(_("Give between 0 and %(max)s points.") % {"max": item["points"]}, code="points")
    attempt.teacher_scores = {**attempt.teacher_scores, item_id: points}
    _grade(attempt)
    attempt.save(update_fields=["teacher_scores", "result", "score", "max_score"])
    return attempt


# Files ------------------------------------------------------------------------------------------------------
def worksheet_file_add(*, worksheet: Worksheet, upload, kind: str):
    """Check a file by its content, store it in the school's private storage; a PDF is rendered page by page."""
    import uuid

    from tenant_apps.materials import files
    from tenant_apps.materials.storage import private_storage
    from tenant_apps.worksheets.models import WorksheetFile

    sniffed = files.inspect_upload(upload, kind)
    stored = private_storage().save(f"worksheets/{worksheet.pk}/{uuid.uuid4().hex}.{sniffed.extension}", upload)
    pages = []
    try:
        if kind == "pdf":
            pages = files.render_pdf_pages(file_name=stored)
        elif kind == "image":
            pages = [{"name": stored, "width": sniffed.width, "height": sniffed.height}]
        return WorksheetFile.objects.create(worksheet=worksheet, kind=kind, file=stored,
                                            content_type=sniffed.content_type, pages=pages)
    except Exception:
        for name in {stored, *(page["name"] for page in pages)}:
            private_storage().delete(name)
        raise


@transaction.atomic
def worksheet_suggestion_done(*, worksheet: Worksheet, box: dict | None) -> None:
    """A suggested box became an item (or was dismissed): it is no longer offered."""
    if not box:
        return
    worksheet = Worksheet.objects.select_for_update().get(pk=worksheet.pk)
    keep = [s for s in worksheet.suggestions
            if (s["page"], s["x"], s["y"]) != (box.get("page"), box.get("x"), box.get("y"))]
    if len(keep) != len(worksheet.suggestions):
        worksheet.suggestions = keep
        worksheet.save(update_fields=["suggestions", "updated_at"])


# Live in the lesson ---------------------------------------------------------------------------------------------
def live_reveal(*, lesson, worksheet: Worksheet, now=None):
    """The teacher shows the solution of the worksheet on the lesson's stage: the student's page shows it."""
    from tenant_apps.worksheets.models import LiveWorksheet

    live, _created = LiveWorksheet.objects.update_or_create(
        lesson=lesson, defaults={"worksheet": worksheet, "revealed": True, "pushed_at": now or timezone.now()})
    return live
