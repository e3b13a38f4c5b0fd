"""PDF → interactive: a printed worksheet's pages become the background, and Panda suggests answer boxes.

The blanks are found in the PDF's text layer with pdfplumber's character positions: runs of underscores
(`_____`), runs of dots (`.....`, `…`) and empty brackets (`( )`, `[  ]`). A numbered gap such as
`1) _____` is a run of underscores after its number, so the number becomes the box's label. A scanned
page has no text layer: nothing is suggested and the teacher draws the boxes by hand.
"""

import io
import re

import pdfplumber
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tenant_apps.materials import files
from tenant_apps.worksheets import services
from tenant_apps.worksheets.models import Worksheet

BLANK_CHARS = {"_": 3, ".": 5, "…": 2}
OPENERS = {"(": ")", "[": "]"}
SAME_LINE = 2.0  # points: characters whose baselines differ by less are on one line
MAX_SUGGESTIONS = 300


def _lines(chars):
    lines = []
    for char in sorted(chars, key=lambda c: (round(c["bottom"]), c["x0"])):
        if lines and abs(lines[-1][-1]["bottom"] - char["bottom"]) < SAME_LINE:
            lines[-1].append(char)
        else:
            lines.append([char])
    return [sorted(line, key=lambda c: c["x0"]) for line in lines]


def _label(line, index) -> str:
    before = "".join(c["text"] for c in line[max(0, index - 40):index])
    return re.sub(r"\s+", " ", before).strip()[-30:]


def _box(page, first, last, label):
    height = max(last["bottom"] - first["top"], 10)
    top = last["bottom"] - max(height, 14)  # underscores sit on the baseline: the box reaches up a line
    return {"page": page.page_number, "x": round(first["x0"] / page.width, 5), "y": round(max(top, 0) / page.height, 5),
            "w": round((last["x1"] - first["x0"]) / page.width, 5), "h": round(max(height, 14) / page.height, 5),
            "label": label}


def _blanks_in_line(page, line):
    found, i = [], 0
    while i < len(line):
        char = line[i]["text"]
        if char in BLANK_CHARS:
            j = i
            while j + 1 < len(line) and line[j + 1]["text"] == char and line[j + 1]["x0"] - line[j]["x1"] < 2:
                j += 1
            if j - i + 1 >= BLANK_CHARS[char]:
                found.append(_box(page, line[i], line[j], _label(line, i)))
            i = j + 1
            continue
        if char in OPENERS:
            j = i + 1
            while j < len(line) and not line[j]["text"].strip():
                j += 1
            # "( )" with room between: the closer is at least a few points away.
            if j < len(line) and line[j]["text"] == OPENERS[char] and line[j]["x0"] - line[i]["x1"] > 4:
                found.append(_box(page, line[i], line[j], _label(line, i)))
                i = j + 1
                continue
        i += 1
    return found


def suggest_boxes(data: bytes) -> list[dict]:
    """Blanks found on every page of a PDF, as boxes in fractions of the page; [] for a scan."""
    suggestions = []
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            for line in _lines(page.chars):
                suggestions += _blanks_in_line(page, line)
                if len(suggestions) >= MAX_SUGGESTIONS:
                    return suggestions
    return suggestions


def worksheet_from_background(*, owner, title: str, upload) -> Worksheet:
    """A new worksheet whose background is the uploaded PDF or picture, with the blanks Panda found."""
    upload.seek(0)
    found = files.sniff(upload.read(64))
    upload.seek(0)
    family = found[0] if found else None
    if family not in ("pdf", "image"):
        raise ValidationError(_("Upload a PDF or a picture (PNG, JPEG, GIF, WebP)."), code="file_type")
    suggestions = []
    if family == "pdf":
        data = upload.read()
        upload.seek(0)
        files.inspect_upload(upload, "pdf")  # a damaged PDF is refused before pdfplumber reads it
        try:
            suggestions = suggest_boxes(data)
        except Exception:  # noqa: BLE001 - an odd text layer means no suggestions, not a failed upload
            suggestions = []
    with transaction.atomic():
        worksheet = services.worksheet_create(owner=owner, title=title)
        background = services.worksheet_file_add(worksheet=worksheet, upload=upload, kind=family)
        worksheet.background = background
        worksheet.suggestions = suggestions
        worksheet.save(update_fields=["background", "suggestions", "updated_at"])
    return worksheet
