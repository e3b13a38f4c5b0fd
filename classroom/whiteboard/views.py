"""The board over HTTP: its state (read-only board, reopening), images (upload, serve), the history page."""

import uuid

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from PIL import Image, UnidentifiedImageError

from classroom.access import room_is_open
from classroom.whiteboard import store
from classroom.whiteboard.access import viewable_lesson_or_404
from classroom.whiteboard.models import BoardImage

MAX_IMAGE_BYTES = 10 * 1024 * 1024
MAX_IMAGE_SIDE = 10_000
MAX_IMAGE_PIXELS = 40_000_000  # tenant_apps/materials/files.py's IMAGE_MAX_PIXELS
IMAGE_FORMATS = {"PNG": ("image/png", ".png"), "JPEG": ("image/jpeg", ".jpg"), "GIF": ("image/gif", ".gif"),
                 "WEBP": ("image/webp", ".webp")}


@login_required
@require_GET
def history(request, pk: int):
    """The board of a lesson, read-only, with PNG/PDF export: its two people and the school's staff."""
    lesson, seat = viewable_lesson_or_404(request.user, pk)
    return render(request, "whiteboard/history.html", {"lesson": lesson, "seat": seat})


@login_required
@require_GET
def live(request, pk: int):
    """The live board alone, full width (the room page includes the same partial beside the video)."""
    lesson, seat = viewable_lesson_or_404(request.user, pk)
    if seat is None:
        raise PermissionDenied
    context = {"lesson": lesson, "seat": seat, "open": room_is_open(lesson, timezone.now())}
    return render(request, "whiteboard/live.html", context)


@login_required
@require_GET
@never_cache
def state(request, pk: int):
    """The whole document as one Yjs update (binary)."""
    lesson, _seat = viewable_lesson_or_404(request.user, pk)
    response = HttpResponse(store.document_state(lesson.pk), content_type="application/octet-stream")
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def upload(request, pk: int):
    """An image for the board (a participant, while the room is open): stored, then referenced by URL."""
    lesson, seat = viewable_lesson_or_404(request.user, pk)
    if seat is None or not room_is_open(lesson, timezone.now()):
        raise PermissionDenied
    upload = request.FILES.get("file")
    if upload is None:
        return JsonResponse({"error": _("Choose an image to upload.")}, status=400)
    if upload.size > MAX_IMAGE_BYTES:
        return JsonResponse({"error": _("The image is larger than 10 MB.")}, status=400)
    try:
        with Image.open(upload) as picture:
            picture.verify()
        upload.seek(0)
        with Image.open(upload) as picture:
            kind, (width, height) = picture.format, picture.size
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return JsonResponse({"error": _("This file is not a PNG, JPEG, GIF or WebP image.")}, status=400)
    if kind not in IMAGE_FORMATS:
        return JsonResponse({"error": _("This file is not a PNG, JPEG, GIF or WebP image.")}, status=400)
    if width > MAX_IMAGE_SIDE or height > MAX_IMAGE_SIDE:
        return JsonResponse({"error": _("The image is too large (at most 10,000 pixels a side).")}, status=400)
    if width * height > MAX_IMAGE_PIXELS:  # as lesson materials: every browser on the board decodes it
        return JsonResponse({"error": _("The image is %(width)s × %(height)s pixels; please make it smaller than "
                                        "40 megapixels.") % {"width": width, "height": height}}, status=400)
    upload.seek(0)
    mime, suffix = IMAGE_FORMATS[kind]
    image = BoardImage(
        id=uuid.uuid4(), lesson=lesson, uploaded_by=request.user, content_type=mime,
        width=width, height=height, size=upload.size,
    )
    image.file.save(f"image{suffix}", upload, save=False)
    image.save()
    return JsonResponse(
        {"id": str(image.id), "url": image_url(image), "mimeType": mime, "width": width, "height": height}, status=201
    )


def image_url(image: BoardImage) -> str:
    return reverse("whiteboard:image", args=[image.lesson_id, image.id])


@login_required
@require_GET
def image(request, pk: int, image_id):
    """An uploaded board image: the lesson's two people and the school's staff only."""
    lesson, _seat = viewable_lesson_or_404(request.user, pk)
    found = BoardImage.objects.filter(pk=image_id, lesson=lesson).first()
    if found is None:
        raise Http404
    response = FileResponse(found.file.open("rb"), content_type=found.content_type)
    response["Cache-Control"] = "private, max-age=86400"
    response["X-Content-Type-Options"] = "nosniff"
    return response

