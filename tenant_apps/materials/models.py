"""Lesson plans: a lesson's ordered items (text, image, PDF, audio, video, link), reusable as templates.

A plan either belongs to one lesson (`lesson` set) or is a template (`lesson` empty, with a title such as
"English for beginners, lesson 10"). Applying a template to a lesson copies it; the copies' files are the
template's files (stored once, referenced twice). `Stage` is what a lesson's room shows right now.
"""

from django.conf import settings
from django.db import models
from django.db.models import Deferrable, Q
from django.utils.translation import gettext_lazy as _

from tenant_apps.materials.storage import private_storage


class LessonPlan(models.Model):
    lesson = models.ForeignKey(
        "scheduling.Lesson", on_delete=models.CASCADE, null=True, blank=True, related_name="plans",
        verbose_name=_("lesson"),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lesson_plans", verbose_name=_("teacher"),
    )
    title = models.CharField(_("title"), max_length=200)
    topic = models.CharField(_("topic"), max_length=200, blank=True,
                             help_text=_("What the lesson is about, in a few words."))
    topic_shared = models.BooleanField(_("show the topic to the student"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("lesson plan")
        verbose_name_plural = _("lesson plans")
        ordering = ["pk"]

    def __str__(self):
        return self.title

    @property
    def is_template(self) -> bool:
        return self.lesson_id is None


class PlanItem(models.Model):
    class Kind(models.TextChoices):
        TEXT = "text", _("text")
        IMAGE = "image", _("image")
        PDF = "pdf", _("PDF")
        AUDIO = "audio", _("audio")
        VIDEO = "video", _("video")
        LINK = "link", _("link")

    plan = models.ForeignKey(LessonPlan, on_delete=models.CASCADE, related_name="items", verbose_name=_("plan"))
    position = models.PositiveIntegerField(_("position"))
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    # Sanitised HTML (materials.sanitize) for a text item.
    text = models.TextField(_("text"), blank=True)
    url = models.URLField(_("link"), max_length=1000, blank=True)
    file = models.FileField(_("file"), storage=private_storage, max_length=300, blank=True)
    content_type = models.CharField(_("file type"), max_length=100, blank=True)
    size = models.PositiveBigIntegerField(_("file size"), default=0)
    width = models.PositiveIntegerField(_("width"), default=0)
    height = models.PositiveIntegerField(_("height"), default=0)
    # A PDF's pages, rendered on upload: [{"name": storage name, "width": px, "height": px}, ...].
    pages = models.JSONField(_("pages"), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("added by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("plan item")
        verbose_name_plural = _("plan items")
        ordering = ["plan", "position"]
        constraints = [
            # Deferred, so moving an item up swaps two positions inside one transaction.
            models.UniqueConstraint(fields=["plan", "position"], name="materials_item_position_once",
                                    deferrable=Deferrable.DEFERRED),
            models.CheckConstraint(
                condition=Q(kind="text") | ~Q(file="") | ~Q(url=""),
                name="materials_item_has_content",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_media(self) -> bool:
        return self.kind in (self.Kind.AUDIO, self.Kind.VIDEO)

    @property
    def page_count(self) -> int:
        return len(self.pages)


class Stage(models.Model):
    """What a lesson's stage shows now, so a reloaded page or a late joiner sees the same thing."""

    lesson = models.OneToOneField("scheduling.Lesson", on_delete=models.CASCADE, related_name="stage",
                                  verbose_name=_("lesson"))
    item = models.ForeignKey(PlanItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                             verbose_name=_("item"))
    page = models.PositiveIntegerField(_("page"), default=1)
    # Audio and video: playing or paused, at `position` seconds as of `media_at`.
    playing = models.BooleanField(_("playing"), default=False)
    position = models.FloatField(_("position, seconds"), default=0)
    media_at = models.DateTimeField(_("media state changed"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("stage")
        verbose_name_plural = _("stages")

    def __str__(self):
        return f"{self.lesson_id}: {self.item_id or '-'}"
