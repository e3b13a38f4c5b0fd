"""`{% board_config lesson seat live as board %}`: what the board's script needs (templates/classroom/_board.html)."""

from django import template
from django.templatetags.static import static
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from classroom.whiteboard.models import Board

register = template.Library()


def strings() -> dict:
    return {
        "connecting": _("Connecting the board…"),
        "connected": _("Board connected"),
        "reconnecting": _("Reconnecting the board… Your drawing is kept and will be sent when the connection returns."),
        "refused": _("The board did not accept your last change and shows the shared board again."),
        "locked": _("The teacher has locked drawing."),
        "page": _("Page"),
        "pages": _("Pages"),
        "add_page": _("Add a page"),
        "follow": _("Follow me"),
        "following": _("Following the teacher"),
        "lock": _("Lock drawing"),
        "clear": _("Clear the page"),
        "clear_confirm": _("Clear every drawing on this page for both of you?"),
        "reopen": _("Reopen an earlier board"),
        "reopen_none": _("No earlier boards yet"),
        "reopen_done": _("Earlier board added as new pages."),
        "export_png": _("Export page as PNG"),
        "export_pdf": _("Export as PDF"),
        "upload_failed": _("The image could not be uploaded."),
        "read_only": _("This board is read-only."),
        "empty": _("Nothing was drawn on this board."),
        "toolbar": _("Board controls"),
        "menu": _("Board menu"),
        "reset_zoom": _("Reset zoom"),
    }


@register.simple_tag
def board_config(lesson, seat, live=None) -> dict:
    """`live` is False on the read-only history page; unset (the room) means live."""
    live = live is not False
    is_leader = bool(seat and seat.is_leader)
    earlier = []
    if live and is_leader:
        boards = (
            Board.objects.filter(
                lesson__teacher_id=lesson.teacher_id, lesson__student_id=lesson.student_id,
                lesson__starts_at__lt=lesson.starts_at,
            )
            .select_related("lesson")
            .order_by("-lesson__starts_at")[:10]
        )
        earlier = [
            {
                "title": formats.date_format(timezone.localtime(board.lesson.starts_at), "DATETIME_FORMAT"),
                "state": reverse("whiteboard:state", args=[board.lesson_id]),
            }
            for board in boards
        ]
    return {
        "lesson": lesson.pk,
        "live": bool(live and seat),
        "leader": is_leader,
        "socket": f"/ws/lessons/{lesson.pk}/board/",
        "state": reverse("whiteboard:state", args=[lesson.pk]),
        "upload": reverse("whiteboard:upload", args=[lesson.pk]),
        "assets": static("dist/excalidraw/"),
        "lang": "ru-RU" if (get_language() or "").startswith("ru") else "en",
        "earlier": earlier,
        "strings": strings(),
    }
