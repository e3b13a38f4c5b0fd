"""Small builders of worksheet items for the tests: one of each type, valid, with known answers."""

from tenant_apps.worksheets.engine import validate_item


def gaps(*answers, checking=None, points=1):
    """A typed-gap item; each answer is a string or a list of accepted strings (a "-" prefix hides one)."""
    gap_list = []
    for accepted in answers:
        accepted = [accepted] if isinstance(accepted, str) else accepted
        gap_list.append({"answers": [{"text": a.lstrip("-"), "hidden": a.startswith("-")} for a in accepted]})
    item = {"type": "gaps", "points": points, "text": ["" for _ in range(len(gap_list) + 1)], "gaps": gap_list}
    if checking:
        item["checking"] = checking
    return validate_item(item)


def single(right="Paris", wrong=("Rome", "Berlin")):
    return validate_item({"type": "single", "options": [{"text": right, "weight": 100}]
                          + [{"text": w} for w in wrong]})


def multiple(right=("red", "blue"), wrong=("cat",)):
    share = 100 / len(right)
    return validate_item({"type": "multiple", "points": 2,
                          "options": [{"text": r, "weight": share} for r in right]
                          + [{"text": w, "weight": -share} for w in wrong]})


def match(pairs=(("cat", "кошка"), ("dog", "собака"), ("bird", "птица")), extra=("рыба",)):
    return validate_item({"type": "match", "points": 3,
                          "pairs": [{"left": {"text": a}, "right": {"text": b}} for a, b in pairs],
                          "extra": [{"text": e} for e in extra]})


def every_type():
    """One auto-graded item of every type."""
    return [
        gaps("am", ["is", "-'s"]),
        validate_item({"type": "dropdown", "text": ["She ", " here."],
                       "gaps": [{"options": [{"id": "o1", "text": "is"}, {"id": "o2", "text": "are"}],
                                 "answer": "o1"}]}),
        single(),
        multiple(),
        validate_item({"type": "truefalse", "answer": False, "prompt": "The sun is cold."}),
        match(),
        validate_item({"type": "words", "text": ["I ", " a ", "."], "gaps": [{"text": "am"}, {"text": "cat"}],
                       "bank": [{"text": "cat"}, {"text": "am"}, {"text": "dog"}]}),
        validate_item(_zones()),
        validate_item({"type": "order", "pieces": [{"text": w} for w in ("I", "am", "at", "home")]}),
        validate_item({"type": "number", "answers": [{"value": 3.14, "tolerance": 0.01}]}),
        validate_item({"type": "listening", "audio": "", "items": [gaps("London"), single()]}),
    ]


def _zones():
    return {"type": "zones", "zones": [{"id": "zf", "label": "fruit"}, {"id": "za", "label": "animal"}],
            "cards": [{"text": "apple", "zone": "zf"}, {"text": "cat", "zone": "za"}, {"text": "pear", "zone": "zf"}]}
