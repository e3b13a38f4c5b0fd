"""Writes on learning: enrollments (with their history) and teacher profiles.

Every service runs in one transaction and raises `ValidationError`, keyed by field, when a rule
is broken; nothing is written then.
"""

import enum
from collections.abc import Iterable
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tenant_apps.accounts.models import User
from tenant_apps.learning.models import Enrollment, EnrollmentChange, Language, Level, TeacherProfile
from tenant_apps.learning.selectors import teacher_teaches_language

ONE_ACTIVE_CONSTRAINT = "learning_one_active_enrollment_per_language"


class Unchanged(enum.Enum):
    """The default of an argument the caller did not pass: None already means "empty"."""

    UNCHANGED = enum.auto()


UNCHANGED = Unchanged.UNCHANGED


def check_teacher_for_language(*, teacher: User, language: Language) -> None:
    """Raise ValidationError on "teacher" unless the user is an active teacher who may teach the language."""
    if not (teacher.is_active and teacher.is_teacher):
        raise ValidationError(
            {"teacher": ValidationError(
                _("%(name)s is not an active teacher of the school."), code="not_a_teacher", params={"name": teacher}
            )}
        )
    if not teacher_teaches_language(teacher, language):
        raise ValidationError(
            {"teacher": ValidationError(
                _("%(name)s does not teach %(language)s."), code="does_not_teach_language",
                params={"name": teacher, "language": language},
            )}
        )


def _save_enrollment(enrollment: Enrollment, **save_options) -> None:
    """Save, turning a lost race for "one active enrollment per language" into a ValidationError.

    `full_clean()` has already looked for another active enrollment, but a concurrent request can
    insert one between that look and this write; the database constraint decides, and the savepoint
    keeps the caller's transaction usable.
    """
    try:
        with transaction.atomic():
            enrollment.save(**save_options)
    except IntegrityError as error:
        diag = getattr(error.__cause__, "diag", None)
        if getattr(diag, "constraint_name", None) != ONE_ACTIVE_CONSTRAINT:
            raise
        raise ValidationError(
            _("This student already has an active enrollment in this language."), code="unique"
        ) from error


@transaction.atomic
def enrollment_create(
    *,
    student: User,
    language: Language,
    teacher: User | None = None,
    level: Level | None = None,
    goal: str = "",
    by: User | None,
) -> Enrollment:
    """Enroll a student in a language; `by` is who did it (None for the system, e.g. a seed)."""
    if not (student.is_active and student.is_student):
        raise ValidationError(
            {"student": ValidationError(
                _("%(name)s is not an active student of the school."), code="not_a_student",
                params={"name": student},
            )}
        )
    if teacher is not None:
        check_teacher_for_language(teacher=teacher, language=language)
    enrollment = Enrollment(
        student=student, language=language, teacher=teacher, level=level, goal=goal.strip(), created_by=by
    )
    # Field rules, the level's language (Enrollment.clean) and one active enrollment per language.
    enrollment.full_clean()
    _save_enrollment(enrollment)
    return enrollment


def _display(value) -> str:
    return "" if value is None else str(value)


def _active_display(is_active: bool) -> str:
    return "active" if is_active else "inactive"


@transaction.atomic
def enrollment_update(
    *,
    enrollment: Enrollment,
    by: User | None,
    teacher: User | None | Unchanged = UNCHANGED,
    level: Level | None | Unchanged = UNCHANGED,
    goal: str | Unchanged = UNCHANGED,
    is_active: bool | Unchanged = UNCHANGED,
    now: datetime | None = None,
) -> Enrollment:
    """Change the fields the caller passes, writing one EnrollmentChange per field that really changed.

    Returns a fresh instance read under lock; the one passed in is only used for its pk.
    """
    now = now or timezone.now()
    # Locked: two managers saving at once must each see the other's value as their "old value",
    # or the history would no longer replay to the current state. `of=self`: Postgres cannot
    # lock the nullable side of the outer joins.
    current = (
        Enrollment.objects.select_for_update(no_key=True, of=("self",))  # see billing.services.locked
        .select_related("language", "teacher", "level")
        .get(pk=enrollment.pk)
    )
    changes: list[EnrollmentChange] = []

    new_teacher_id = None if teacher is None or teacher is UNCHANGED else teacher.pk
    if teacher is not UNCHANGED and new_teacher_id != current.teacher_id:
        if teacher is not None:
            check_teacher_for_language(teacher=teacher, language=current.language)
        changes.append(EnrollmentChange(
            field=EnrollmentChange.Field.TEACHER,
            old_value=_display(current.teacher), new_value=_display(teacher),
            old_id=current.teacher_id, new_id=new_teacher_id,
        ))
        current.teacher = teacher

    new_level_id = None if level is None or level is UNCHANGED else level.pk
    if level is not UNCHANGED and new_level_id != current.level_id:
        changes.append(EnrollmentChange(
            field=EnrollmentChange.Field.LEVEL,
            old_value=_display(current.level), new_value=_display(level),
            old_id=current.level_id, new_id=new_level_id,
        ))
        current.level = level

    if goal is not UNCHANGED and goal.strip() != current.goal:
        changes.append(EnrollmentChange(
            field=EnrollmentChange.Field.GOAL, old_value=current.goal, new_value=goal.strip()
        ))
        current.goal = goal.strip()

    if is_active is not UNCHANGED and bool(is_active) != current.is_active:
        changes.append(EnrollmentChange(
            field=EnrollmentChange.Field.IS_ACTIVE,
            old_value=_active_display(current.is_active), new_value=_active_display(bool(is_active)),
        ))
        current.is_active = bool(is_active)

    if not changes:
        return current
    changed_fields = [change.field for change in changes]
    # Only the changed fields are validated: a student or teacher whose role changed since must
    # not block an unrelated edit (such as ending the enrollment). Then the level's language
    # (Enrollment.clean) and, on reactivation, one active enrollment per language.
    current.full_clean(
        exclude=[field.name for field in Enrollment._meta.concrete_fields if field.name not in changed_fields],
        validate_constraints=False,
    )
    current.validate_constraints()
    _save_enrollment(current, update_fields=[*changed_fields, "updated_at"])
    for change in changes:
        change.enrollment = current
        change.changed_by = by
        change.changed_at = now
    EnrollmentChange.objects.bulk_create(changes)
    return current


@transaction.atomic
def teacher_profile_update(
    *,
    teacher: User,
    languages: Iterable[Language] | Unchanged = UNCHANGED,
    is_native_speaker: bool | Unchanged = UNCHANGED,
    bio: str | Unchanged = UNCHANGED,
    intro_video=UNCHANGED,
    intro_video_url: str | Unchanged = UNCHANGED,
) -> TeacherProfile:
    """Create the teacher's profile if it is missing, then change the fields the caller passes."""
    if not teacher.is_teacher:
        raise ValidationError(
            {"user": ValidationError(_("%(name)s is not a teacher."), code="not_a_teacher", params={"name": teacher})}
        )
    profile, created = TeacherProfile.objects.select_for_update().get_or_create(user=teacher)
    passed = {
        "is_native_speaker": is_native_speaker,
        "bio": bio,
        "intro_video": intro_video,
        "intro_video_url": intro_video_url,
    }
    changed = [name for name, value in passed.items() if value is not UNCHANGED]
    for name in changed:
        setattr(profile, name, passed[name])
    if changed:
        profile.full_clean()
        profile.save(update_fields=[*changed, "updated_at"])
    if languages is not UNCHANGED:
        profile.languages.set(languages)
    return profile
