"""The student's dictionary: words from lessons (a minimal Word that the dictionary issue will grow)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Word(models.Model):
    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="words",
                                verbose_name=_("student"))
    word = models.CharField(_("word"), max_length=200)
    translation = models.CharField(_("translation"), max_length=300)
    example = models.CharField(_("example"), max_length=500, blank=True)
    lesson = models.ForeignKey("scheduling.Lesson", on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="words", verbose_name=_("lesson"))
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+",
                                 verbose_name=_("added by"))
    created_at = models.DateTimeField(_("added"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("word")
        verbose_name_plural = _("words")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["student", "-created_at"], name="vocabulary_student_recent_idx")]

    def __str__(self):
        return f"{self.word} — {self.translation}"
