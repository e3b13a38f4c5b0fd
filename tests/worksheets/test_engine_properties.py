"""Properties of the grading engine (hypothesis)."""

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from tenant_apps.worksheets.engine import grade, grade_item, solution, validate_item
from tenant_apps.worksheets.engine.text import Checking, normalise
from tests.worksheets.factories import every_type

words = st.text(alphabet=st.characters(codec="utf-8", categories=("L", "N", "P", "Zs")), min_size=1, max_size=20)
word = st.text(alphabet="abcdefghijklmnopqrstuvwxyzäöüéß", min_size=1, max_size=12)
checkings = st.builds(Checking, case=st.booleans(), punctuation=st.booleans(), quotes=st.booleans(),
                      typos=st.booleans())


def typed_gap(expected, checking):
    return validate_item({"type": "gaps", "text": ["", ""], "checking": checking.as_dict(),
                          "gaps": [{"answers": [{"text": expected}]}]})


@settings(max_examples=300, deadline=None)
@given(words.filter(lambda w: normalise(w)), checkings)
def test_the_accepted_answer_itself_always_scores_full_marks(expected, checking):
    if not normalise(expected, checking):
        return
    assert grade_item(typed_gap(expected, checking), [expected]).score == 1


@settings(max_examples=100, deadline=None)
@given(st.randoms(use_true_random=False))
def test_the_solution_of_every_type_scores_full_marks(rng):
    items = every_type()
    rng.shuffle(items)
    result = grade(items, {item["id"]: solution(item) for item in items})

    assert result.score == result.max


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(word, word), min_size=2, max_size=6, unique_by=lambda p: p[0]), st.randoms())
def test_any_order_of_a_matching_answer_is_judged_the_same(pairs, rng):
    item = validate_item({"type": "match", "pairs": [{"left": {"text": a}, "right": {"text": b}} for a, b in pairs]})
    lefts = [p["left"]["id"] for p in item["pairs"]]
    rights = [p["right"]["id"] for p in item["pairs"]]
    chosen = rights[:]
    rng.shuffle(chosen)
    answer = list(zip(lefts, chosen, strict=True))
    shuffled = answer[:]
    rng.shuffle(shuffled)

    assert grade_item(item, dict(answer)).as_dict() == grade_item(item, dict(shuffled)).as_dict()


@settings(max_examples=300, deadline=None)
@given(word, st.text(alphabet="ABCXYZ", min_size=0, max_size=3))
def test_case_matters_exactly_when_the_teacher_says_so(expected, noise):
    shouted = expected.upper()
    forgiving = typed_gap(expected, Checking())
    strict = typed_gap(expected, Checking(case=True))

    assert grade_item(forgiving, [shouted]).score == 1
    assert grade_item(strict, [shouted]).score == (1 if shouted == expected else 0)


@settings(max_examples=300, deadline=None)
@given(word, st.sampled_from(["!", ".", "?", ",", "…", "\u201c", "\u00ab"]))
def test_punctuation_is_ignored_unless_the_teacher_says_so(expected, mark):
    assert grade_item(typed_gap(expected, Checking()), [expected + mark]).score == 1
    assert grade_item(typed_gap(expected, Checking(punctuation=True, quotes=True)), [expected + mark]).score == 0


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="abcdefghij", min_size=1, max_size=12), st.integers(0, 11), st.sampled_from("xyz"))
def test_one_wrong_letter_counts_only_with_the_typo_option_and_only_in_long_words(expected, at, letter):
    at = at % len(expected)
    typo = expected[:at] + letter + expected[at + 1:]  # one letter changed (x/y/z are never in the word)
    tolerant = grade_item(typed_gap(expected, Checking(typos=True)), [typo])
    strict = grade_item(typed_gap(expected, Checking()), [typo])

    assert strict.score == 0
    assert tolerant.score == (1 if len(expected) >= 5 else 0)
    assert tolerant.parts == (["almost"] if len(expected) >= 5 else ["wrong"])


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.text(max_size=8), st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=10),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
    max_leaves=10)), st.integers(0, 2**32))
def test_scores_stay_within_zero_and_the_maximum_whatever_is_sent(junk, seed):
    items = every_type()
    rng = random.Random(seed)
    answers = {item["id"]: rng.choice([solution(item), *junk.values()] if junk else [solution(item)])
               for item in items}
    result = grade(items, answers)

    assert 0 <= result.score <= result.max
    for item_result in result.items:
        assert 0 <= item_result.score <= item_result.max
