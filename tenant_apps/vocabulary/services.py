from django.core.exceptions import PermissionDenied

from tenant_apps.vocabulary.models import Word


def word_add(*, lesson, by, word: str, translation: str, example: str = "") -> Word:
    """Add a word to the lesson's student's dictionary; either of the lesson's two people may."""
    if by.pk not in (lesson.teacher_id, lesson.student_id):
        raise PermissionDenied
    return Word.objects.create(student_id=lesson.student_id, lesson=lesson, added_by=by, word=word.strip(),
                               translation=translation.strip(), example=example.strip())
