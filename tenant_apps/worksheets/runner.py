"""The student's page: items as the student may see them (engine.public_item), with the saved answers filled
in, and the form's fields read back into answers.

Every field is named after its item (and gap, pair or card), so the page works as a plain form; the
script only adds autosave, drag and drop and tap-to-place on top of the same fields.
"""

from tenant_apps.worksheets.engine import public_item, solution
from tenant_apps.worksheets.engine.schema import BLOCKS


def _gapped(shown: dict, answer) -> list:
    """[(text before, gap number, saved value)] for a gapped item's text."""
    values = answer if isinstance(answer, list) else []
    pieces = []
    for number, text in enumerate(shown["text"][:-1]):
        pieces.append({"text": text, "n": number, "value": values[number] if number < len(values) else ""})
    return pieces


def view_item(item: dict, answer, number: int | None) -> dict:
    shown = public_item(item)
    shown["number"] = number
    shown["answer"] = answer
    kind = item["type"]
    if kind in ("gaps", "dropdown", "words"):
        shown["pieces"] = _gapped(shown, answer)
        shown["tail"] = shown["text"][-1]
        if kind == "dropdown":
            for piece, options in zip(shown["pieces"], shown["gaps"], strict=True):
                piece["options"] = options
    elif kind in ("match", "zones"):
        chosen = answer if isinstance(answer, dict) else {}
        for entry in shown["left" if kind == "match" else "cards"]:
            entry["value"] = chosen.get(entry["id"], "")
    elif kind in ("single", "multiple"):
        chosen = [answer] if isinstance(answer, str) else answer if isinstance(answer, list) else []
        for option in shown["options"]:
            option["checked"] = option["id"] in chosen
    elif kind == "order" and isinstance(answer, list):
        by_id = {piece["id"]: piece for piece in shown["pieces"]}
        if sorted(answer) == sorted(by_id):
            shown["pieces"] = [by_id[piece_id] for piece_id in answer]
    elif kind == "listening":
        answers = answer if isinstance(answer, dict) else {}
        shown["subs"] = [view_item(sub, answers.get(sub["id"]), None) for sub in item["items"]]
    return shown


def view_items(items: list, answers: dict) -> list:
    out, number = [], 0
    for item in items:
        if item["type"] not in BLOCKS:
            number += 1
        out.append(view_item(item, answers.get(item["id"]), None if item["type"] in BLOCKS else number))
    return out


def _read(item: dict, data):
    """One item's answer from the submitted form fields (a QueryDict)."""
    key, kind = item["id"], item["type"]
    if kind in ("gaps", "dropdown", "words"):
        return [data.get(f"{key}.{n}", "") for n in range(len(item["gaps"]))]
    if kind == "multiple":
        return data.getlist(key)
    if kind == "truefalse":
        value = data.get(key)
        return {"true": True, "false": False}.get(value)
    if kind == "match":
        return {p["left"]["id"]: data.get(f"{key}.{p['left']['id']}") for p in item["pairs"]
                if data.get(f"{key}.{p['left']['id']}")}
    if kind == "zones":
        return {c["id"]: data.get(f"{key}.{c['id']}") for c in item["cards"] if data.get(f"{key}.{c['id']}")}
    if kind == "order":
        return data.getlist(key)
    if kind == "listening":
        return {sub["id"]: _read(sub, data) for sub in item["items"]}
    if kind == "speaking":
        return data.get(key) or None
    return data.get(key, "")


def answers_from_form(items: list, data) -> dict:
    return {item["id"]: _read(item, data) for item in items if item["type"] not in BLOCKS}


def result_items(items: list, answers: dict, result: dict) -> list:
    """The submitted page: each item as the student saw it, their answer, the verdict and the solution."""
    shown = view_items(items, answers)
    by_id = result.get("items", {})
    for view, item in zip(shown, items, strict=True):
        view["result"] = by_id.get(item["id"])
        view["solution"] = solution(item) if item["type"] not in BLOCKS else None
        view["solution_text"] = solution_text(item)
    return shown


def solution_text(item: dict) -> str:
    """The solution in words, for the result page and the teacher's reveal."""
    kind = item["type"]
    answer = solution(item)
    if kind == "gaps":
        return " · ".join(answer)
    if kind == "dropdown":
        texts = {o["id"]: o["text"] for gap in item["gaps"] for o in gap["options"]}
        return " · ".join(texts[a] for a in answer)
    if kind == "single":
        return next(o["text"] for o in item["options"] if o["id"] == answer)
    if kind == "multiple":
        return ", ".join(o["text"] for o in item["options"] if o["id"] in answer)
    if kind == "match":
        return "; ".join(f"{p['left']['text']} → {p['right']['text']}" for p in item["pairs"])
    if kind == "words":
        return " · ".join(gap["text"] for gap in item["gaps"])
    if kind == "zones":
        zones = {z["id"]: z["label"] for z in item["zones"]}
        return "; ".join(f"{c['text']} → {zones[c['zone']]}" for c in item["cards"])
    if kind == "order":
        return " ".join(p["text"] for p in item["pieces"])
    if kind == "number":
        return str(answer)
    if kind == "listening":
        return " | ".join(solution_text(sub) for sub in item["items"])
    return ""


def answer_text(item: dict, answer) -> str:
    """A student's answer in words (what the teacher reads live): option ids become their texts."""
    kind = item["type"]
    texts = {}
    for entry in (item.get("options") or []) + (item.get("bank") or []) + (item.get("pieces") or []) + (
            item.get("extra") or []) + [p["right"] for p in item.get("pairs", [])]:
        texts[entry["id"]] = entry["text"]
    for gap in item.get("gaps", []):
        texts.update({o["id"]: o["text"] for o in gap.get("options", [])} if isinstance(gap, dict) else {})
    zones = {z["id"]: z["label"] for z in item.get("zones", [])}
    if answer in (None, "", [], {}):
        return ""
    if kind == "truefalse":
        return str(answer)
    if kind in ("match", "zones") and isinstance(answer, dict):
        lefts = {p["left"]["id"]: p["left"]["text"] for p in item.get("pairs", [])}
        lefts.update({c["id"]: c["text"] for c in item.get("cards", [])})
        return "; ".join(f"{lefts.get(k, '?')} → {texts.get(v) or zones.get(v, '?')}" for k, v in answer.items())
    if kind == "listening" and isinstance(answer, dict):
        return " | ".join(answer_text(sub, answer.get(sub["id"])) for sub in item["items"])
    values = answer if isinstance(answer, list) else [answer]
    return " · ".join(texts.get(v, v) if isinstance(v, str) else "" for v in values)
