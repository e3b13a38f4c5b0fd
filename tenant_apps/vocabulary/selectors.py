"""Reads of the dictionary: the filtered list, its filter choices, due counts and the next card to review.

Each is a fixed number of queries however many words a student has (the page is benchmarked at 5,000).
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.contrib.postgres.search import SearchQuery
from django.db.models import Count, Exists, F, Func, OuterRef, Q
from django.utils import timezone

from tenant_apps.learning.models import Language
from tenant_apps.scheduling.models import Lesson
from tenant_apps.vocabulary.models import Card, Word

# A card is hard when FSRS rates it difficult (its scale is 1–10) or it was forgotten and is being relearnt.
HARD_DIFFICULTY = 7.0


def hard_cards():
    return Card.objects.filter(Q(difficulty__gte=HARD_DIFFICULTY) | Q(state=Card.State.RELEARNING))


@dataclass
class WordFilter:
    q: str = ""
    language: Language | None = None
    lesson: Lesson | None = None
    topic: str = ""
    added_from: date | None = None
    added_to: date | None = None
    hard: bool = False


def words_for_student(student, filters: WordFilter | None = None, *, lesson_id: int | None = None):
    """The student's entries, newest first, with `is_hard` (one query for a page, whatever its length)."""
    filters = filters or WordFilter()
    words = (Word.objects.filter(student=student).select_related("lesson", "language")
             .annotate(is_hard=Exists(hard_cards().filter(word=OuterRef("pk")))))
    lesson_id = lesson_id or (filters.lesson.pk if filters.lesson else None)
    if lesson_id is not None:
        words = words.filter(Q(lesson_id=lesson_id) | Q(examples__contains=[{"lesson": lesson_id}]))
    if filters.language:
        words = words.filter(language=filters.language)
    if filters.topic:
        words = words.filter(topics__contains=[filters.topic])
    if filters.added_from:
        words = words.filter(created_at__date__gte=filters.added_from)
    if filters.added_to:
        words = words.filter(created_at__date__lte=filters.added_to)
    if filters.hard:
        words = words.filter(is_hard=True)
    if filters.q.strip():
        words = search(words, filters.q.strip())
    return words


def search(words, text: str):
    """Full-text search over the word, its translations, examples and notes ("simple" configuration: the
    dictionary mixes languages), plus a substring match so that the start of a word finds it too."""
    query = SearchQuery(text, config="simple", search_type="websearch")
    return words.filter(Q(search_vector=query) | Q(word__icontains=text) | Q(translation__icontains=text))


def lessons_with_words(student):
    """The student's lessons that gave words, newest first, for the dictionary's filter."""
    return (Lesson.objects.filter(student=student, words__student=student)
            .annotate(word_count=Count("words")).order_by("-starts_at"))


def topics_of(student) -> list[str]:
    words = Word.objects.filter(student=student).annotate(topic=Func(F("topics"), function="unnest"))
    return sorted(words.values_list("topic", flat=True).order_by().distinct())


def languages_of(student) -> list[Language]:
    return list(Language.objects.filter(pk__in=Word.objects.filter(student=student).values("language")))


def words_of_lesson(lesson_id: int):
    """The words a lesson gave: first added in it, or merged in with one of its sentences."""
    return (Word.objects.filter(Q(lesson_id=lesson_id) | Q(examples__contains=[{"lesson": lesson_id}]))
            .order_by("created_at", "pk"))


# Reviews -----------------------------------------------------------------------------------------------------
def end_of_today(now: datetime, zone) -> datetime:
    """Reviews "for today" are those due before the student's local midnight."""
    local = timezone.localtime(now, zone)
    return datetime.combine(local.date() + timedelta(days=1), time.min, tzinfo=zone)


def due_cards(student, *, now: datetime, zone):
    return Card.objects.filter(student=student, due__lt=end_of_today(now, zone))


def due_count(student, *, now: datetime, zone) -> int:
    """How many words have a card due today (a word reviewed both ways counts once)."""
    return due_cards(student, now=now, zone=zone).values("word").distinct().count()


def due_counts(students, *, now: datetime, zone) -> dict[int, int]:
    """{student id: words due today} for a list of students, in one query."""
    rows = (Card.objects.filter(student__in=students, due__lt=end_of_today(now, zone))
            .values("student").annotate(count=Count("word", distinct=True)))
    return {row["student"]: row["count"] for row in rows}


def next_card(student, *, now: datetime, zone) -> Card | None:
    """The card to review next: the longest overdue first (cards still in their learning steps come back
    within the day; they wait until due)."""
    cards = due_cards(student, now=now, zone=zone).select_related("word__language", "word__lesson")
    ready = cards.filter(due__lte=now).order_by("due", "pk").first()
    return ready or cards.order_by("due", "pk").first()


def word_counts(students) -> dict[int, int]:
    rows = Word.objects.filter(student__in=students).values("student").annotate(count=Count("pk"))
    return {row["student"]: row["count"] for row in rows}



def default_language(student) -> Language | None:
    """The language a new word is in unless chosen: the student's (first active) enrollment's."""
    from tenant_apps.learning.models import Enrollment

    enrollment = (Enrollment.objects.filter(student=student).select_related("language")
                  .order_by("-is_active", "pk").first())
    return enrollment.language if enrollment else Language.objects.filter(code="en").first()
