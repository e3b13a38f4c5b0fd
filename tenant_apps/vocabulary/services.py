"""Writes to the dictionary: adding (and merging) words, editing them, and recording reviews.

`dictionary_add_word` is the one way a word gets in (the room, the teacher's pages, a library word list, an
import); `review_record` is the one way a rating is recorded (the review page, and later the games).
Access is the caller's: these services check only what the data itself requires.
"""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from tenant_apps.vocabulary.models import Card, Review, Word
from tenant_apps.vocabulary.transcription import transcribe

TRANSCRIBED_LANGUAGES = {"en", "zh"}
# Other services' ideas of a word's parts, each kept under the model's own limits.
LIMITS = {"word": 200, "translation": 300, "transcription": 300, "example": 500}


def directions_for(language_code: str) -> list[str]:
    directions = [Card.Direction.WORD_MEANING, Card.Direction.MEANING_WORD]
    if language_code == "zh":
        directions.append(Card.Direction.CHARACTER_PINYIN)
    return directions


def join_translations(first: str, second: str) -> str:
    """"a; b" + "b; c" → "a; b; c" (case-insensitive, order kept)."""
    parts: list[str] = []
    for part in f"{first};{second}".split(";"):
        part = part.strip()
        if part and part.lower() not in {known.lower() for known in parts}:
            parts.append(part)
    return "; ".join(parts)[: LIMITS["translation"]]


def _fill_transcription(word: Word) -> None:
    if word.language.code not in TRANSCRIBED_LANGUAGES:
        word.transcription_source = Word.Source.AUTO
        return
    found = transcribe(word.language.code, word.word)
    word.transcription, word.transcription_variants = found.text[: LIMITS["transcription"]], found.variants
    word.transcription_source = Word.Source.AUTO if found.known else Word.Source.UNKNOWN


def _ensure_cards(word: Word, *, now: datetime) -> None:
    Card.objects.bulk_create(
        [Card(word=word, student_id=word.student_id, direction=direction, due=now)
         for direction in directions_for(word.language.code)],
        ignore_conflicts=True,
    )


@transaction.atomic
def dictionary_add_word(*, student, language, word: str, by=None, translation: str = "", example: str = "",
                        lesson=None, part_of_speech: str = "", transcription: str = "", notes: str = "",
                        topics=(), now: datetime | None = None, _retried: bool = False) -> Word:
    """Put a word into a student's dictionary, or merge it into the entry already there (same language, any
    letter case): a new example and new translations are added, topics joined, empty fields filled. A
    transcription given here is a teacher's and wins over the automatic one.

    Returns the entry. The caller has checked that `by` may add to this student's dictionary.
    """
    now = now or timezone.now()
    text = " ".join(word.split())[: LIMITS["word"]]
    if not text:
        raise ValueError("A word cannot be empty.")
    example = " ".join(example.split())[: LIMITS["example"]]
    entry = (Word.objects.select_for_update(of=("self",), no_key=True).select_related("language")
             .filter(student=student, language=language, word__iexact=text).first())
    if entry is None:
        entry = Word(student=student, language=language, word=text, lesson=lesson, added_by=by,
                     translation=join_translations("", translation), part_of_speech=part_of_speech, notes=notes,
                     topics=sorted({topic.strip() for topic in topics if topic.strip()}),
                     examples=[{"text": example, "lesson": lesson.pk if lesson else None}] if example else [])
        _set_transcription(entry, transcription)
        try:
            with transaction.atomic():  # two tabs adding one word: the second merges into the first
                entry.save()
        except IntegrityError:
            if _retried:
                raise
            return dictionary_add_word(_retried=True, student=student, language=language, word=text, by=by,
                                       translation=translation, example=example, lesson=lesson,
                                       part_of_speech=part_of_speech,
                                       transcription=transcription, notes=notes, topics=topics, now=now)
        _ensure_cards(entry, now=now)
        return entry
    entry.translation = join_translations(entry.translation, translation)
    if example and example not in entry.example_texts:
        entry.examples = [*entry.examples, {"text": example, "lesson": lesson.pk if lesson else None}]
    entry.topics = sorted(set(entry.topics) | {topic.strip() for topic in topics if topic.strip()})
    entry.part_of_speech = entry.part_of_speech or part_of_speech
    entry.notes = entry.notes or notes
    entry.lesson = entry.lesson or lesson
    if transcription.strip():
        _set_transcription(entry, transcription)
    entry.save(update_fields=["translation", "examples", "topics", "part_of_speech", "notes", "lesson",
                              "transcription", "transcription_variants", "transcription_source", "updated_at"])
    return entry


def _set_transcription(entry: Word, transcription: str) -> None:
    transcription = transcription.strip()[: LIMITS["transcription"]]
    if entry.transcription_source == Word.Source.TEACHER and not transcription:
        return
    if transcription:
        if not entry.transcription_variants and entry.language.code in TRANSCRIBED_LANGUAGES:
            entry.transcription_variants = transcribe(entry.language.code, entry.word).variants
        entry.transcription, entry.transcription_source = transcription, Word.Source.TEACHER
    else:
        _fill_transcription(entry)


def word_add(*, lesson, by, word: str, translation: str, example: str = "") -> Word:
    """Add a word from a lesson to its student's dictionary (either of the lesson's two people may), in the
    lesson's language, with the lesson's sentence as an example."""
    if by.pk not in (lesson.teacher_id, lesson.student_id):
        raise PermissionDenied
    return dictionary_add_word(student=lesson.student, language=lesson.enrollment.language, word=word, by=by,
                               translation=translation, example=example, lesson=lesson)


EDITABLE = ["word", "translation", "part_of_speech", "transcription", "notes", "topics"]


@transaction.atomic
def word_update(*, entry: Word, by, examples: list[str] | None = None, **changes) -> Word:
    """Edit an entry. A changed transcription is the editor's and is kept from then on; an emptied one goes
    back to the automatic reading. Changing the word itself re-reads its transcription unless one is given."""
    entry = Word.objects.select_for_update(of=("self",), no_key=True).select_related("language").get(pk=entry.pk)
    old_word, old_transcription = entry.word, entry.transcription
    for name, value in changes.items():
        if name not in EDITABLE:
            raise TypeError(f"{name} is not editable")
        setattr(entry, name, value)
    if examples is not None:
        by_text = {example["text"]: example for example in entry.examples}
        entry.examples = [by_text.get(text, {"text": text, "lesson": None}) for text in examples if text.strip()]
    given = changes.get("transcription")
    if given is not None and not given.strip():
        _fill_transcription(entry)
    elif given is not None and given.strip() != old_transcription:
        _set_transcription(entry, given)
    elif entry.word != old_word and entry.transcription_source != Word.Source.TEACHER:
        _fill_transcription(entry)
    entry.save()
    return entry


@transaction.atomic
def word_delete(*, word: Word) -> None:
    Word.objects.filter(pk=word.pk).delete()


# Reviews (FSRS) ---------------------------------------------------------------------------------------------
def scheduler():
    """The FSRS scheduler with the package's default parameters. Fuzzing (the package's default) spreads
    reviews out; tests turn it off to compare intervals exactly."""
    from fsrs import Scheduler

    return Scheduler(enable_fuzzing=getattr(settings, "VOCABULARY_FSRS_FUZZING", True))


def to_fsrs(card: Card):
    from fsrs import Card as FsrsCard
    from fsrs import State

    return FsrsCard(card_id=card.pk, state=State(card.state), step=card.step, stability=card.stability,
                    difficulty=card.difficulty, due=card.due, last_review=card.last_review)


@dataclass(frozen=True)
class Reviewed:
    card: Card
    review: Review


@transaction.atomic
def review_record(*, card: Card, rating: int, now: datetime | None = None,
                  duration_ms: int | None = None) -> Reviewed:
    """Record that the card's student recalled it with `rating` (1 Again, 2 Hard, 3 Good, 4 Easy): FSRS
    schedules the next review and the rating joins the review log. The caller has checked that the
    reviewer is the card's student."""
    from fsrs import Rating

    now = now or timezone.now()
    if rating not in Review.Rating.values:
        raise ValueError(f"rating must be 1–4, not {rating!r}")
    card = Card.objects.select_for_update().get(pk=card.pk)  # two taps on one card: reviewed twice, in order
    scheduled, log = scheduler().review_card(to_fsrs(card), Rating(rating), review_datetime=now,
                                             review_duration=duration_ms)
    card.state, card.step = int(scheduled.state), scheduled.step
    card.stability, card.difficulty = scheduled.stability, scheduled.difficulty
    card.due, card.last_review = scheduled.due, scheduled.last_review
    card.save(update_fields=["state", "step", "stability", "difficulty", "due", "last_review"])
    review = Review.objects.create(card=card, student_id=card.student_id, rating=int(log.rating),
                                   review_datetime=log.review_datetime, review_duration=log.review_duration)
    return Reviewed(card=card, review=review)
