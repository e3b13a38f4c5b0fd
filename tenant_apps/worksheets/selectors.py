"""Reads for worksheets' pages."""

from django.urls import reverse

from tenant_apps.worksheets.models import Share, Worksheet


def background_pages(worksheet: Worksheet, items: list | None = None) -> list[dict]:
    """The background's pages with their URLs and the boxes (items and suggestions) on each.

    `items`: the items as the page shows them; a student's page passes the runner's public views, so no
    answer reaches it through a box.
    """
    items = worksheet.items if items is None else items
    background = worksheet.background
    if background is None:
        return []
    pages = []
    for number, page in enumerate(background.pages, 1):
        pages.append({
            "number": number, "width": page["width"], "height": page["height"],
            "url": reverse("worksheets:file_page", args=[background.pk, number]),
            "items": [item for item in items if (item.get("box") or {}).get("page") == number],
            "suggestions": [s for s in worksheet.suggestions if s["page"] == number],
        })
    return pages


def box_from_query(worksheet: Worksheet, query) -> dict:
    """A box passed as ?box=page,x,y,w,h (fractions), checked against the background; {} if there is none."""
    raw = query.get("box", "")
    if not raw or worksheet.background is None:
        return {}
    try:
        page, x, y, w, h = raw.split(",")
        box = {"page": int(page), "x": float(x), "y": float(y), "w": float(w), "h": float(h)}
    except ValueError:
        return {}
    if not 1 <= box["page"] <= len(worksheet.background.pages):
        return {}
    if not all(0 <= box[key] <= 1 for key in ("x", "y", "w", "h")):
        return {}
    return {"box": box}


def worksheet_stage_payload(material) -> dict:
    """What the library's stage payload adds for a worksheet material: the worksheet and where to do it."""
    worksheet = Worksheet.objects.filter(material=material).only("pk", "items").first()
    if worksheet is None:
        return {}
    # `src`: the stage shows a card that opens it — the student's runner, or the teacher's attempts.
    return {"worksheet": worksheet.pk, "questions": worksheet.question_count,
            "run_url": reverse("worksheets:run", args=[worksheet.pk]),
            "src": reverse("worksheets:open", args=[worksheet.pk])}


def shared_with_student(student):
    return (Share.objects.filter(student=student).select_related("worksheet", "worksheet__owner")
            .order_by("-created_at"))
