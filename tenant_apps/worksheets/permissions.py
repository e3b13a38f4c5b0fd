"""Who may see, change and do a worksheet.

Changing: its author. Seeing it with its answers (the teacher's preview, the attempts): the author, the
school's other teachers (a shared shelf to copy from) and the staff who oversee teaching. Doing it: a
student it was given to, or the student of a lesson it is on the stage of. Anyone else gets "not found",
the same answer as for a worksheet that does not exist; another school's worksheets live in another
schema and do not exist here at all.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from tenant_apps.worksheets.models import Attempt, Worksheet


def can_view_worksheet(user, worksheet: Worksheet) -> bool:
    if not (user.is_authenticated and user.is_active):
        return False
    return user.pk == worksheet.owner_id or user.is_teacher or user.is_manager or user.is_methodologist


def can_change_worksheet(user, worksheet: Worksheet) -> bool:
    return user.pk == worksheet.owner_id


def can_attempt_worksheet(user, worksheet: Worksheet) -> bool:
    if not (user.is_authenticated and user.is_active and user.is_student):
        return False
    return worksheet.shares.filter(student=user).exists() or _on_students_stage(user, worksheet)


def _on_students_stage(user, worksheet) -> bool:
    from tenant_apps.worksheets.live import lesson_with_worksheet_for_student

    return lesson_with_worksheet_for_student(user, worksheet) is not None


def get_worksheet_to_change(user, pk: int) -> Worksheet:
    worksheet = Worksheet.objects.filter(pk=pk).first()
    if worksheet is None or not can_view_worksheet(user, worksheet):
        raise Http404
    if not can_change_worksheet(user, worksheet):
        raise PermissionDenied
    return worksheet


def get_worksheet_to_view(user, pk: int) -> Worksheet:
    worksheet = Worksheet.objects.filter(pk=pk).first()
    if worksheet is None or not can_view_worksheet(user, worksheet):
        raise Http404
    return worksheet


def get_worksheet_to_attempt(user, pk: int) -> Worksheet:
    worksheet = Worksheet.objects.filter(pk=pk).first()
    if worksheet is None or not can_attempt_worksheet(user, worksheet):
        raise Http404
    return worksheet


def get_attempt_for_student(user, pk: int) -> Attempt:
    attempt = Attempt.objects.select_related("worksheet").filter(pk=pk, student=user).first()
    if attempt is None:
        raise Http404
    return attempt


def get_attempt_for_teacher(user, pk: int) -> Attempt:
    """An attempt at one of the teacher's own worksheets (its author grades it)."""
    attempt = Attempt.objects.select_related("worksheet", "student").filter(pk=pk).first()
    if attempt is None or not can_view_worksheet(user, attempt.worksheet):
        raise Http404
    if not can_change_worksheet(user, attempt.worksheet):
        raise PermissionDenied
    return attempt


def can_view_file(user, worksheet: Worksheet) -> bool:
    return can_view_worksheet(user, worksheet) or can_attempt_worksheet(user, worksheet)
