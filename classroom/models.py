"""What a lesson's room keeps: its chat. (Video is peer to peer and never touches the server.)"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# A chat line is a message, not a document: long texts belong on the board or the stage.
CHAT_MAX_CHARS = 2000


class ChatMessage(models.Model):
    """One line of a lesson's chat, kept with the lesson for both participants' history."""

    lesson = models.ForeignKey(
        "scheduling.Lesson", on_delete=models.CASCADE, related_name="chat_messages", verbose_name=_("lesson")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("author")
    )
    body = models.TextField(_("message"), max_length=CHAT_MAX_CHARS)
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        verbose_name = _("chat message")
        verbose_name_plural = _("chat messages")
        ordering = ["lesson", "pk"]
        # The room and the transcript read one lesson's lines in order, and catch up "after id N".
        indexes = [models.Index(fields=["lesson", "id"], name="classroom_chat_lesson_idx")]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(body=""), name="classroom_chat_body_not_empty"
            ),
        ]

    def __str__(self):
        return f"{self.lesson_id} · {self.author_id}: {self.body[:40]}"
