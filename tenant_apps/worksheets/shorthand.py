"""The builder's plain-text way to write an item: no code, a few marks a teacher learns in a minute.

- Typed gaps:      I [am] a student. She [is|~'s] here.      (| another accepted answer, ~ accepted but hidden)
- Drop-down:       I [*am|is|are] a student.                  (* marks the right choice)
- Drag words:      I [am] a [cat].  + extra words: dog, are
- Choices:         one option a line, * before the right one(s); "Rome # That is Italy." adds feedback
- Match:           one pair a line, "cat = кошка"; "= рыба" is an extra answer that matches nothing
- Zones:           one zone a line, "fruit: apple, pear"
- Order:           the pieces in the right order, one a line (one line: its words)
- Number:          3.14, or 3.14 ± 0.01, or 1..5
"""

import re

from django.utils.translation import gettext as _

from tenant_apps.worksheets.engine.schema import ItemError, new_id

GAP = re.compile(r"\[([^\[\]]*)\]")


def _split_gapped(body: str) -> tuple[list, list]:
    pieces, gaps, last = [], [], 0
    for match in GAP.finditer(body):
        pieces.append(body[last:match.start()])
        gaps.append([part.strip() for part in match[1].split("|")])
        last = match.end()
    pieces.append(body[last:])
    if not gaps:
        raise ItemError(_("Put each gap's answer in square brackets, like this: I [am] a student."))
    return pieces, gaps


def _lines(body: str) -> list[str]:
    return [line.strip() for line in body.splitlines() if line.strip()]


def _words(text: str) -> list[str]:
    return [word.strip() for word in text.split(",") if word.strip()]


def parse(kind: str, body: str, extra: str = "") -> dict:
    """The item's type-specific part from what the teacher wrote; raises ItemError with what to fix."""
    body = body.strip()
    if kind == "gaps":
        text, gaps = _split_gapped(body)
        return {"text": text, "gaps": [{"answers": [{"text": a.lstrip("~").strip(), "hidden": a.startswith("~")}
                                                    for a in gap if a.lstrip("~").strip()]} for gap in gaps]}
    if kind == "dropdown":
        text, gaps = _split_gapped(body)
        out = []
        for gap in gaps:
            options = [{"id": new_id(), "text": choice.lstrip("*").strip(), "right": choice.startswith("*")}
                       for choice in gap if choice.lstrip("*").strip()]
            right = [o for o in options if o.pop("right")]
            if len(right) != 1:
                raise ItemError(_("Mark exactly one choice of every gap with *, like this: [*am|is|are]."))
            out.append({"options": options, "answer": right[0]["id"]})
        return {"text": text, "gaps": out}
    if kind == "words":
        text, gaps = _split_gapped(body)
        if any(len(gap) != 1 or not gap[0] for gap in gaps):
            raise ItemError(_("Write one word in each gap, like this: I [am] a [cat]."))
        bank = [{"id": new_id(), "text": gap[0]} for gap in gaps] + [{"id": new_id(), "text": w} for w in _words(extra)]
        return {"text": text, "gaps": [{"text": gap[0]} for gap in gaps], "bank": bank}
    if kind in ("single", "multiple"):
        return {"options": _options(kind, _lines(body))}
    if kind == "match":
        pairs, extras = [], []
        for line in _lines(body):
            left, sep, right = line.partition("=")
            if not sep or not right.strip():
                raise ItemError(_("Write each pair as “left = right”."))
            if left.strip():
                pairs.append({"left": {"id": new_id(), "text": left.strip()},
                              "right": {"id": new_id(), "text": right.strip()}})
            else:
                extras.append({"id": new_id(), "text": right.strip()})
        return {"pairs": pairs, "extra": extras}
    if kind == "zones":
        zones, cards = [], []
        for line in _lines(body):
            label, sep, words = line.partition(":")
            if not sep or not label.strip():
                raise ItemError(_("Write each zone as “zone: card, card”."))
            zone = {"id": new_id(), "label": label.strip()}
            zones.append(zone)
            cards += [{"id": new_id(), "text": word, "zone": zone["id"]} for word in _words(words)]
        return {"zones": zones, "cards": cards}
    if kind == "order":
        lines = _lines(body)
        pieces = lines if len(lines) > 1 else (lines[0].split() if lines else [])
        return {"pieces": [{"id": new_id(), "text": piece} for piece in pieces]}
    if kind == "number":
        return {"answers": [_number(body)]}
    return {}


def _options(kind: str, lines: list[str]) -> list:
    options = []
    for line in lines:
        text, _sep, feedback = line.partition(" # ")
        right = text.startswith("*")
        option = {"id": new_id(), "text": text.lstrip("*").strip(), "right": right}
        if feedback.strip():
            option["feedback"] = feedback.strip()
        options.append(option)
    right_count = sum(o["right"] for o in options)
    if right_count == 0 or (kind == "single" and right_count > 1):
        raise ItemError(_("Put * before the right option.") if kind == "single"
                        else _("Put * before each right option."))
    share = round(100 / right_count, 5)
    wrong_count = len(options) - right_count
    for option in options:
        right = option.pop("right")
        if kind == "single":
            option["weight"] = 100 if right else 0
        else:
            # Ticking everything earns nothing: the wrong ticks take back what the right ones gave.
            option["weight"] = share if right else (-round(100 / wrong_count, 5) if wrong_count else 0)
    if kind == "multiple":
        first = next(o for o in options if o["weight"] > 0)
        first["weight"] = round(100 - share * (right_count - 1), 5)
    return options


def _number(body: str) -> dict:
    text = body.replace(",", ".").replace("+-", "±").replace(" ", "")
    try:
        if ".." in text:
            low, high = (float(part) for part in text.split("..", 1))
            return {"value": (low + high) / 2, "tolerance": abs(high - low) / 2}
        value, _sep, tolerance = text.partition("±")
        return {"value": float(value), "tolerance": abs(float(tolerance)) if tolerance else 0}
    except ValueError:
        raise ItemError(_("Write the number, like 3.14, or 3.14 ± 0.01, or 1..5.")) from None


def _num(value) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def write(item: dict) -> tuple[str, str]:
    """What the builder's text fields hold for an item: (body, extra words)."""
    kind = item["type"]
    if kind in ("gaps", "dropdown", "words"):
        out = [item["text"][0]]
        for gap, after in zip(item["gaps"], item["text"][1:], strict=True):
            if kind == "gaps":
                inside = "|".join(("~" if a.get("hidden") else "") + a["text"] for a in gap["answers"])
            elif kind == "dropdown":
                inside = "|".join(("*" if o["id"] == gap["answer"] else "") + o["text"] for o in gap["options"])
            else:
                inside = gap["text"]
            out += [f"[{inside}]", after]
        extra = ""
        if kind == "words":
            bank = [w["text"] for w in item["bank"]]
            for gap in item["gaps"]:
                bank.remove(gap["text"])
            extra = ", ".join(bank)
        return "".join(out), extra
    if kind in ("single", "multiple"):
        return "\n".join(("*" if o["weight"] > 0 and (kind == "multiple" or o["weight"] == 100) else "") + o["text"]
                         + (f" # {o['feedback']}" if o.get("feedback") else "") for o in item["options"]), ""
    if kind == "match":
        return "\n".join([f"{p['left']['text']} = {p['right']['text']}" for p in item["pairs"]]
                         + [f"= {e['text']}" for e in item.get("extra", [])]), ""
    if kind == "zones":
        return "\n".join(f"{z['label']}: " + ", ".join(c["text"] for c in item["cards"] if c["zone"] == z["id"])
                         for z in item["zones"]), ""
    if kind == "order":
        return "\n".join(p["text"] for p in item["pieces"]), ""
    if kind == "number":
        answer = max(item["answers"], key=lambda a: a["weight"])
        return _num(answer["value"]) + (f" ± {_num(answer['tolerance'])}" if answer["tolerance"] else ""), ""
    return "", ""
