"""Writes on the school's library: courses, their numbered lessons, materials, topics, sharing, copies.

Every write here is a service (keyword-only, one transaction). File work (checking, storing, rendering a
PDF) happens before the transaction, so a refused file leaves no row and a failed row removes its files.
A link's card is read afterwards by a Celery task, queued on commit; the link is saved whether or not the
page answers.
"""

import re
from datetime import datetime

from django.contrib.postgres.search import SearchVector
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Max
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from tenant_apps.materials import files
from tenant_apps.materials.models import Course, CourseLesson, Material, StudentMaterial, Topic
from tenant_apps.materials.sanitize import clean_text
from tenant_apps.materials.storage import private_storage

Kind = Material.Kind
MAX_WORDS = 500
# Search reads both dictionaries: a school's materials mix English and Russian (titles, explanations).
SEARCH_CONFIGS = ("english", "russian")
_validate_url = URLValidator(schemes=["http", "https"])


# Topics ---------------------------------------------------------------------------------------------------
def topics_resolve(names) -> list[Topic]:
    """The topics of these names, made when new; one topic per name whatever its case ("past simple")."""
    wanted = {}
    for name in names:
        name = " ".join(str(name).split())[:100]
        if name:
            wanted.setdefault(name.lower(), name)
    if not wanted:
        return []
    existing = _topics_named(wanted)
    missing = [Topic(name=name) for key, name in wanted.items() if key not in existing]
    if missing:
        Topic.objects.bulk_create(missing, ignore_conflicts=True)  # a concurrent save made it: fine
        existing = _topics_named(wanted)
    return [existing[key] for key in wanted if key in existing]


def _topics_named(lowered_names) -> dict:
    return {topic.name.lower(): topic
            for topic in Topic.objects.annotate(lowered=Lower("name")).filter(lowered__in=list(lowered_names))}


def parse_topics(raw: str) -> list[str]:
    """"Past Simple, holidays" → ["Past Simple", "holidays"]."""
    return [part.strip() for part in raw.split(",") if part.strip()]


# Courses and their lessons --------------------------------------------------------------------------------
@transaction.atomic
def course_create(*, owner, title: str, language, level_from=None, level_to=None, description: str = "",
                  topics=(), shared: bool = False, cover=None) -> Course:
    """A course on the author's shelf (or, `shared`, straight into the school's library)."""
    course = Course.objects.create(owner=owner, title=title.strip(), language=language, level_from=level_from,
                                   level_to=level_to, description=description.strip(), shared=shared)
    if cover is not None:
        course_cover_set(course=course, upload=cover)
    course.topics.set(topics_resolve(topics))
    return course


def course_cover_set(*, course: Course, upload) -> Course:
    sniffed = files.inspect_upload(upload, Kind.IMAGE)
    course.cover = private_storage().save(files.library_upload_name(owner_id=course.owner_id,
                                                                    extension=sniffed.extension), upload)
    course.save(update_fields=["cover", "updated_at"])
    return course


@transaction.atomic
def course_update(*, course: Course, title: str, description: str, language, level_from, level_to,
                  topics=()) -> Course:
    course.title, course.description, course.language = title.strip(), description.strip(), language
    course.level_from, course.level_to = level_from, level_to
    course.save(update_fields=["title", "description", "language", "level_from", "level_to", "updated_at"])
    course.topics.set(topics_resolve(topics))
    return course


@transaction.atomic
def course_share(*, course: Course, shared: bool = True) -> Course:
    """Put a course (with every material of its lessons) into the school's library, or take it back."""
    course.shared = shared
    course.save(update_fields=["shared", "updated_at"])
    Material.objects.filter(lesson__course=course).update(shared=shared, updated_at=timezone.now())
    return course


@transaction.atomic
def course_lesson_add(*, course: Course, title: str, description: str = "", topics=()) -> CourseLesson:
    """A new lesson at the end of the course, numbered one more than the last."""
    Course.objects.select_for_update().filter(pk=course.pk).first()  # two tabs: numbers stay 1, 2, 3...
    last = course.lessons.aggregate(last=Max("number"))["last"] or 0
    lesson = CourseLesson.objects.create(course=course, number=last + 1, title=title.strip(),
                                         description=description.strip())
    lesson.topics.set(topics_resolve(topics))
    return lesson


@transaction.atomic
def course_duplicate(*, course: Course, owner, title: str | None = None) -> Course:
    """A copy of the course on `owner`'s shelf to adapt: its lessons and materials, the files shared (not copied)."""
    copy = Course.objects.create(owner=owner, title=title or _("%(title)s (copy)") % {"title": course.title},
                                 description=course.description, language=course.language,
                                 level_from=course.level_from, level_to=course.level_to, cover=course.cover.name)
    copy.topics.set(course.topics.all())
    for lesson in course.lessons.prefetch_related("topics", "materials__topics"):
        new_lesson = CourseLesson.objects.create(course=copy, number=lesson.number, title=lesson.title,
                                                 description=lesson.description)
        new_lesson.topics.set(lesson.topics.all())
        for material in lesson.materials.all():
            topics = list(material.topics.all())
            material.pk, material.id, material._state.adding = None, None, True
            material.owner, material.shared, material.lesson = owner, False, new_lesson
            material._prefetched_objects_cache = {}  # else set() compares with the original's topics
            material.save()
            material.topics.set(topics)
    material_reindex(Material.objects.filter(lesson__course=copy))
    return copy


# Materials ------------------------------------------------------------------------------------------------
def clean_url(url: str) -> str:
    """A web address, http(s) only: `javascript:`, `data:` and the like are refused."""
    url = url.strip()
    try:
        _validate_url(url)
    except ValidationError as error:
        raise ValidationError(_("Give a web address starting with http:// or https://."), code="bad_url") from error
    return url


def clean_words(words) -> list[dict]:
    """A word list's rows: a word and its translation each, an example if any; blank rows dropped."""
    rows = []
    for row in words or []:
        word = " ".join(str(row.get("word", "")).split())[:200]
        translation = " ".join(str(row.get("translation", "")).split())[:200]
        if not word:
            continue
        if not translation:
            raise ValidationError(_("Give a translation for “%(word)s”.") % {"word": word}, code="no_translation")
        rows.append({"word": word, "translation": translation,
                     "example": " ".join(str(row.get("example", "")).split())[:500]})
    if len(rows) > MAX_WORDS:
        raise ValidationError(_("A word list holds at most %(count)s words.") % {"count": MAX_WORDS},
                              code="too_many_words")
    return rows


def parse_words(raw: str) -> list[dict]:
    """One word a line: "word — translation — example" (a dash, a tab or " = " between the parts)."""
    rows = []
    for line in raw.splitlines():
        parts = [part.strip() for part in re.split(r"\s+[—–=-]\s+|\t", line.strip()) if part.strip()]
        if parts:
            rows.append({"word": parts[0], "translation": parts[1] if len(parts) > 1 else "",
                         "example": parts[2] if len(parts) > 2 else ""})
    return rows


def material_create(*, owner, kind: str, title: str, description: str = "", text: str = "", url: str = "",
                    upload=None, words=None, lesson: CourseLesson | None = None, topics=(),
                    shared: bool | None = None, language=None, level=None) -> Material:
    """Add a material to the author's shelf, or to a course lesson (its last place).

    A material in a course follows the course: shared with the school if the course is, in its language.
    Raises ValidationError with a sentence for the teacher; then nothing is saved.
    """
    content = _content(kind=kind, text=text, url=url, upload=upload, words=words, owner_id=owner.pk)
    if not title.strip() and upload is not None:
        title = (upload.name or "").rsplit("/", 1)[-1]
    try:
        return _material_insert(owner=owner, kind=kind, title=title, description=description, lesson=lesson,
                                topics=topics, shared=shared, language=language, level=level, **content)
    except Exception:
        _remove_files([content.get("file", ""), *(page["name"] for page in content.get("pages", []))])
        raise


def _content(*, kind, text, url, upload, words, owner_id) -> dict:
    if kind not in Kind.values:
        raise ValidationError(_("Choose a kind of material."), code="bad_kind")
    if kind == Kind.TEXT:
        if not text.strip():
            raise ValidationError(_("Write the text to show."), code="no_text")
        return {"text": clean_text(text)}
    if kind == Kind.LINK:
        return {"url": clean_url(url), "preview": Material.Preview.PENDING}
    if kind == Kind.WORDS:
        rows = clean_words(words)
        if not rows:
            raise ValidationError(_("Add at least one word with its translation."), code="no_words")
        return {"words": rows}
    if kind in files.LIBRARY_FILE_KINDS:
        if upload is None:
            if kind in (Kind.IMAGE, Kind.AUDIO, Kind.VIDEO) and url:  # a direct link: shown or played as it is
                return {"url": clean_url(url)}
            raise ValidationError(_("Upload a file."), code="no_file")
        return _stored_file(kind=kind, upload=upload, owner_id=owner_id)
    return {}  # a worksheet: its own app holds the content


def _stored_file(*, kind, upload, owner_id) -> dict:
    sniffed = files.inspect_upload(upload, kind)
    stored = private_storage().save(files.library_upload_name(owner_id=owner_id, extension=sniffed.extension),
                                    upload)
    pages = []
    if kind == Kind.PDF:
        try:
            pages = files.render_pdf_pages(file_name=stored)
        except Exception:
            _remove_files([stored])
            raise
    return {"file": stored, "pages": pages, "content_type": sniffed.content_type, "size": upload.size,
            "width": sniffed.width, "height": sniffed.height}


@transaction.atomic
def _material_insert(*, owner, kind, title, description, lesson, topics, shared, language, level,
                     **content) -> Material:
    position = 0
    if lesson is not None:
        CourseLesson.objects.select_for_update().filter(pk=lesson.pk).first()
        position = (lesson.materials.aggregate(last=Max("position"))["last"] or 0) + 1
        course = lesson.course
        shared = course.shared if shared is None else shared
        language = language or course.language
        level = level or course.level_from
    material = Material.objects.create(
        owner=owner, kind=kind, title=title.strip()[:200] or _default_title(kind, content),
        description=description.strip(), lesson=lesson, position=position, shared=bool(shared),
        language=language, level=level, **content,
    )
    material.topics.set(topics_resolve(topics))
    material_reindex(Material.objects.filter(pk=material.pk))
    if kind == Kind.LINK:
        _queue_link_preview(material.pk)
    return material


def _default_title(kind, content) -> str:
    if content.get("url"):
        return content["url"][:200]
    if content.get("words"):
        return ", ".join(row["word"] for row in content["words"][:3])[:200]
    words = " ".join(strip_tags(content.get("text", "")).split())
    return (words[:60] + "…") if len(words) > 60 else (words or str(Kind(kind).label))


def _queue_link_preview(material_id: int) -> None:
    from tenant_apps.materials.tasks import link_preview_fetch

    transaction.on_commit(lambda: link_preview_fetch.delay(material_id=material_id))


@transaction.atomic
def material_update(*, material: Material, title: str, description: str = "", text: str | None = None,
                    url: str | None = None, words=None, topics=None) -> Material:
    """Change a material in place: every plan that uses it shows the change (lessons already over keep
    what was shown, StudentMaterial.snapshot)."""
    material = Material.objects.select_for_update().get(pk=material.pk)
    material.title, material.description = title.strip()[:200] or material.title, description.strip()
    fields = ["title", "description", "updated_at"]
    if material.kind == Kind.TEXT and text is not None:
        if not text.strip():
            raise ValidationError(_("Write the text to show."), code="no_text")
        material.text = clean_text(text)
        fields.append("text")
    if material.kind == Kind.LINK and url is not None and url.strip() != material.url:
        material.url, material.preview, material.preview_image = clean_url(url), Material.Preview.PENDING, ""
        fields += ["url", "preview", "preview_image"]
        _queue_link_preview(material.pk)
    if material.kind == Kind.WORDS and words is not None:
        material.words = clean_words(words)
        if not material.words:
            raise ValidationError(_("Add at least one word with its translation."), code="no_words")
        fields.append("words")
    material.save(update_fields=fields)
    if topics is not None:
        material.topics.set(topics_resolve(topics))
    material_reindex(Material.objects.filter(pk=material.pk))
    return material


@transaction.atomic
def material_share(*, material: Material, shared: bool = True) -> Material:
    material.shared = shared
    material.save(update_fields=["shared", "updated_at"])
    return material


def material_reindex(materials) -> None:
    """Recompute what search reads for these materials: one UPDATE for the text, one for the vectors."""
    rows = list(materials.prefetch_related("topics").select_related("lesson__course"))
    for material in rows:
        material.search_text = search_text_of(material)
    Material.objects.bulk_update(rows, ["search_text"], batch_size=500)
    vector = None
    for config in SEARCH_CONFIGS:
        part = (SearchVector("title", weight="A", config=config)
                + SearchVector("search_text", weight="B", config=config))
        vector = part if vector is None else vector + part
    Material.objects.filter(pk__in=[row.pk for row in rows]).update(search_vector=vector)


def search_text_of(material: Material) -> str:
    parts = [material.description, " ".join(topic.name for topic in material.topics.all())]
    if material.lesson_id:
        parts += [material.lesson.title, material.lesson.course.title]
    parts.append(strip_tags(material.text))
    parts += [f"{row['word']} {row['translation']} {row.get('example', '')}" for row in material.words]
    if material.url:
        parts.append(material.url)
    return " ".join(" ".join(parts).split())[:50_000]


def link_preview_set(*, material_id: int, title: str = "", description: str = "", image: bytes | None = None,
                     image_extension: str = "", failed: bool = False) -> Material | None:
    """Record what the link's page said about itself (its card); a page that did not answer is marked so."""
    with transaction.atomic():
        material = Material.objects.select_for_update().filter(pk=material_id, kind=Kind.LINK).first()
        if material is None:
            return None
        if failed:
            material.preview = Material.Preview.FAILED
            material.save(update_fields=["preview", "updated_at"])
            return material
        fields = ["preview", "updated_at"]
        material.preview = Material.Preview.READY
        if description and not material.description:
            material.description = description[:1000]
            fields.append("description")
        if title and material.title == material.url[:200]:  # the teacher gave no title: the page's own
            material.title = title[:200]
            fields.append("title")
        if image:
            from django.core.files.base import ContentFile

            material.preview_image = private_storage().save(
                files.library_upload_name(owner_id=material.owner_id, extension=image_extension), ContentFile(image))
            fields.append("preview_image")
        material.save(update_fields=fields)
    material_reindex(Material.objects.filter(pk=material.pk))
    return material


def _remove_files(names) -> None:
    storage = private_storage()
    for name in names:
        if name:
            storage.delete(name)


# What a student has been given ----------------------------------------------------------------------------
def student_material_give(*, student, material: Material, by, how: str, lesson=None, snapshot: dict | None = None,
                          now: datetime | None = None) -> StudentMaterial:
    """Record that the student was shown (in `lesson`) or assigned the material; showing it again refreshes
    the snapshot, so the lesson keeps what was shown last."""
    now = now or timezone.now()
    if how == StudentMaterial.How.ASSIGNED and by.pk == student.pk:
        raise PermissionDenied
    given, _created = StudentMaterial.objects.update_or_create(
        student=student, material=material, lesson=lesson,
        defaults={"how": how, "by": by, "snapshot": snapshot or {}, "at": now},
    )
    return given


