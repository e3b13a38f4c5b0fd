"""Wherever a number meets a noun in a template, the noun takes the number's plural form.

"1 методистов", "2 преподавателей", "1 methodologists": a count shown outside `{% blocktranslate count %}`
(or Python's ngettext) cannot agree with its noun in Russian (1 урок, 2 урока, 5 уроков). This test reads
every template and fails on a count-like value followed by a word, outside a counted block.
"""

import re
from pathlib import Path

import pytest

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
COUNTED_BLOCK = re.compile(r"\{%\s*blocktrans(?:late)?\b[^%]*\bcount\b.*?\{%\s*endblocktrans(?:late)?\s*%\}", re.S)
# Values that hold a number by their name: counts, totals, lengths, durations, people and lessons.
NUMBER = (r"[\w.]*(?:count|counter|total|minutes|hours|days|weeks|lessons|remaining|reserved|left|students"
          r"|teachers|methodologists|managers|length|active|without_teacher|\bn)")
# The value, any markup between, then a word (plain or through {% translate %}).
COUNT_THEN_NOUN = re.compile(
    r"\{\{\s*(?P<value>" + NUMBER + r")(?:\|[\w:\"']+)*\s*\}\}(?:\s|</?(?:span|strong|b|em)\b[^>]*>)*"
    r"(?:\{%\s*translate\s+[\"'](?P<translated>[^\"']+)[\"']|(?P<word>[A-Za-zА-Яа-яЁё]{2,}))"
)
# Words after a number that do not agree with it: prepositions and unit abbreviations.
NOT_NOUNS = {"of", "up", "down", "in", "at", "on", "to", "from", "min", "мин", "из", "counted"}


def counts_without_plural(text: str) -> list[str]:
    found = []
    for match in COUNT_THEN_NOUN.finditer(COUNTED_BLOCK.sub(" counted ", text)):
        word = (match["translated"] or match["word"]).split()[0].lower().rstrip(".")
        if word not in NOT_NOUNS:
            found.append(match.group(0))
    return found


def test_the_scanner_catches_a_bare_count_and_lets_a_counted_block_pass():
    assert counts_without_plural('{{ people.methodologists }} <span>{% translate "methodologists" %}</span>')
    assert counts_without_plural("{% blocktranslate %}Lessons of {{ minutes }} minutes.{% endblocktranslate %}")
    assert not counts_without_plural("{% blocktranslate count counter=n %}{{ counter }} lesson"
                                     "{% plural %}{{ counter }} lessons{% endblocktranslate %}")
    assert not counts_without_plural("{{ product.lesson_minutes }} {% translate 'min' %}")


@pytest.mark.parametrize("path", sorted(p.relative_to(TEMPLATES).as_posix() for p in TEMPLATES.rglob("*.*")
                                        if p.suffix in {".html", ".txt"}))
def test_every_count_in_a_template_takes_its_plural_form(path):
    assert counts_without_plural((TEMPLATES / path).read_text()) == []
