"""Languages, levels, teacher profiles and enrollments (student × language × teacher) of one school.

Writes go through `services.py`: an enrollment's teacher, level, goal and state change only there,
so that every change leaves one `EnrollmentChange` row behind.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Language(models.Model):
    """A language the school teaches. English and Chinese come with every school (migration 0002)."""

    code = models.CharField(
        _("code"), max_length=16, unique=True,
        validators=[RegexValidator(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$", _("Use a language tag such as en or zh."))],
        help_text=_("A language tag, e.g. en, zh, es."),
    )
    name = models.CharField(_("name"), max_length=64)
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("Inactive languages are kept for history but offered to no one.")
    )
    ordering = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("language")
        verbose_name_plural = _("languages")
        ordering = ["ordering", "name"]

    def __str__(self):
        return str(self.display_name)

    @property
    def display_name(self):
        """The seeded languages in the viewer's language; a school's own additions as named."""
        return (
            SEEDED_LANGUAGE_NAMES.get(self.code, self.name)
            if self.name == SEEDED_NAMES_EN.get(self.code)
            else self.name
        )


# The names migration 0002 seeds; renamed by a school, the school's name wins.
SEEDED_NAMES_EN = {"en": "English", "zh": "Chinese"}
SEEDED_LANGUAGE_NAMES = {"en": _("English"), "zh": _("Chinese")}


class Level(models.Model):
    """A step of a language's scale: CEFR A1–C2 for English, HSK 1–6 for Chinese."""

    language = models.ForeignKey(
        Language, on_delete=models.PROTECT, related_name="levels", verbose_name=_("language")
    )
    code = models.CharField(_("code"), max_length=16, help_text=_("E.g. B1 or HSK3."))
    name = models.CharField(_("name"), max_length=64)
    position = models.PositiveSmallIntegerField(_("position"), default=0, help_text=_("Lower comes first."))

    class Meta:
        verbose_name = _("level")
        verbose_name_plural = _("levels")
        ordering = ["language__ordering", "language__name", "position"]
        constraints = [
            models.UniqueConstraint(fields=["language", "code"], name="learning_level_code_unique_per_language"),
        ]

    def __str__(self):
        return f"{self.code} · {self.name}"


class TeacherProfile(models.Model):
    """What students see of a teacher. Without languages, a teacher may be given any language."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="teacher_profile",
        limit_choices_to={"is_teacher": True}, verbose_name=_("teacher"),
    )
    languages = models.ManyToManyField(
        Language, blank=True, related_name="teacher_profiles", verbose_name=_("languages taught")
    )
    levels = models.ManyToManyField(
        "Level", blank=True, related_name="teacher_profiles", verbose_name=_("levels taught"),
        help_text=_("Empty: every level of the teacher's languages."),
    )
    is_native_speaker = models.BooleanField(_("native speaker"), default=False)
    bio = models.TextField(_("about the teacher"), blank=True)
    # The file's type and size are checked by the upload form: the model stays permissive so
    # that seeds and imports can attach what they already have.
    intro_video = models.FileField(_("introduction video"), upload_to="teachers/videos/", blank=True)
    intro_video_url = models.URLField(
        _("introduction video link"), blank=True, help_text=_("E.g. a YouTube link, instead of a file.")
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("teacher profile")
        verbose_name_plural = _("teacher profiles")

    def __str__(self):
        return str(self.user)


class Enrollment(models.Model):
    """A student learning one language, with a teacher (once assigned), a level and a goal."""

    student = models.ForeignKey(
        # Protected: people leave a school by being deactivated, which keeps their history.
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="enrollments",
        limit_choices_to={"is_student": True}, verbose_name=_("student"),
    )
    language = models.ForeignKey(
        Language, on_delete=models.PROTECT, related_name="enrollments", verbose_name=_("language")
    )
    teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="teaching_enrollments", limit_choices_to={"is_teacher": True}, verbose_name=_("teacher"),
        help_text=_("Empty until a teacher is assigned."),
    )
    level = models.ForeignKey(
        Level, on_delete=models.PROTECT, null=True, blank=True, related_name="enrollments",
        verbose_name=_("level"), help_text=_("A level of the enrollment's language; empty until assessed."),
    )
    goal = models.CharField(_("goal"), max_length=255, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("enrollment")
        verbose_name_plural = _("enrollments")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # A finished enrollment stays as history, so the rule is about active ones only.
            models.UniqueConstraint(
                fields=["student", "language"], condition=Q(is_active=True),
                name="learning_one_active_enrollment_per_language",
                violation_error_message=_("This student already has an active enrollment in this language."),
            ),
        ]

    def __str__(self):
        return f"{self.student} · {self.language}"

    def clean(self):
        super().clean()
        if self.level_id is not None and self.language_id is not None:
            if self.level.language_id != self.language_id:
                message = _("%(level)s is a level of %(other)s, not of %(language)s.")
                params = {"level": self.level, "other": self.level.language, "language": self.language}
                raise ValidationError(
                    {"level": ValidationError(message, code="level_of_another_language", params=params)}
                )


class EnrollmentChange(models.Model):
    """One changed field of an enrollment: who, when, from what to what. Append-only.

    Values are kept as the names people saw at the time (a teacher renamed later stays as
    they were), and, for teacher and level, the ids as well so that history can be replayed.
    """

    class Field(models.TextChoices):
        TEACHER = "teacher", _("teacher")
        LEVEL = "level", _("level")
        GOAL = "goal", _("goal")
        IS_ACTIVE = "is_active", _("active")

    enrollment = models.ForeignKey(
        Enrollment, on_delete=models.CASCADE, related_name="changes", verbose_name=_("enrollment")
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("changed by"),
    )
    changed_at = models.DateTimeField(_("changed"))
    field = models.CharField(_("field"), max_length=16, choices=Field.choices)
    old_value = models.TextField(_("old value"), blank=True)
    new_value = models.TextField(_("new value"), blank=True)
    old_id = models.BigIntegerField(_("old id"), null=True, blank=True)
    new_id = models.BigIntegerField(_("new id"), null=True, blank=True)

    class Meta:
        verbose_name = _("enrollment change")
        verbose_name_plural = _("enrollment changes")
        ordering = ["changed_at", "pk"]
        indexes = [models.Index(fields=["enrollment", "changed_at"], name="learning_change_by_enrollment")]

    def __str__(self):
        return f"{self.get_field_display()}: {self.old_value or '—'} → {self.new_value or '—'}"

    def save(self, *args, **kwargs):
        # History that can be rewritten is not history.
        if not self._state.adding:
            raise ValueError("Enrollment changes are append-only.")
        super().save(*args, **kwargs)
