"""A lesson's whiteboard, kept in Postgres: one Yjs document per lesson.

The document is stored as a compacted state (`Board.state`, a Yjs update holding everything up to
`Board.compacted_through`) plus the updates accepted since then (`BoardUpdate`, append-only, one row
per accepted update). Loading = the state, then the newer updates in id order. Compaction folds the
rows into the state in one transaction (`classroom.whiteboard.store.compact`).

Images are uploaded files (`BoardImage`) referenced from the document by URL, never bytes in it.
"""

import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Board(models.Model):
    lesson = models.OneToOneField(
        "scheduling.Lesson", on_delete=models.CASCADE, related_name="board", verbose_name=_("lesson")
    )
    # A Yjs update (v1) holding the whole document up to `compacted_through`.
    state = models.BinaryField(_("compacted state"), default=b"")
    compacted_through = models.BigIntegerField(_("last update folded in"), default=0)
    # Page and element counts as of the last compaction, for lists (no document decoding there).
    element_count = models.PositiveIntegerField(_("elements"), default=0)
    page_count = models.PositiveIntegerField(_("pages"), default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        verbose_name = _("whiteboard")
        verbose_name_plural = _("whiteboards")

    def __str__(self):
        return f"{self.lesson_id}"


class BoardUpdate(models.Model):
    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="updates", verbose_name=_("whiteboard"))
    data = models.BinaryField(_("Yjs update"))
    # Who sent it (None: written by the server, e.g. a compaction or a reopened board).
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("author"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("whiteboard update")
        verbose_name_plural = _("whiteboard updates")
        ordering = ["id"]

    def __str__(self):
        return f"{self.board_id}:{self.pk}"


def board_image_path(image: "BoardImage", filename: str) -> str:
    # Relative to the school's own media root (TenantFileSystemStorage adds MEDIA_ROOT/<schema>/).
    suffix = PurePosixPath(filename).suffix.lower()[:8]
    return f"board/{image.lesson_id}/{image.id}{suffix}"


class BoardImage(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    lesson = models.ForeignKey(
        "scheduling.Lesson", on_delete=models.CASCADE, related_name="board_images", verbose_name=_("lesson")
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("uploaded by")
    )
    file = models.FileField(_("file"), upload_to=board_image_path, max_length=255)
    content_type = models.CharField(_("type"), max_length=32)
    width = models.PositiveIntegerField(_("width"))
    height = models.PositiveIntegerField(_("height"))
    size = models.PositiveIntegerField(_("size in bytes"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("whiteboard image")
        verbose_name_plural = _("whiteboard images")

    def __str__(self):
        return str(self.id)
