"""Interactive worksheets: the teacher's exercises (items as validated JSON), their files, and attempts.

A worksheet's `items` hold the answers, so they never reach a student's page as they are: pages and APIs
show `engine.public_item` until the attempt is submitted. An attempt keeps the answers as they were last
saved (every change autosaves), when it started and ended, and the grading result.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tenant_apps.materials.storage import private_storage
from tenant_apps.worksheets import engine


class Worksheet(models.Model):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="worksheets",
                              verbose_name=_("teacher"))
    title = models.CharField(_("title"), max_length=200)
    # Sanitised HTML (materials.sanitize).
    instructions = models.TextField(_("instructions"), blank=True)
    items = models.JSONField(_("items"), default=list, blank=True)
    # A worksheet made from a PDF or a picture: the file whose pages are the background.
    background = models.ForeignKey("WorksheetFile", on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("background"))
    # Boxes Panda found in the PDF's text layer, not yet accepted: [{"page", "x", "y", "w", "h", "label"}].
    suggestions = models.JSONField(_("suggested boxes"), default=list, blank=True)
    # Its card in the school's library (materials.Material of kind "worksheet"): search, topics, courses.
    material = models.OneToOneField("materials.Material", on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="worksheet", verbose_name=_("library material"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("worksheet")
        verbose_name_plural = _("worksheets")
        ordering = ["-updated_at", "pk"]

    def __str__(self):
        return self.title

    @property
    def max_score(self) -> float:
        return engine.max_points(self.items)

    @property
    def question_count(self) -> int:
        return sum(1 for item in self.items if engine.is_graded(item))

    def item(self, item_id: str) -> dict | None:
        return next((item for item in self.items if item["id"] == item_id), None)


class WorksheetFile(models.Model):
    """A file a worksheet uses: its background (PDF or picture), an image, a recording, a video."""

    worksheet = models.ForeignKey(Worksheet, on_delete=models.CASCADE, related_name="files",
                                  verbose_name=_("worksheet"))
    kind = models.CharField(_("kind"), max_length=8)  # materials.files kinds: image, pdf, audio, video
    file = models.FileField(_("file"), storage=private_storage, max_length=300)
    content_type = models.CharField(_("file type"), max_length=100)
    # A PDF's (or a picture's) pages as shown: [{"name", "width", "height"}].
    pages = models.JSONField(_("pages"), default=list, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("worksheet file")
        verbose_name_plural = _("worksheet files")

    def __str__(self):
        return self.file.name


class Share(models.Model):
    """A worksheet given to a student to do on their own (homework builds its own assignments on attempts)."""

    worksheet = models.ForeignKey(Worksheet, on_delete=models.CASCADE, related_name="shares",
                                  verbose_name=_("worksheet"))
    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="worksheet_shares",
                                verbose_name=_("student"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("shared worksheet")
        verbose_name_plural = _("shared worksheets")
        constraints = [models.UniqueConstraint(fields=["worksheet", "student"], name="worksheets_share_once")]

    def __str__(self):
        return f"{self.worksheet_id} → {self.student_id}"


class Attempt(models.Model):
    worksheet = models.ForeignKey(Worksheet, on_delete=models.CASCADE, related_name="attempts",
                                  verbose_name=_("worksheet"))
    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="worksheet_attempts",
                                verbose_name=_("student"))
    # Set when the worksheet is done live in a lesson.
    lesson = models.ForeignKey("scheduling.Lesson", on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="worksheet_attempts", verbose_name=_("lesson"))
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    started_at = models.DateTimeField(_("started"))
    saved_at = models.DateTimeField(_("last saved"))
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    # The engine's result once submitted, and the teacher's points for speaking and open answers.
    result = models.JSONField(_("result"), default=dict, blank=True)
    teacher_scores = models.JSONField(_("teacher's points"), default=dict, blank=True)
    score = models.FloatField(_("score"), null=True, blank=True)
    max_score = models.FloatField(_("out of"), default=0)

    class Meta:
        verbose_name = _("attempt")
        verbose_name_plural = _("attempts")
        ordering = ["-started_at", "-pk"]
        constraints = [
            # One attempt in progress per student and worksheet: two tabs continue the same one.
            models.UniqueConstraint(fields=["worksheet", "student"], condition=Q(submitted_at__isnull=True),
                                    name="worksheets_one_open_attempt"),
            models.CheckConstraint(condition=Q(score__isnull=True) | Q(score__gte=0, score__lte=models.F("max_score")),
                                   name="worksheets_score_within_max"),
        ]

    def __str__(self):
        return f"{self.worksheet_id}/{self.student_id}"

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None

    @property
    def duration(self):
        return (self.submitted_at or self.saved_at) - self.started_at


class LiveWorksheet(models.Model):
    """The worksheet on a lesson's stage: the student answers it live, the teacher watches and may reveal."""

    lesson = models.OneToOneField("scheduling.Lesson", on_delete=models.CASCADE, related_name="live_worksheet",
                                  verbose_name=_("lesson"))
    worksheet = models.ForeignKey(Worksheet, on_delete=models.CASCADE, related_name="+", verbose_name=_("worksheet"))
    revealed = models.BooleanField(_("solution shown"), default=False)
    pushed_at = models.DateTimeField(_("shown since"))

    class Meta:
        verbose_name = _("worksheet on the stage")
        verbose_name_plural = _("worksheets on the stage")

    def __str__(self):
        return f"{self.lesson_id}: {self.worksheet_id}"
