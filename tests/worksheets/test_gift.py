"""GIFT import and export: our fixtures, the npm gift-pegjs parser as a second opinion, and round trips."""

import json
import math
import re
import shutil
import subprocess
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from tenant_apps.worksheets.engine import validate_item
from tenant_apps.worksheets.engine.gift import gift_export, gift_import

HERE = Path(__file__).parent
FIXTURES = sorted((HERE / "gift").glob("*.gift"))
GOOD = [path for path in FIXTURES if path.name != "broken.gift"]
ROOT = HERE.parent.parent


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def summary(item: dict) -> dict:
    """The same plain summary gift_pegjs.mjs makes of gift-pegjs's output."""
    kind, title = item["type"], item.get("title", "")
    stem = item.get("prompt", "")
    if kind in ("gaps", "dropdown") and item["text"] != ["", ""]:
        stem = "_____".join(item["text"])
    base = {"title": title, "stem": _clean(stem)}
    if kind in ("single", "multiple"):
        return base | {"type": "MC", "answers": [[o["text"], o["weight"], o.get("feedback", "")]
                                                 for o in item["options"]]}
    if kind == "dropdown":
        gap = item["gaps"][0]
        return base | {"type": "MC", "answers": [[o["text"], 100 if o["id"] == gap["answer"] else 0, ""]
                                                 for o in gap["options"]]}
    if kind == "gaps":
        return base | {"type": "Short", "answers": [[a["text"], a["weight"], a.get("feedback", "")]
                                                    for a in item["gaps"][0]["answers"]]}
    if kind == "truefalse":
        return base | {"type": "TF", "answers": [item["answer"], item.get("feedback_wrong", ""),
                                                 item.get("feedback_correct", "")]}
    if kind == "match":
        pairs = [[p["left"]["text"], p["right"]["text"]] for p in item["pairs"]]
        return base | {"type": "Matching", "answers": pairs + [["", e["text"]] for e in item["extra"]]}
    if kind == "number":
        return base | {"type": "Numerical", "answers": [[a["value"], a["tolerance"], a["weight"]]
                                                        for a in item["answers"]]}
    if kind == "open":
        return base | {"type": "Essay"}
    return base | {"type": "Description", "stem": _clean(item["html"])}


def test_our_parser_and_gift_pegjs_read_every_fixture_the_same():
    node = shutil.which("node")
    assert node, "node is needed for the cross-check (make install provides it)"
    output = subprocess.run([node, str(HERE / "gift_pegjs.mjs"), *map(str, GOOD)], cwd=ROOT, check=True,
                            capture_output=True, text=True, timeout=60).stdout
    theirs = json.loads(output)
    for path in GOOD:
        ours = gift_import(path.read_text())
        assert ours.errors == []
        their_items = [q | {"stem": _clean(q["stem"])} for q in theirs[str(path)]]
        assert [summary(item) for item in ours.items] == their_items, path.name
        assert len(ours.items) > 8


def test_import_reads_categories_titles_feedback_and_partial_credit():
    items = gift_import((HERE / "gift" / "basics.gift").read_text()).items
    capital, sun = items[0], items[1]

    assert capital["type"] == "single" and capital["title"] == "Capital" and capital["category"] == "tom/grammar"
    assert [o["feedback"] for o in capital["options"] if "feedback" in o] == ["That is Italy."]
    assert (sun["answer"], sun["feedback_correct"]) == (False, "Right: it is hot.")
    short = next(i for i in items if i["type"] == "gaps" and i["prompt"] == "What is the verb?")
    assert [a["weight"] for a in short["gaps"][0]["answers"]] == [100, 50]
    assert {i["type"] for i in items} == {"single", "truefalse", "match", "multiple", "number", "open", "text",
                                          "gaps", "dropdown"}


def test_import_names_the_line_of_every_question_it_could_not_read():
    result = gift_import((HERE / "gift" / "broken.gift").read_text())

    assert [line for line, _message in result.errors] == [3, 7, 9, 11]
    assert "not closed" in result.errors[0][1]
    assert "“=” (right) or “~” (wrong)" in result.errors[1][1]
    assert "two pairs" in result.errors[2][1]
    assert "not a number" in result.errors[3][1]
    assert [item.get("title") for item in result.items] == ["Good", "Good too"]
    assert result.lines == [1, 5]


def test_export_says_which_items_gift_cannot_hold():
    items = [validate_item({"type": "order", "pieces": [{"text": "a"}, {"text": "b"}]}),
             validate_item({"type": "truefalse", "answer": True, "prompt": "Yes?"})]

    text, skipped = gift_export(items)
    assert skipped == [items[0]]
    assert text == "Yes? {TRUE}\n"


# Round trips ----------------------------------------------------------------------------------------------
SPECIALS = "~=#{}:\\"
plain = st.text(alphabet=st.sampled_from(list("abcdefgh xyzабв.,!?'\"<>") + list(SPECIALS)), min_size=1, max_size=15)
text = plain.map(str.strip).filter(lambda t: t and not t.startswith(("%", "//", "[")) and "->" not in t)
maybe = st.one_of(st.just(""), text)
weight = st.sampled_from([0, 25, 50, -50, -100, 33.33333])


def _with(item, **extra):
    return item | {key: value for key, value in extra.items() if value}


@st.composite
def gift_items(draw):
    kind = draw(st.sampled_from(["single", "multiple", "truefalse", "gaps", "match", "number", "open", "text",
                                 "embedded_gaps", "embedded_dropdown"]))
    prompt = draw(text)
    common = {"title": draw(maybe), "category": draw(st.sampled_from(["", "tom/a", "tom/b"]))}
    if kind == "single":
        options = [{"text": draw(text), "weight": 100}] + [
            {"text": draw(text), "weight": draw(weight), "feedback": draw(maybe)}
            for _ in range(draw(st.integers(1, 3)))]
        item = {"type": "single", "prompt": prompt, "options": options}
    elif kind == "multiple":
        count = draw(st.integers(1, 3))
        share = round(100 / count, 5)
        options = [{"text": draw(text), "weight": share} for _ in range(count)] + [{"text": draw(text), "weight": -100}]
        options[0]["weight"] = round(100 - share * (count - 1), 5)
        item = {"type": "multiple", "prompt": prompt, "options": options}
    elif kind == "truefalse":
        item = _with({"type": "truefalse", "prompt": prompt, "answer": draw(st.booleans())},
                     feedback_wrong=draw(maybe), feedback_correct=draw(maybe))
        if item.get("feedback_correct") and not item.get("feedback_wrong"):
            item["feedback_wrong"] = "x"
    elif kind in ("gaps", "embedded_gaps"):
        answers = [{"text": draw(text), "weight": 100}] + [
            {"text": draw(text), "weight": draw(st.sampled_from([100, 50]))} for _ in range(draw(st.integers(0, 2)))]
        item = {"type": "gaps", "prompt": prompt, "text": ["", ""], "gaps": [{"answers": answers}]}
        if kind == "embedded_gaps":
            item |= {"prompt": "", "text": [draw(text) + " ", " " + draw(text)]}
    elif kind == "embedded_dropdown":
        options = [{"id": f"o{n}", "text": draw(text)} for n in range(draw(st.integers(2, 4)))]
        item = {"type": "dropdown", "prompt": "", "text": [draw(text) + " ", " " + draw(text)],
                "gaps": [{"options": options, "answer": "o0"}]}
    elif kind == "match":
        pairs = [{"left": {"text": draw(text)}, "right": {"text": draw(text)}} for _ in range(draw(st.integers(2, 4)))]
        extra = [{"text": t} for t in draw(st.lists(text, max_size=2))]
        item = {"type": "match", "prompt": prompt, "pairs": pairs, "extra": extra}
    elif kind == "number":
        values = st.decimals(-1000, 1000, places=2).map(float)
        item = {"type": "number", "prompt": prompt, "answers": [
            {"value": draw(values), "tolerance": abs(draw(values)), "weight": 100}]}
    elif kind == "open":
        item = {"type": "open", "prompt": prompt}
    else:
        item = {"type": "text", "html": prompt}
    item = _with(item, **common)
    if kind not in ("text", "truefalse", "match", "number") and draw(st.booleans()):
        item["feedback_general"] = draw(text)
    return validate_item(item)


def comparable(item):
    """An item without what export and import may legitimately change: random ids, default points."""
    def scrub(value):
        if isinstance(value, dict):
            return {k: scrub(v) for k, v in value.items()
                    if (k not in ("id", "answer") or not isinstance(v, str)) and (k, v) != ("feedback", "")}
        if isinstance(value, list):
            return [scrub(v) for v in value]
        if isinstance(value, float) and math.isfinite(value) and value.is_integer():
            return int(value)
        return value
    out = scrub(item)
    if item["type"] == "dropdown":
        gap = item["gaps"][0]
        out["right"] = next(o["text"] for o in gap["options"] if o["id"] == gap["answer"])
    for key in ("title", "category", "feedback_general", "feedback_wrong", "feedback_correct"):
        if not out.get(key):
            out.pop(key, None)
    return out


@settings(max_examples=300, deadline=None)
@given(st.lists(gift_items(), min_size=1, max_size=6))
def test_export_then_import_gives_the_same_worksheet(items):
    exported, skipped = gift_export(items)
    result = gift_import(exported)

    assert skipped == []
    assert result.errors == [], exported
    assert [comparable(i) for i in result.items] == [comparable(i) for i in items], exported
