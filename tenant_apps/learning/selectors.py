"""Reads on learning. List selectors join what their pages show, so a page costs the same
number of queries whether it lists one enrollment or a hundred."""

from django.db.models import QuerySet

from tenant_apps.accounts.models import User
from tenant_apps.learning.models import Enrollment, Language


def enrollments_for_student(user: User, *, include_inactive: bool = False) -> QuerySet[Enrollment]:
    """The student's enrollments (active ones unless asked), with language, teacher and level joined."""
    enrollments = Enrollment.objects.filter(student=user).select_related("language", "teacher", "level")
    if not include_inactive:
        enrollments = enrollments.filter(is_active=True)
    return enrollments.order_by("language__ordering", "language__name", "-created_at")


def enrollments_for_teacher(user: User, *, include_inactive: bool = False) -> QuerySet[Enrollment]:
    """The enrollments the user teaches (active ones unless asked), with student, language and level joined."""
    enrollments = Enrollment.objects.filter(teacher=user).select_related("student", "language", "level")
    if not include_inactive:
        enrollments = enrollments.filter(is_active=True)
    return enrollments.order_by("student__full_name", "student__email", "language__ordering", "language__name")


def teacher_teaches_language(teacher: User, language: Language) -> bool:
    """Whether the teacher may be given this language.

    A teacher whose profile names no languages (or who has no profile yet) is not restricted:
    schools fill profiles in after the fact, and assigning must not wait for that.
    """
    taught = set(Language.objects.filter(teacher_profiles__user=teacher).values_list("pk", flat=True))
    return not taught or language.pk in taught
