"""The runner's readings of answers: the teacher's live view reads words, never ids."""

from tenant_apps.worksheets.engine import solution
from tenant_apps.worksheets.runner import answer_text
from tests.worksheets.factories import every_type


def test_every_solution_reads_as_words_not_ids():
    for item in every_type():
        text = answer_text(item, solution(item))
        ids = {o["id"] for o in item.get("options", []) + item.get("bank", []) + item.get("pieces", [])}
        assert text, item["type"]
        assert not any(identifier in text for identifier in ids), (item["type"], text)


def test_a_match_reads_as_pairs_and_nothing_as_empty():
    item = every_type()[5]
    assert "cat → кошка" in answer_text(item, solution(item))
    assert answer_text(item, None) == ""
