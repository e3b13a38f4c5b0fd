"""How a typed answer is compared with an accepted one: forgiving by default, stricter when the teacher says so.

Pure functions with no Django in them: the same inputs always give the same verdict.
"""

import re
import unicodedata
from dataclasses import dataclass

# Typographic quotes and dashes a phone keyboard or a word processor puts in for the plain ones.
QUOTES = str.maketrans({
    "‘": "'", "’": "'", "‚": "'", "‛": "'", "′": "'", "`": "'", "´": "'",
    "“": '"', "”": '"', "„": '"', "‟": '"', "″": '"', "«": '"', "»": '"',
    "‐": "-", "‑": "-", "‒": "-", "–": "-", "—": "-", "\u00a0": " ",
})
SPACES = re.compile(r"\s+")
TYPO_MIN_LETTERS = 5


@dataclass(frozen=True)
class Checking:
    """The teacher's rule for one item. The defaults are the forgiving ones."""

    case: bool = False  # True: "London" ≠ "london"
    punctuation: bool = False  # True: "don't" ≠ "dont", "Hi!" ≠ "Hi"
    quotes: bool = False  # True: ’ ≠ '
    typos: bool = False  # True: one wrong letter in a word of 5+ letters is "almost" and still counts
    pinyin: str = ""  # "": plain text; "tones": tones must match (any notation); "toneless": tones ignored

    @classmethod
    def from_dict(cls, data) -> "Checking":
        data = data if isinstance(data, dict) else {}
        pinyin = data.get("pinyin", "")
        return cls(
            case=bool(data.get("case")),
            punctuation=bool(data.get("punctuation")),
            quotes=bool(data.get("quotes")),
            typos=bool(data.get("typos")),
            pinyin=pinyin if pinyin in ("tones", "toneless") else "",
        )

    def as_dict(self) -> dict:
        return {key: value for key, value in self.__dict__.items() if value}


def normalise(text: str, checking: Checking = Checking()) -> str:
    """The form two answers are compared in."""
    text = unicodedata.normalize("NFC", str(text))
    if not checking.quotes:
        text = text.translate(QUOTES)
    if not checking.punctuation:
        # Tone numbers and letters stay; every punctuation mark goes (apostrophes and hyphens too).
        text = "".join(" " if char in "-/" else char for char in text
                       if char in "-/" or not unicodedata.category(char).startswith("P"))
    if not checking.case:
        text = text.casefold()
    return SPACES.sub(" ", text).strip()


# Pinyin ---------------------------------------------------------------------------------------------------
# A tone mark is a combining accent once the letter is decomposed (NFD): ā = a + U+0304.
TONE_MARKS = {"\u0304": "1", "\u0301": "2", "\u030c": "3", "\u0300": "4"}
PINYIN_TOKEN = re.compile(r"[a-zü:v]+[0-5]?")


@dataclass(frozen=True)
class Pinyin:
    letters: str  # the syllables' letters with no spaces, ü written as v
    tones: tuple  # the tones in order, neutral tones left out


def read_pinyin(text: str) -> Pinyin:
    """`nǐ hǎo`, `ni3 hao3`, `ni3hao3` and `nǐhǎo` read the same; `ni hao` has the same letters, no tones.

    Tone marks sit on a vowel inside the syllable and tone numbers after it, so the tones are kept as a
    sequence rather than per syllable: that is enough to tell "right tones", "wrong tones" and "no tones".
    """
    decomposed = unicodedata.normalize("NFD", text.casefold())
    letters, tones = [], []
    for char in decomposed:
        if char in TONE_MARKS:
            tones.append(TONE_MARKS[char])
        elif char == "\u0308":  # the two dots of ü
            letters.append(":")
        elif char in "12345":
            if char != "5":
                tones.append(char)
        elif char == "0":
            pass  # some write the neutral tone as 0
        elif char.isalpha() or char == ":":
            letters.append(char)
    joined = "".join(letters).replace("u:", "v").replace("ü", "v")
    return Pinyin(letters=joined, tones=tuple(tones))


# Typos ----------------------------------------------------------------------------------------------------
def edit_distance(a: str, b: str, limit: int = 2) -> int:
    """Levenshtein distance, stopping early once it is past `limit` (we only ask "is it 1?")."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i]
        for j, char_b in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char_a != char_b)))
        if min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]


def almost_equal(given: str, expected: str) -> bool:
    """Same words, except at most one letter wrong, missing or extra in words of 5+ letters (each word)."""
    given_words, expected_words = given.split(" "), expected.split(" ")
    if len(given_words) != len(expected_words) or given == expected:
        return False
    for got, want in zip(given_words, expected_words, strict=True):
        if got == want:
            continue
        if len(want) < TYPO_MIN_LETTERS or edit_distance(got, want, limit=1) > 1:
            return False
    return True


# The verdict on one typed answer --------------------------------------------------------------------------
CORRECT, ALMOST, WRONG, TONES = "correct", "almost", "wrong", "tones"


def compare(given, expected: str, checking: Checking = Checking()) -> str:
    """CORRECT, ALMOST (a tolerated typo: it counts), TONES (right syllables, tones missing or wrong) or WRONG."""
    if not isinstance(given, str):
        return WRONG
    if checking.pinyin:
        got, want = read_pinyin(given), read_pinyin(expected)
        if not want.letters or got.letters != want.letters:
            return WRONG
        if checking.pinyin == "toneless" or got.tones == want.tones:
            return CORRECT
        return TONES
    got, want = normalise(given, checking), normalise(expected, checking)
    if not got:
        return WRONG
    if got == want:
        return CORRECT
    if checking.typos and almost_equal(got, want):
        return ALMOST
    return WRONG
