"""Grading: answers in, a score per item and per part out. Pure and deterministic.

An answer may be anything a browser sent (missing, the wrong shape, made up ids): it is never trusted and
never raises; what cannot be read is simply not right. Scores are item points × the credit (0..1), rounded
to hundredths, so a worksheet's total is within 0..its maximum.
"""

import math
from dataclasses import dataclass, field

from tenant_apps.worksheets.engine import text as textcheck
from tenant_apps.worksheets.engine.schema import AUTO, BLOCKS, TEACHER_GRADED

CORRECT, PARTIAL, WRONG, PENDING, UNANSWERED = "correct", "partial", "wrong", "pending", "unanswered"


@dataclass
class ItemResult:
    id: str
    score: float | None  # None while the teacher has not graded it
    max: float
    status: str
    parts: list = field(default_factory=list)  # per gap / option / pair: "correct", "almost", "tones", "wrong"
    feedback: list = field(default_factory=list)  # the teacher's feedback that applies
    items: list = field(default_factory=list)  # a listening item's questions

    def as_dict(self) -> dict:
        data = {"id": self.id, "score": self.score, "max": self.max, "status": self.status, "parts": self.parts,
                "feedback": self.feedback}
        if self.items:
            data["items"] = [sub.as_dict() for sub in self.items]
        return data


@dataclass
class Result:
    score: float
    max: float
    pending: float  # points still to be graded by the teacher
    items: list

    def as_dict(self) -> dict:
        return {"score": self.score, "max": self.max, "pending": self.pending,
                "items": {item.id: item.as_dict() for item in self.items}}


def _credit_to_status(credit: float) -> str:
    if credit >= 1:
        return CORRECT
    return PARTIAL if credit > 0 else WRONG


def _as_list(answer, length):
    answer = answer if isinstance(answer, list) else []
    return (answer + [None] * length)[:length]


def _gaps(item, answer):
    checking = textcheck.Checking.from_dict(item.get("checking"))
    parts, credits = [], []
    for gap, given in zip(item["gaps"], _as_list(answer, len(item["gaps"])), strict=True):
        best, best_verdict = 0.0, textcheck.WRONG
        for accepted in gap["answers"]:
            verdict = textcheck.compare(given, accepted["text"], checking)
            weight = max(0, accepted["weight"]) / 100
            if verdict in (textcheck.CORRECT, textcheck.ALMOST) and weight > best:
                best, best_verdict = weight, verdict
            elif verdict == textcheck.TONES and best == 0:
                best_verdict = textcheck.TONES
        parts.append(best_verdict if best == 1 or best_verdict != textcheck.CORRECT else PARTIAL)
        credits.append(best)
    return parts, credits


def _dropdown(item, answer):
    given = _as_list(answer, len(item["gaps"]))
    parts = [CORRECT if choice == gap["answer"] else WRONG for gap, choice in zip(item["gaps"], given, strict=True)]
    return parts, [1.0 if part == CORRECT else 0.0 for part in parts]


def _single(item, answer):
    option = next((o for o in item["options"] if o["id"] == answer), None)
    weight = max(0, option["weight"]) / 100 if option else 0.0
    return [_credit_to_status(weight)], [weight]


def _multiple(item, answer):
    ticked = set(answer) if isinstance(answer, list) and all(isinstance(a, str) for a in answer) else set()
    total = sum(o["weight"] for o in item["options"] if o["id"] in ticked)
    credit = 1.0 if total >= 99.99 else min(1.0, max(0.0, total / 100))
    parts = [(CORRECT if (o["id"] in ticked) == (o["weight"] > 0) else WRONG) for o in item["options"]]
    return parts, [credit]


def _truefalse(item, answer):
    right = isinstance(answer, bool) and answer == item["answer"]
    return [CORRECT if right else WRONG], [1.0 if right else 0.0]


def _match(item, answer):
    answer = answer if isinstance(answer, dict) else {}
    rights = {p["right"]["id"]: p["right"]["text"] for p in item["pairs"]}
    rights.update({e["id"]: e["text"] for e in item.get("extra", [])})
    parts = []
    for pair in item["pairs"]:
        chosen = answer.get(pair["left"]["id"])
        # Two right sides with the same text are the same answer.
        right = isinstance(chosen, str) and chosen in rights and rights[chosen] == pair["right"]["text"]
        parts.append(CORRECT if right else WRONG)
    return parts, [1.0 if part == CORRECT else 0.0 for part in parts]


def _words(item, answer):
    words = {w["id"]: w["text"] for w in item["bank"]}
    given = _as_list(answer, len(item["gaps"]))
    used, parts = set(), []
    for gap, word_id in zip(item["gaps"], given, strict=True):
        # A word of the bank fills one gap at most; the same text in two bank words is interchangeable.
        right = isinstance(word_id, str) and word_id not in used and words.get(word_id) == gap["text"]
        if isinstance(word_id, str):
            used.add(word_id)
        parts.append(CORRECT if right else WRONG)
    return parts, [1.0 if part == CORRECT else 0.0 for part in parts]


def _zones(item, answer):
    answer = answer if isinstance(answer, dict) else {}
    parts = [CORRECT if answer.get(card["id"]) == card["zone"] else WRONG for card in item["cards"]]
    return parts, [1.0 if part == CORRECT else 0.0 for part in parts]


def _order(item, answer):
    texts = {p["id"]: p["text"] for p in item["pieces"]}
    given = answer if isinstance(answer, list) else []
    # Only a real arrangement counts: every piece once.
    if sorted(map(str, given)) != sorted(texts) or len(set(map(str, given))) != len(given):
        return [WRONG] * len(texts), [0.0] * len(texts)
    parts = [CORRECT if texts[got] == piece["text"] else WRONG
             for got, piece in zip(given, item["pieces"], strict=True)]
    return parts, [1.0 if part == CORRECT else 0.0 for part in parts]


def read_number(value) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value) if math.isfinite(value) else None
    if not isinstance(value, str):
        return None
    try:
        number = float(value.strip().replace(" ", "").replace(",", "."))
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _number(item, answer):
    given = read_number(answer)
    best = 0.0
    if given is not None:
        for accepted in item["answers"]:
            # A hair of slack: 0.1 + 0.2 is 0.30000000000000004 in binary.
            if abs(given - accepted["value"]) <= accepted["tolerance"] + 1e-9 * max(1, abs(accepted["value"])):
                best = max(best, max(0, accepted["weight"]) / 100)
    return [_credit_to_status(best)], [best]


GRADERS = {
    "gaps": _gaps, "dropdown": _dropdown, "single": _single, "multiple": _multiple, "truefalse": _truefalse,
    "match": _match, "words": _words, "zones": _zones, "order": _order, "number": _number,
}


def _is_blank(answer) -> bool:
    if answer is None or answer == "" or answer == [] or answer == {}:
        return True
    return isinstance(answer, list) and all(a in (None, "") for a in answer)


def _feedback(item, status, answer) -> list:
    notes = []
    if item["type"] in ("single", "multiple"):
        chosen = [answer] if isinstance(answer, str) else answer if isinstance(answer, list) else []
        notes += [o["feedback"] for o in item["options"] if o["id"] in chosen and o.get("feedback")]
    if item["type"] == "gaps":
        for gap, given in zip(item["gaps"], _as_list(answer, len(item["gaps"])), strict=True):
            checking = textcheck.Checking.from_dict(item.get("checking"))
            notes += [a["feedback"] for a in gap["answers"] if a.get("feedback")
                      and textcheck.compare(given, a["text"], checking) != textcheck.WRONG]
    key = "feedback_correct" if status == CORRECT else "feedback_wrong"
    if item.get(key):
        notes.append(item[key])
    if item.get("feedback_general"):
        notes.append(item["feedback_general"])
    return notes


def grade_item(item: dict, answer) -> ItemResult:
    points = item.get("points", 0)
    kind = item["type"]
    if kind == "listening":
        subs = [grade_item(sub, answer.get(sub["id"]) if isinstance(answer, dict) else None) for sub in item["items"]]
        scored = [sub.score for sub in subs if sub.score is not None]
        pending = any(sub.score is None for sub in subs)
        score = round(sum(scored), 2) if not pending else None
        statuses = {sub.status for sub in subs}
        status = PENDING if pending else next(iter(statuses)) if len(statuses) == 1 else PARTIAL
        return ItemResult(item["id"], score, points, status, items=subs)
    if kind in TEACHER_GRADED:
        return ItemResult(item["id"], None, points, UNANSWERED if _is_blank(answer) else PENDING)
    if kind not in AUTO:
        raise ValueError(f"{kind} is not graded")
    parts, credits = GRADERS[kind](item, answer)
    credit = sum(credits) / len(credits)
    status = UNANSWERED if _is_blank(answer) else _credit_to_status(credit)
    score = round(points * credit, 2) if credit < 1 else float(points)
    return ItemResult(item["id"], score, points, status, parts, _feedback(item, status, answer))


def grade(items: list, answers: dict, teacher_scores: dict | None = None) -> Result:
    """Grade a worksheet. `teacher_scores` holds the teacher's points for speaking and open items."""
    answers = answers if isinstance(answers, dict) else {}
    teacher_scores = teacher_scores or {}
    results, total, pending = [], 0.0, 0.0
    for item in items:
        if item["type"] in BLOCKS:
            continue
        result = grade_item(item, answers.get(item["id"]))
        if item["type"] in TEACHER_GRADED and item["id"] in teacher_scores:
            result.score = min(float(item["points"]), max(0.0, float(teacher_scores[item["id"]])))
            result.status = _credit_to_status(result.score / item["points"] if item["points"] else 1)
        if result.score is None:
            pending += result.max
        else:
            total += result.score
        results.append(result)
    return Result(score=round(total, 2), max=float(sum(r.max for r in results)), pending=pending, items=results)
