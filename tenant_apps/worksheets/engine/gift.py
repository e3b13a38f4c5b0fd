"""Moodle GIFT import and export, to and from the engine's items.

Supported: multiple choice (with partial credit and per-answer feedback), multiple answers, true/false,
short answer, matching (with distractors), missing word (a choice or a short answer inside the text),
numerical (value:tolerance, low..high, several answers), essay, description; `$CATEGORY:`, `::titles::`,
`[html]`/`[moodle]`/`[plain]`/`[markdown]` formats, general feedback (`####`), `//` comments and the escapes
`\\~ \\= \\# \\{ \\} \\: \\\\ \\n`.

What GIFT cannot say is lost on export and listed: points, checking options, hidden answers, and the item
types GIFT has no word for (drag and drop, ordering, listening, speaking, images, several gaps in one item).
"""

import math
import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from tenant_apps.worksheets.engine.schema import ItemError, new_id, validate_item

SPECIAL = "~=#{}:\\"
FORMATS = ("[html]", "[moodle]", "[plain]", "[markdown]")
TF = re.compile(r"^(T|F|TRUE|FALSE)$", re.IGNORECASE)
WEIGHT = re.compile(r"^%(-?\d+(?:\.\d+)?)%")


@dataclass
class ImportResult:
    items: list = field(default_factory=list)
    errors: list = field(default_factory=list)  # [(line, message)]
    lines: list = field(default_factory=list)  # each item's first line, for the "imported" list


class GiftError(ValueError):
    pass


# Escapes -----------------------------------------------------------------------------------------------------
def escape(text: str) -> str:
    out = "".join("\\" + char if char in SPECIAL else char for char in text)
    return out.replace("\r\n", "\n").replace("\n", "\\n")


def unescape(text: str) -> str:
    out, i = [], 0
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text):
            nxt = text[i + 1]
            out.append("\n" if nxt == "n" else nxt if nxt in SPECIAL else "\\" + nxt)
            i += 2
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def _find(text: str, sub: str, start: int = 0) -> int:
    """The first position of `sub` not preceded by a backslash escape, or -1."""
    i = start
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text.startswith(sub, i):
            return i
        i += 1
    return -1


def _split(text: str, markers: str) -> list[tuple[str, str]]:
    """[(marker, body)] at each unescaped marker; what comes before the first marker has marker ""."""
    parts, current, marker, i = [], [], "", 0
    while i < len(text):
        char = text[i]
        if char == "\\":
            current.append(text[i:i + 2])
            i += 2
            continue
        if char in markers:
            parts.append((marker, "".join(current)))
            marker, current = char, []
        else:
            current.append(char)
        i += 1
    parts.append((marker, "".join(current)))
    return parts


# Import ------------------------------------------------------------------------------------------------------
def _blocks(source: str):
    """(first line number, text) of each question: questions are separated by blank lines."""
    block, start = [], 0
    for number, line in enumerate(source.replace("\r\n", "\n").split("\n"), 1):
        stripped = line.strip()
        if stripped.startswith("//"):
            continue
        if not stripped:
            if block:
                yield start, "\n".join(block)
            block = []
            continue
        if not block:
            start = number
        block.append(line)
    if block:
        yield start, "\n".join(block)


def gift_import(source: str) -> ImportResult:
    """Read a GIFT file: the items it makes and, for each question it could not read, its line and why."""
    result, category = ImportResult(), ""
    for line, block in _blocks(source):
        text = block.strip()
        if text.startswith("$CATEGORY:"):
            first, _sep, rest = text.partition("\n")
            category = first[len("$CATEGORY:"):].strip()
            text = rest.strip()
            if not text:
                continue
        try:
            item = _question(text)
            if category:
                item["category"] = category
            result.items.append(validate_item(item))
            result.lines.append(line)
        except (GiftError, ItemError) as error:
            result.errors.append((line, str(error)))
    return result


def _question(text: str) -> dict:
    title = ""
    if text.startswith("::"):
        end = _find(text, "::", 2)
        if end < 0:
            raise GiftError(_("The title is not closed with “::”."))
        title, text = unescape(text[2:end]).strip(), text[end + 2:].lstrip()
    for name in FORMATS:
        if text.lower().startswith(name):
            text = text[len(name):].lstrip()  # the text is cleaned as HTML either way
            break
    opening = _find(text, "{")
    if opening < 0:
        if _find(text, "}") >= 0:
            raise GiftError(_("A “}” closes an answer block that was never opened."))
        item = {"type": "text", "html": unescape(text).strip()}
        return item | ({"title": title} if title else {})
    closing = _find(text, "}", opening)
    if closing < 0:
        raise GiftError(_("The answer block is not closed with “}”."))
    if _find(text, "{", closing + 1) >= 0:
        raise GiftError(_("A question may have only one answer block."))
    before, body, after = text[:opening], text[opening + 1:closing], text[closing + 1:]
    embedded = bool(after.strip())
    item = _answers(body.strip())
    if title:
        item["title"] = title
    if embedded:
        if item["type"] not in ("single", "gaps"):
            raise GiftError(_("Only a choice or a short answer can sit inside the text."))
        item = _embedded(item, unescape(before.lstrip()), unescape(after.rstrip()))
    else:
        item["prompt"] = unescape(before).strip()
    return item


def _answers(body: str) -> dict:
    general = ""
    cut = _find(body, "####")
    if cut >= 0:
        body, general = body[:cut].strip(), unescape(body[cut + 4:]).strip()
    item = _answer_kinds(body)
    if general:
        item["feedback_general"] = general
    return item


def _answer_kinds(body: str) -> dict:
    if not body:
        return {"type": "open"}
    if body.startswith("#"):
        return _numerical(body[1:].strip())
    head = _split(body, "#")
    if TF.match(head[0][1].strip()) and len(head) <= 3:
        item = {"type": "truefalse", "answer": head[0][1].strip().upper().startswith("T")}
        feedback = [unescape(part).strip() for _marker, part in head[1:]]
        if feedback and feedback[0]:
            item["feedback_wrong"] = feedback[0]
        if len(feedback) > 1 and feedback[1]:
            item["feedback_correct"] = feedback[1]
        return item
    parts = _split(body, "=~")
    if parts[0][1].strip():
        raise GiftError(_("Each answer must start with “=” (right) or “~” (wrong)."))
    answers = [_answer(marker, text) for marker, text in parts[1:]]
    if any(a["pair"] for a in answers):
        return _matching(answers)
    if all(a["marker"] == "=" for a in answers):
        return {"type": "gaps", "text": ["", ""], "gaps": [{"answers": [
            {"text": a["text"], "weight": 100 if a["weight"] is None else a["weight"]}
            | ({"feedback": a["feedback"]} if a["feedback"] else {}) for a in answers]}]}
    options = []
    for a in answers:
        weight = a["weight"] if a["weight"] is not None else (100 if a["marker"] == "=" else 0)
        options.append({"id": new_id(), "text": a["text"], "weight": weight}
                       | ({"feedback": a["feedback"]} if a["feedback"] else {}))
    if any(a["marker"] == "=" for a in answers):
        return {"type": "single", "options": options}
    return {"type": "multiple", "options": options}


def _answer(marker: str, raw: str) -> dict:
    raw = raw.strip()
    weight = None
    match = WEIGHT.match(raw)
    if match:
        weight = float(match[1])
        weight = int(weight) if weight.is_integer() else weight
        raw = raw[match.end():]
        if not -100 <= weight <= 100:
            raise GiftError(_("A weight is a percentage between -100 and 100."))
    cut = _find(raw, "#")
    feedback = ""
    if cut >= 0:
        raw, feedback = raw[:cut], unescape(raw[cut + 1:]).strip()
    arrow = _find(raw, "->")
    pair = None
    if arrow >= 0:
        pair = (unescape(raw[:arrow]).strip(), unescape(raw[arrow + 2:]).strip())
    text = unescape(raw).strip()
    if not text:
        raise GiftError(_("An answer is empty."))
    return {"marker": marker, "weight": weight, "text": text, "feedback": feedback, "pair": pair}


def _matching(answers) -> dict:
    pairs, extra = [], []
    for answer in answers:
        if answer["marker"] != "=" or not answer["pair"] or not answer["pair"][1]:
            raise GiftError(_("Every line of a matching question is “=question -> answer”."))
        left, right = answer["pair"]
        if left:
            pairs.append({"left": {"id": new_id(), "text": left}, "right": {"id": new_id(), "text": right}})
        else:
            extra.append({"id": new_id(), "text": right})
    if len(pairs) < 2:
        raise GiftError(_("A matching question needs at least two pairs."))
    return {"type": "match", "pairs": pairs, "extra": extra}


def _number(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise GiftError(_("“%(text)s” is not a number.") % {"text": text}) from None
    if not math.isfinite(value):
        raise GiftError(_("“%(text)s” is not a number.") % {"text": text})
    return value


def _numeric_answer(raw: str, weight) -> dict:
    cut = _find(raw, "#")
    feedback = ""
    if cut >= 0:
        raw, feedback = raw[:cut], unescape(raw[cut + 1:]).strip()
    raw = raw.strip()
    if ".." in raw:
        low, high = (_number(part.strip()) for part in raw.split("..", 1))
        if low > high:
            raise GiftError(_("The range starts above its end."))
        value, tolerance = (low + high) / 2, (high - low) / 2
    elif _find(raw, ":") >= 0:
        value_text, tolerance_text = raw.replace("\\:", ":").split(":", 1)
        value, tolerance = _number(value_text.strip()), abs(_number(tolerance_text.strip()))
    else:
        value, tolerance = _number(raw), 0.0
    answer = {"value": value, "tolerance": tolerance, "weight": 100 if weight is None else weight}
    return answer | ({"feedback": feedback} if feedback else {})


def _numerical(body: str) -> dict:
    if not body:
        raise GiftError(_("A numerical question needs a number."))
    if body.startswith("=") or body.startswith("~"):
        parts = _split(body, "=~")
        answers = []
        for marker, raw in parts[1:]:
            raw = raw.strip()
            match = WEIGHT.match(raw)
            weight = float(match[1]) if match else (100 if marker == "=" else 0)
            if match:
                raw = raw[match.end():]
            answers.append(_numeric_answer(raw, weight))
    else:
        answers = [_numeric_answer(body, None)]
    return {"type": "number", "answers": answers}


def _embedded(item: dict, before: str, after: str) -> dict:
    text = [before, after]
    if item["type"] == "gaps":
        return item | {"text": text, "prompt": ""}
    options = item["options"]
    best = max(options, key=lambda o: o["weight"])
    if any(0 < o["weight"] < 100 for o in options):
        raise GiftError(_("A choice inside the text cannot give partial credit."))
    converted = {"type": "dropdown", "prompt": "", "text": text,
                 "gaps": [{"options": [{"id": o["id"], "text": o["text"]} for o in options], "answer": best["id"]}]}
    for key in ("title", "feedback_general"):
        if key in item:
            converted[key] = item[key]
    return converted


# Export ------------------------------------------------------------------------------------------------------
def _weight(value) -> str:
    return f"{value:.5f}".rstrip("0").rstrip(".")


def _num(value) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _feedback(entry: dict) -> str:
    return f"#{escape(entry['feedback'])}" if entry.get("feedback") else ""


def _stem(item: dict, text: str) -> str:
    head = f"::{escape(item['title'])}::" if item.get("title") else ""
    return head + ("[html]" if "<" in text else "") + escape(text)


def _block(item: dict) -> str:
    kind = item["type"]
    general = f" ####{escape(item['feedback_general'])}" if item.get("feedback_general") else ""
    if kind == "open":
        return "{" + general.strip() + "}"
    if kind == "truefalse":
        feedback = ""
        if item.get("feedback_wrong") or item.get("feedback_correct"):
            feedback = f"#{escape(item.get('feedback_wrong', ''))}"
            if item.get("feedback_correct"):
                feedback += f"#{escape(item['feedback_correct'])}"
        return "{" + ("TRUE" if item["answer"] else "FALSE") + feedback + general + "}"
    if kind in ("single", "multiple"):
        answers = []
        for option in item["options"]:
            if kind == "single" and option["weight"] == 100:
                marker = "="
            else:
                marker = "~" + (f"%{_weight(option['weight'])}%" if option["weight"] else "")
            answers.append(f"{marker}{escape(option['text'])}{_feedback(option)}")
        return "{" + " ".join(answers) + general + "}"
    if kind == "gaps":
        answers = [("=" + (f"%{_weight(a['weight'])}%" if a["weight"] != 100 else "") + escape(a["text"])
                    + _feedback(a)) for a in item["gaps"][0]["answers"]]
        return "{" + " ".join(answers) + general + "}"
    if kind == "dropdown":
        gap = item["gaps"][0]
        return "{" + " ".join(("=" if o["id"] == gap["answer"] else "~") + escape(o["text"])
                              for o in gap["options"]) + general + "}"
    if kind == "match":
        lines = [f"={escape(p['left']['text'])} -> {escape(p['right']['text'])}" for p in item["pairs"]]
        lines += [f"= -> {escape(e['text'])}" for e in item.get("extra", [])]
        return "{\n" + "\n".join(lines) + general + "\n}"
    if kind == "number":
        answers = item["answers"]
        if len(answers) == 1 and answers[0]["weight"] == 100 and not answers[0].get("feedback"):
            return "{#" + f"{_num(answers[0]['value'])}:{_num(answers[0]['tolerance'])}" + general + "}"
        parts = [f"={'' if a['weight'] == 100 else '%' + _weight(a['weight']) + '%'}"
                 f"{_num(a['value'])}:{_num(a['tolerance'])}{_feedback(a)}" for a in answers]
        return "{#" + " ".join(parts) + general + "}"
    raise ValueError(kind)


def exportable(item: dict) -> bool:
    kind = item["type"]
    if kind in ("gaps", "dropdown"):
        return len(item["gaps"]) == 1 and (item["text"] == ["", ""] or not item.get("prompt"))
    return kind in ("text", "open", "truefalse", "single", "multiple", "match", "number")


def gift_export(items: list) -> tuple[str, list]:
    """GIFT text of the items, and the items GIFT has no way to say (left out)."""
    out, skipped, category = [], [], ""
    for item in items:
        if not exportable(item):
            skipped.append(item)
            continue
        if item.get("category", "") != category:
            category = item.get("category", "")
            out.append(f"$CATEGORY: {category}")
        if item["type"] == "text":
            out.append(_stem(item, item.get("html", "")))
        elif item["type"] in ("gaps", "dropdown") and item["text"] != ["", ""]:
            before, after = item["text"]
            out.append(_stem(item, before) + _block(item) + (escape(after) or " "))
        else:
            out.append(_stem(item, item.get("prompt", "")) + " " + _block(item))
    return "\n\n".join(out) + "\n", skipped
