"""Reads for lesson plans: the teacher's shelf, a lesson's plans for the room, the student's topics, the stage."""

import re
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.postgres.search import SearchQuery, SearchRank, TrigramWordSimilarity
from django.db.models import Count, F, Prefetch, Q
from django.urls import reverse
from django.utils import timezone

from tenant_apps.materials import hooks, library
from tenant_apps.materials.models import (
    Course,
    CourseLesson,
    LessonPlan,
    Material,
    PlanItem,
    Stage,
    StudentMaterial,
    Topic,
)
from tenant_apps.materials.permissions import courses_visible_to, materials_visible_to
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


# The library -----------------------------------------------------------------------------------------------
SEARCH_LIMIT = 40
WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class LibraryFilters:
    """What the library's one search box and its filters ask for (all optional)."""

    q: str = ""
    language: int | None = None
    level: int | None = None
    kind: str = ""  # a Material.Kind, or "file" for any file
    course: int | None = None
    topic: int | None = None
    scope: str = ""  # "mine", "school" or "" (both)


def _prefix_query(q: str):
    """Every word of `q` as a prefix (as the teacher types, "irreg" finds "irregular"), in each language's
    dictionary: English and Russian stems both count."""
    words = WORD.findall(q.lower())[:8]
    if not words:
        return None
    raw = " & ".join(f"{word}:*" for word in words)
    query = None
    for config in library.SEARCH_CONFIGS:
        part = SearchQuery(raw, search_type="raw", config=config)
        query = part if query is None else query | part
    return query


# pg_trgm's default word-similarity threshold (0.6) misses one-letter typos in short words: "holydays"
# scores 0.33 against "Holiday words", "greetngs" 0.58 against "Greetings". 0.3 finds them; the matches
# are ranked by similarity, and this runs only when the full text found nothing.
TYPO_SIMILARITY = 0.3


def material_search(user, filters: LibraryFilters, *, limit: int = SEARCH_LIMIT):
    """The materials this user may browse that match, best first: full-text matches (title before the
    rest), else titles within a typo or two (pg_trgm word similarity). A fixed number of queries."""
    materials = materials_visible_to(user)
    if filters.scope == "mine":
        materials = materials.filter(owner=user)
    elif filters.scope == "school":
        materials = materials.filter(shared=True)
    if filters.kind == "file":
        materials = materials.filter(kind__in=Material.FILE_KINDS)
    elif filters.kind:
        materials = materials.filter(kind=filters.kind)
    for field in ("language", "level", "topic"):
        value = getattr(filters, field)
        if value:
            materials = materials.filter(**{f"{field}s" if field == "topic" else field: value})
    if filters.course:
        materials = materials.filter(lesson__course=filters.course)
    q = " ".join(filters.q.split())[:200]
    query = _prefix_query(q) if q else None
    if query is not None:
        # Full text first; only when it finds nothing (a typo, as a rule) the titles' trigram similarity.
        # Testing `title %> q` on every row costs most of a search on a large library, and a word the full
        # text finds needs no typo help.
        found = materials.filter(search_vector=query)
        if found.exists():
            materials = found.annotate(rank=SearchRank(F("search_vector"), query)).order_by(
                "-rank", "-updated_at", "pk")
        else:
            materials = materials.annotate(similarity=TrigramWordSimilarity(q, "title")).filter(
                similarity__gte=TYPO_SIMILARITY).order_by("-similarity", "-updated_at", "pk")
    else:
        materials = materials.order_by("-updated_at", "-pk")
    return _with_faces(materials)[:limit]


def _with_faces(materials):
    """What a result card shows, in a fixed number of queries however many there are."""
    return materials.select_related("owner", "language", "level", "lesson__course").prefetch_related(
        Prefetch("topics", queryset=Topic.objects.order_by("name")))


def courses_shelf(user):
    """The courses the user may browse, with their lesson counts."""
    return (courses_visible_to(user).select_related("language", "level_from", "level_to", "owner")
            .prefetch_related("topics").annotate(lesson_count=Count("lessons", distinct=True))
            .order_by("language__ordering", "title", "pk"))


def course_lessons(user, course: Course):
    """A course's lessons in order, each with the materials this user may see (in their order)."""
    visible = _with_faces(materials_visible_to(user).order_by("position", "pk"))
    return course.lessons.prefetch_related("topics", Prefetch("materials", queryset=visible)).order_by("number")


def topics_with_counts(user):
    visible = materials_visible_to(user)
    return (Topic.objects.annotate(material_count=Count("materials", filter=Q(materials__in=visible), distinct=True))
            .filter(material_count__gt=0).order_by("name"))


def next_lessons_to_use_in(teacher, *, now=None):
    """The teacher's next lesson with each student (within the planning horizon): "use in my next lesson with…"."""
    now = now or timezone.now()
    lessons = (Lesson.objects.filter(teacher=teacher, status=Lesson.Status.SCHEDULED, ends_at__gt=now,
                                     starts_at__lt=now + PLANNING_AHEAD)
               .select_related("student", "enrollment__language").order_by("starts_at"))
    seen, first = set(), []
    for lesson in lessons:
        if lesson.student_id not in seen:
            seen.add(lesson.student_id)
            first.append(lesson)
    return first


# The student's Courses -----------------------------------------------------------------------------------------
@dataclass
class StudentCourse:
    enrollment: object
    course: Course | None
    lessons: list  # [(CourseLesson, done: bool, is_next: bool)]
    given: list  # StudentMaterial rows, newest first


def student_courses(student) -> list[StudentCourse]:
    """Per language the student learns: the teacher who leads it, level and goal; the course their lessons
    follow (the one most of what they were shown comes from), its lessons done and the next; and every
    material shown or assigned so far, to open again. Computed from what happened: nothing to keep in sync.
    A fixed number of queries."""
    from tenant_apps.learning.models import Enrollment

    enrollments = list(Enrollment.objects.filter(student=student, is_active=True)
                       .select_related("language", "teacher", "level").order_by("language__ordering", "pk"))
    given = list(StudentMaterial.objects.filter(student=student)
                 .select_related("material__lesson__course", "lesson__enrollment").order_by("-at", "-pk"))
    counts: dict[int, dict[int, int]] = {}
    for row in given:
        course_lesson = row.material.lesson
        if course_lesson is not None:
            per_language = counts.setdefault(course_lesson.course.language_id, {})
            per_language[course_lesson.course_id] = per_language.get(course_lesson.course_id, 0) + 1
    course_ids = [max(per, key=per.get) for per in counts.values()]
    courses = {course.pk: course for course in Course.objects.filter(pk__in=course_ids)
               .prefetch_related(Prefetch("lessons", queryset=CourseLesson.objects.order_by("number")))}
    done_lessons = {row.material.lesson_id for row in given if row.material.lesson_id}
    result = []
    for enrollment in enrollments:
        per = counts.get(enrollment.language_id)
        course = courses.get(max(per, key=per.get)) if per else None
        lessons, next_found = [], False
        for lesson in course.lessons.all() if course else []:
            done = lesson.pk in done_lessons
            is_next = not done and not next_found
            next_found = next_found or is_next
            lessons.append((lesson, done, is_next))
        mine = [row for row in given if (row.lesson and row.lesson.enrollment.language_id == enrollment.language_id)
                or (row.lesson is None and row.material.language_id in (None, enrollment.language_id))]
        result.append(StudentCourse(enrollment=enrollment, course=course, lessons=lessons, given=mine))
    return result


def get_given_for_student(student, pk: int) -> StudentMaterial:
    from django.http import Http404

    row = StudentMaterial.objects.select_related("material").filter(pk=pk, student=student).first()
    if row is None:
        raise Http404
    return row
