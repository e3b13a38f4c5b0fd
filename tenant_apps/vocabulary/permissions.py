"""Who sees (and edits) whose dictionary: the student, the student's teachers (an enrollment or a lesson
with them) and the school's managers. Anyone else gets "not found", the same answer as for a student who
does not exist (another school's students live in another schema, so they do not exist here at all)."""

from django.db.models import Exists, OuterRef, Q
from django.shortcuts import get_object_or_404

from tenant_apps.accounts.models import User
from tenant_apps.learning.models import Enrollment
from tenant_apps.scheduling.models import Lesson
from tenant_apps.vocabulary.models import Card, Word


def students_taught_by(teacher):
    """The students a teacher has (had) an enrollment or a lesson with."""
    return User.objects.filter(
        Exists(Enrollment.objects.filter(student=OuterRef("pk"), teacher=teacher))
        | Exists(Lesson.objects.filter(student=OuterRef("pk"), teacher=teacher)),
        is_student=True,
    )


def visible_students(user):
    """The students whose dictionaries the user may open."""
    if not (user.is_authenticated and user.is_active):
        return User.objects.none()
    students = User.objects.filter(is_student=True)
    if user.is_manager:
        return students
    condition = Q(pk=user.pk)
    if user.is_teacher:
        condition |= Q(pk__in=students_taught_by(user).values("pk"))
    return students.filter(condition)


def can_see_dictionary(user, student) -> bool:
    return visible_students(user).filter(pk=student.pk).exists()


def get_student_for_dictionary(user, student_id: int) -> User:
    return get_object_or_404(visible_students(user), pk=student_id)


def get_word_for_user(user, pk: int) -> Word:
    words = Word.objects.select_related("language", "student", "lesson")
    return get_object_or_404(words.filter(student__in=visible_students(user)), pk=pk)


def get_card_to_review(user, pk: int) -> Card:
    """Only the student reviews their own cards (a teacher's taps would teach FSRS the wrong memory)."""
    return get_object_or_404(Card.objects.select_related("word__language"), pk=pk, student=user)
