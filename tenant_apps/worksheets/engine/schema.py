"""A worksheet's items as plain JSON: what each type holds, its validation, and what a student may see.

Every item is a dict with `id`, `type`, `points` and `prompt` (sanitised HTML, set by the builder), and
optionally `title`, `category` (GIFT), `feedback_correct`, `feedback_wrong`, `checking` (see text.Checking)
and `box` (a place on a PDF page: {"page", "x", "y", "w", "h"} as fractions of the page).

Types and what they hold (the answers are the parts `public_item` drops):
- text / image / video: a block; `html`, or `file` (an uploaded file's id) / `url`, and `alt`.
- gaps: typed gaps. `text` is the list of text pieces around the gaps (one more than the gaps); each gap has
  `answers`: [{"text", "weight" (percent, default 100), "hidden" (accepted but not shown in the solution)}].
- dropdown: `text` as for gaps; each gap has `options` [{"id", "text"}] and `answer` (an option id).
- single / multiple: `options` [{"id", "text", "weight", "feedback"}]; single: the best option has weight
  100; multiple: the positive weights add up to 100 (a wrong tick usually has a negative weight).
- truefalse: `answer` true or false.
- match: `pairs` [{"left": {"id", "text"}, "right": {"id", "text"}}], `extra` [{"id", "text"}] (distractors).
- words: drag words into gaps. `text` and `gaps` [{"text"}] as above, `bank` [{"id", "text"}] holds every
  gap's word plus distractors.
- zones: drag cards into zones. `zones` [{"id", "label"}], `cards` [{"id", "text", "zone"}].
- order: put in order. `pieces` [{"id", "text"}] in the right order.
- number: `answers` [{"value", "tolerance", "weight"}].
- listening: `audio` (a file id) or `url`, and `items`: any of the auto-graded types above.
- speaking: the student records; the teacher grades. open: the student writes; the teacher grades.

Ids are short random tokens made when the item is built, so the order the student sees (sorted by id) says
nothing about the answer, and a match's left and right sides carry unrelated ids.
"""

import copy
import math
import secrets

from django.utils.translation import gettext as _

BLOCKS = ("text", "image", "video")
AUTO = ("gaps", "dropdown", "single", "multiple", "truefalse", "match", "words", "zones", "order", "number")
TEACHER_GRADED = ("speaking", "open")
TYPES = BLOCKS + AUTO + ("listening",) + TEACHER_GRADED
GAP_TYPES = ("gaps", "dropdown", "words")
MAX_POINTS = 100


class ItemError(ValueError):
    """An item that cannot be graded as it stands; the message says what to fix."""


def new_id() -> str:
    return secrets.token_hex(4)


def is_graded(item: dict) -> bool:
    return item.get("type") not in BLOCKS


def gap_count(item: dict) -> int:
    return len(item.get("gaps", []))


def _need(condition, message):
    if not condition:
        raise ItemError(message)


def _texts(entries, none_message):
    """Entries with text and an id; `none_message` says what to add when there are none."""
    _need(isinstance(entries, list) and entries, none_message)
    for entry in entries:
        _need(isinstance(entry, dict) and str(entry.get("text", "")).strip(), _("Every entry needs some text."))
        entry.setdefault("id", new_id())


def validate_item(item: dict) -> dict:
    """Check one item and fill in its defaults (ids, points); returns the item or raises ItemError."""
    _need(isinstance(item, dict), _("An item must be an object."))
    kind = item.get("type")
    _need(kind in TYPES, _("Unknown item type: %(type)s.") % {"type": kind})
    item.setdefault("id", new_id())
    points = item.setdefault("points", 0 if kind in BLOCKS else 1)
    _need(isinstance(points, int | float) and 0 <= points <= MAX_POINTS,
          _("Points must be between 0 and %(max)s.") % {"max": MAX_POINTS})
    CHECKS.get(kind, lambda item: None)(item)
    return item


def _check_gapped(item):
    gaps, text = item.get("gaps"), item.get("text")
    _need(isinstance(gaps, list) and gaps, _("Add at least one gap."))
    _need(isinstance(text, list) and len(text) == len(gaps) + 1 and all(isinstance(t, str) for t in text),
          _("The text and its gaps do not fit together."))


def _check_gaps(item):
    _check_gapped(item)
    for gap in item["gaps"]:
        answers = gap.get("answers") if isinstance(gap, dict) else None
        _need(isinstance(answers, list) and answers, _("Every gap needs an accepted answer."))
        for answer in answers:
            _need(isinstance(answer, dict) and str(answer.get("text", "")).strip(),
                  _("Every gap needs an accepted answer."))
            answer.setdefault("weight", 100)
        _need(max(a["weight"] for a in answers) == 100, _("One answer of every gap must be fully right."))
        _need(any(not a.get("hidden") for a in answers), _("Every gap needs an answer shown in the solution."))


def _check_dropdown(item):
    _check_gapped(item)
    for gap in item["gaps"]:
        _texts(gap.get("options"), _("Give every gap its choices."))
        _need(gap.get("answer") in {o["id"] for o in gap["options"]}, _("Pick the right choice of every gap."))


def _check_choice(item):
    _texts(item.get("options"), _("Add the options."))
    for option in item["options"]:
        option.setdefault("weight", 0)
        _need(isinstance(option["weight"], int | float) and -100 <= option["weight"] <= 100,
              _("A weight is a percentage between -100 and 100."))
    weights = [o["weight"] for o in item["options"]]
    if item["type"] == "single":
        _need(max(weights) == 100, _("Mark the right option."))
    else:
        _need(math.isclose(sum(w for w in weights if w > 0), 100, abs_tol=0.01),
              _("Mark at least one right option."))


def _check_truefalse(item):
    _need(isinstance(item.get("answer"), bool), _("Say whether the statement is true or false."))


def _check_match(item):
    pairs = item.get("pairs")
    _need(isinstance(pairs, list) and len(pairs) >= 2, _("Add at least two pairs."))
    for pair in pairs:
        _need(isinstance(pair, dict), _("Every pair needs two sides."))
        _texts([pair.get("left")], _("Every pair needs two sides."))
        _texts([pair.get("right")], _("Every pair needs two sides."))
    item.setdefault("extra", [])
    if item["extra"]:
        _texts(item["extra"], _("Every pair needs two sides."))


def _check_words(item):
    _check_gapped(item)
    _texts(item.get("bank"), _("Add the words to drag."))
    bank = [b["text"] for b in item["bank"]]
    for gap in item["gaps"]:
        _need(isinstance(gap, dict) and gap.get("text") in bank, _("Every gap's word must be in the word bank."))
        bank.remove(gap["text"])


def _check_zones(item):
    zones = item.get("zones")
    _need(isinstance(zones, list) and zones, _("Add at least one zone."))
    for zone in zones:
        _need(isinstance(zone, dict) and str(zone.get("label", "")).strip(), _("Every zone needs a label."))
        zone.setdefault("id", new_id())
    _texts(item.get("cards"), _("Add the cards to sort."))
    zone_ids = {zone["id"] for zone in zones}
    for card in item["cards"]:
        _need(card.get("zone") in zone_ids, _("Put every card in its zone."))


def _check_order(item):
    _texts(item.get("pieces"), _("Add at least two pieces to put in order."))
    _need(len(item["pieces"]) >= 2, _("Add at least two pieces to put in order."))


def _check_number(item):
    answers = item.get("answers")
    _need(isinstance(answers, list) and answers, _("Add the right number."))
    for answer in answers:
        _need(isinstance(answer, dict) and isinstance(answer.get("value"), int | float)
              and math.isfinite(answer["value"]), _("Add the right number."))
        answer.setdefault("tolerance", 0)
        answer.setdefault("weight", 100)
        _need(answer["tolerance"] >= 0, _("A tolerance cannot be negative."))
    _need(max(a["weight"] for a in answers) == 100, _("One number must be fully right."))


def _check_listening(item):
    items = item.get("items")
    _need(isinstance(items, list) and items, _("Add a question about the recording."))
    for sub in items:
        _need(isinstance(sub, dict) and sub.get("type") in AUTO,
              _("A listening item holds questions, not blocks or other recordings."))
        validate_item(sub)
    item["points"] = sum(sub["points"] for sub in items)


CHECKS = {
    "gaps": _check_gaps, "dropdown": _check_dropdown, "single": _check_choice, "multiple": _check_choice,
    "truefalse": _check_truefalse, "match": _check_match, "words": _check_words, "zones": _check_zones,
    "order": _check_order, "number": _check_number, "listening": _check_listening,
}


def validate_items(items) -> list[dict]:
    if not isinstance(items, list):
        raise ItemError(_("The items must be a list."))
    seen = set()
    for item in items:
        validate_item(item)
        _need(item["id"] not in seen, _("Two items share an id."))
        seen.add(item["id"])
    return items


def max_points(items) -> float:
    return sum(item.get("points", 0) for item in items if is_graded(item))


# What a student may see before submitting ------------------------------------------------------------------
_COMMON = ("id", "type", "points", "prompt", "title", "box", "html", "file", "url", "alt", "audio", "text")


def _shuffled(entries):
    """Sorted by their random ids: a fixed order that says nothing about the right one."""
    return sorted(({"id": e["id"], "text": e["text"]} for e in entries), key=lambda e: e["id"])


def public_item(item: dict) -> dict:
    """The item without anything that gives the answer away (no weights, no right ids, no feedback)."""
    shown = {key: copy.deepcopy(item[key]) for key in _COMMON if key in item}
    kind = item["type"]
    if kind in ("gaps", "words"):
        shown["gaps"] = len(item["gaps"])
    if kind == "gaps" and item.get("checking", {}).get("pinyin"):
        shown["pinyin"] = True
    if kind == "dropdown":
        shown["gaps"] = [_shuffled(gap["options"]) for gap in item["gaps"]]
    elif kind in ("single", "multiple"):
        shown["options"] = _shuffled(item["options"])
    elif kind == "match":
        shown["left"] = [{"id": p["left"]["id"], "text": p["left"]["text"]} for p in item["pairs"]]
        shown["right"] = _shuffled([p["right"] for p in item["pairs"]] + item.get("extra", []))
    elif kind == "words":
        shown["bank"] = _shuffled(item["bank"])
    elif kind == "zones":
        shown["zones"] = [{"id": z["id"], "label": z["label"]} for z in item["zones"]]
        shown["cards"] = _shuffled(item["cards"])
    elif kind == "order":
        shown["pieces"] = _shuffled(item["pieces"])
        if shown["pieces"] == [{"id": p["id"], "text": p["text"]} for p in item["pieces"]]:
            shown["pieces"].reverse()  # never hand out the solved order
    elif kind == "listening":
        shown["items"] = [public_item(sub) for sub in item["items"]]
    return shown


def solution(item: dict):
    """The answer shown after submitting (or revealed in the lesson), in the shape the student answers in."""
    kind = item["type"]
    if kind == "gaps":
        return [next(a["text"] for a in gap["answers"] if a["weight"] == 100 and not a.get("hidden"))
                if any(a["weight"] == 100 and not a.get("hidden") for a in gap["answers"])
                else next(a["text"] for a in gap["answers"] if not a.get("hidden")) for gap in item["gaps"]]
    if kind == "dropdown":
        return [gap["answer"] for gap in item["gaps"]]
    if kind == "single":
        return max(item["options"], key=lambda o: o["weight"])["id"]
    if kind == "multiple":
        return [o["id"] for o in item["options"] if o["weight"] > 0]
    if kind == "truefalse":
        return item["answer"]
    if kind == "match":
        return {p["left"]["id"]: p["right"]["id"] for p in item["pairs"]}
    if kind == "words":
        free = list(item["bank"])
        chosen = []
        for gap in item["gaps"]:
            word = next(w for w in free if w["text"] == gap["text"])
            free.remove(word)
            chosen.append(word["id"])
        return chosen
    if kind == "zones":
        return {card["id"]: card["zone"] for card in item["cards"]}
    if kind == "order":
        return [p["id"] for p in item["pieces"]]
    if kind == "number":
        return str(max(item["answers"], key=lambda a: a["weight"])["value"])
    if kind == "listening":
        return {sub["id"]: solution(sub) for sub in item["items"] if sub["type"] in AUTO}
    return None
