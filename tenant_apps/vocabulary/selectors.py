from django.db.models import Count, Q

from tenant_apps.scheduling.models import Lesson
from tenant_apps.vocabulary.models import Word


def words_for_student(student, *, lesson_id: int | None = None):
    words = Word.objects.filter(student=student).select_related("lesson")
    if lesson_id is not None:
        words = words.filter(lesson_id=lesson_id)
    return words


def lessons_with_words(student):
    """The student's lessons that gave words, newest first, for the dictionary's filter."""
    return (Lesson.objects.filter(student=student, words__student=student)
            .annotate(word_count=Count("words")).order_by("-starts_at"))


def words_of_lesson(lesson_id: int):
    """The words a lesson gave: first added in it, or merged in with one of its sentences."""
    return (Word.objects.filter(Q(lesson_id=lesson_id) | Q(examples__contains=[{"lesson": lesson_id}]))
            .order_by("created_at", "pk"))
