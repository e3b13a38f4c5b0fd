"""The grading engine: what a student typing or choosing an answer gets back."""

import copy

import pytest

from tenant_apps.worksheets.engine import ItemError, grade, grade_item, public_item, solution, validate_item
from tests.worksheets.factories import every_type, gaps, match, multiple, single


def score(item, answer):
    return grade_item(item, answer).score


def test_case_spaces_punctuation_and_typographic_quotes_are_forgiven_by_default():
    item = gaps("I'm fine")

    for typed in ("i'm fine", "  I’m   fine ", "Im fine!", "I'M FINE."):
        assert score(item, [typed]) == 1, typed


def test_the_teacher_can_make_case_punctuation_and_quotes_matter():
    assert score(gaps("London", checking={"case": True}), ["london"]) == 0
    assert score(gaps("don't", checking={"punctuation": True}), ["dont"]) == 0
    assert score(gaps("don't", checking={"punctuation": True}), ["don’t"]) == 1
    assert score(gaps("don't", checking={"punctuation": True, "quotes": True}), ["don’t"]) == 0


def test_several_accepted_answers_and_hidden_ones_stay_out_of_the_solution():
    item = gaps(["is", "-'s"])

    assert score(item, ["'s"]) == 1
    assert solution(item) == ["is"]


def test_typo_tolerance_counts_one_wrong_letter_in_a_long_word_as_almost():
    item = gaps("beautiful", checking={"typos": True})

    result = grade_item(item, ["beautifull"])
    assert (result.score, result.parts) == (1, ["almost"])
    assert score(item, ["beautifl"]) == 1
    assert score(item, ["beatiful!"]) == 1
    assert score(item, ["beatifull"]) == 0  # two letters off
    assert score(gaps("beautiful"), ["beautifull"]) == 0  # without the option
    assert score(gaps("four", checking={"typos": True}), ["foor"]) == 0  # short words must be exact


@pytest.mark.parametrize("typed", ["ni3 hao3", "nǐ hǎo", "nǐhǎo", "Ni3hao3", "NI3 HAO3"])
def test_pinyin_in_any_notation_is_the_same_answer(typed):
    assert score(gaps("nǐ hǎo", checking={"pinyin": "tones"}), [typed]) == 1


def test_pinyin_without_tones_counts_only_when_the_teacher_does_not_require_tones():
    assert score(gaps("nǐ hǎo", checking={"pinyin": "toneless"}), ["ni hao"]) == 1
    result = grade_item(gaps("nǐ hǎo", checking={"pinyin": "tones"}), ["ni hao"])
    assert (result.score, result.parts) == (0, ["tones"])
    assert score(gaps("nǐ hǎo", checking={"pinyin": "tones"}), ["ni2 hao3"]) == 0
    assert score(gaps("lǜ", checking={"pinyin": "tones"}), ["lv4"]) == 1
    assert score(gaps("lǜ", checking={"pinyin": "tones"}), ["lu:4"]) == 1
    assert score(gaps("ma", checking={"pinyin": "tones"}), ["ma5"]) == 1


def test_each_gap_earns_its_share_of_the_points():
    item = gaps("am", "are", "is", "are", points=2)

    result = grade_item(item, ["am", "are", "xx", ""])
    assert (result.score, result.status, result.parts) == (1, "partial", ["correct", "correct", "wrong", "wrong"])


def test_multiple_choice_gives_partial_credit_and_takes_it_back_for_a_wrong_tick():
    item = multiple()
    red, blue, cat = (o["id"] for o in item["options"])

    assert score(item, [red, blue]) == 2
    assert score(item, [red]) == 1
    assert score(item, [red, blue, cat]) == 1
    assert score(item, [red, cat]) == 0
    assert score(item, [cat]) == 0


def test_matching_is_judged_pair_by_pair():
    item = match()
    left = [p["left"]["id"] for p in item["pairs"]]
    right = [p["right"]["id"] for p in item["pairs"]]

    assert score(item, dict(zip(left, right, strict=True))) == 3
    assert score(item, {left[0]: right[0], left[1]: right[2], left[2]: right[1]}) == 1


def test_putting_in_order_counts_pieces_in_their_place():
    item = validate_item({"type": "order", "points": 4, "pieces": [{"text": w} for w in ("I", "am", "at", "home")]})
    ids = [p["id"] for p in item["pieces"]]

    assert score(item, ids) == 4
    assert score(item, [ids[1], ids[0], ids[2], ids[3]]) == 2
    assert score(item, ids[:3]) == 0  # not every piece placed
    assert score(item, [ids[0]] * 4) == 0


def test_numbers_accept_a_comma_and_the_tolerance():
    item = validate_item({"type": "number", "answers": [{"value": 3.14, "tolerance": 0.01}]})

    assert score(item, "3,14") == 1
    assert score(item, "3.15") == 1
    assert score(item, "3.2") == 0
    assert score(item, "pi") == 0


def test_garbage_answers_are_wrong_not_an_error():
    for item in every_type():
        for garbage in (None, 5, "x", [1, {}], {"a": [1]}, True, [None]):
            result = grade_item(item, garbage)
            assert result.score == 0, (item["type"], garbage)


def test_open_and_speaking_items_wait_for_the_teacher():
    items = [validate_item({"type": "open", "points": 5}), single()]

    result = grade(items, {items[0]["id"]: "My essay", items[1]["id"]: solution(items[1])})
    assert (result.score, result.max, result.pending) == (1, 6, 5)

    graded = grade(items, {items[0]["id"]: "My essay"}, teacher_scores={items[0]["id"]: 4})
    assert (graded.score, graded.pending) == (4, 0)


def test_feedback_for_the_chosen_option_and_the_item():
    item = validate_item({"type": "single", "feedback_wrong": "Look at the map.",
                          "options": [{"text": "Paris", "weight": 100},
                                      {"text": "Rome", "feedback": "That is Italy."}]})
    rome = item["options"][1]["id"]

    assert grade_item(item, rome).feedback == ["That is Italy.", "Look at the map."]


def test_the_public_item_holds_no_answer():
    for item in every_type():
        shown = public_item(item)
        flat = repr(shown)
        assert "weight" not in flat and "answer" not in flat and "zone'" not in flat, item["type"]
        if item["type"] == "gaps":
            assert "am" not in repr({k: v for k, v in shown.items() if k != "id"})
        if item["type"] == "order":
            assert [p["id"] for p in shown["pieces"]] != [p["id"] for p in item["pieces"]]


def test_a_broken_item_says_what_to_fix():
    with pytest.raises(ItemError, match="Mark the right option"):
        validate_item({"type": "single", "options": [{"text": "a"}, {"text": "b"}]})
    with pytest.raises(ItemError, match="accepted answer"):
        validate_item({"type": "gaps", "text": ["", ""], "gaps": [{"answers": []}]})
    with pytest.raises(ItemError, match="Unknown item type"):
        validate_item({"type": "script"})


def test_grading_does_not_change_the_item():
    items = every_type()
    before = copy.deepcopy(items)

    grade(items, {item["id"]: solution(item) for item in items})
    assert items == before


def test_single_choice_full_marks():
    item = single()
    assert score(item, solution(item)) == 1
