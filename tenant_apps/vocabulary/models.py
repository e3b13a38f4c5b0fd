"""The student's dictionary: entries (a word or phrase once per student and language), their review cards
(FSRS) and the review log in the shape the FSRS optimizer reads.

Writes go through `services.py`: adding a word that is already there merges it into the entry.
"""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Cast, Lower
from django.utils.translation import gettext_lazy as _

from tenant_apps.materials.storage import private_storage


class Word(models.Model):
    """An entry of a student's dictionary."""

    class PartOfSpeech(models.TextChoices):
        NOUN = "noun", _("noun")
        VERB = "verb", _("verb")
        ADJECTIVE = "adjective", _("adjective")
        ADVERB = "adverb", _("adverb")
        PRONOUN = "pronoun", _("pronoun")
        PREPOSITION = "preposition", _("preposition")
        CONJUNCTION = "conjunction", _("conjunction")
        NUMERAL = "numeral", _("numeral")
        MEASURE_WORD = "measure", _("measure word")
        PARTICLE = "particle", _("particle")
        INTERJECTION = "interjection", _("interjection")
        PHRASE = "phrase", _("phrase")

    class Source(models.TextChoices):
        """Where the transcription came from: a teacher's correction is never overwritten."""

        AUTO = "auto", _("filled in automatically")
        TEACHER = "teacher", _("set by a teacher")
        UNKNOWN = "unknown", _("not in the pronunciation dictionary")

    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="words",
                                verbose_name=_("student"))
    language = models.ForeignKey("learning.Language", on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("language"))
    word = models.CharField(_("word or phrase"), max_length=200)
    translation = models.CharField(_("translations"), max_length=300, blank=True,
                                   help_text=_("Several translations separated by semicolons."))
    part_of_speech = models.CharField(_("part of speech"), max_length=16, choices=PartOfSpeech.choices, blank=True)
    transcription = models.CharField(_("transcription"), max_length=300, blank=True,
                                     help_text=_("IPA for English, pinyin for Chinese."))
    # Every reading the pronunciation dictionary knows ("read": /ɹiːd/, /ɹɛd/), for the teacher to pick.
    transcription_variants = models.JSONField(_("transcription variants"), default=list, blank=True)
    transcription_source = models.CharField(_("transcription source"), max_length=8, choices=Source.choices,
                                            default=Source.AUTO)
    # [{"text": "...", "lesson": <lesson id or null>}], the lesson's own sentence first.
    examples = models.JSONField(_("examples"), default=list, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    topics = ArrayField(models.CharField(max_length=64), verbose_name=_("topics"), default=list, blank=True)
    image = models.FileField(_("image"), storage=private_storage, blank=True, max_length=255)
    image_type = models.CharField(max_length=64, blank=True)
    recording = models.FileField(_("teacher's recording"), storage=private_storage, blank=True, max_length=255)
    recording_type = models.CharField(max_length=64, blank=True)
    lesson = models.ForeignKey("scheduling.Lesson", on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="words", verbose_name=_("lesson"))
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+",
                                 verbose_name=_("added by"))
    created_at = models.DateTimeField(_("added"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # Full-text search ("simple" configuration: a dictionary mixes languages), kept by Postgres itself.
    search_vector = models.GeneratedField(
        expression=SearchVector("word", weight="A", config="simple")
        + SearchVector("translation", Cast("examples", models.TextField()), "notes", weight="B", config="simple"),
        output_field=SearchVectorField(), db_persist=True)

    class Meta:
        verbose_name = _("word")
        verbose_name_plural = _("words")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["student", "-created_at"], name="vocabulary_student_recent_idx"),
            GinIndex(fields=["topics"], name="vocabulary_word_topics_idx"),
            GinIndex(fields=["search_vector"], name="vocabulary_word_search_idx"),
        ]
        constraints = [
            # Adding a word twice merges it (services.dictionary_add_word); the database makes it certain.
            models.UniqueConstraint(F("student"), F("language"), Lower("word"),
                                    name="vocabulary_word_once_per_student_language",
                                    violation_error_message=_("This word is already in the dictionary.")),
        ]

    def __str__(self):
        return f"{self.word} — {self.translation}"

    @property
    def example(self) -> str:
        """The first example (the lesson's own sentence when the word came from a lesson)."""
        return self.examples[0]["text"] if self.examples else ""

    @property
    def example_texts(self) -> list[str]:
        return [example["text"] for example in self.examples]


class Card(models.Model):
    """One direction of a word under review, with the FSRS memory state (fsrs.Card's fields)."""

    class Direction(models.TextChoices):
        WORD_MEANING = "word_meaning", _("word → meaning")
        MEANING_WORD = "meaning_word", _("meaning → word")
        CHARACTER_PINYIN = "character_pinyin", _("character → pinyin and tone")

    class State(models.IntegerChoices):  # fsrs.State
        LEARNING = 1, _("learning")
        REVIEW = 2, _("review")
        RELEARNING = 3, _("relearning")

    word = models.ForeignKey(Word, on_delete=models.CASCADE, related_name="cards", verbose_name=_("word"))
    # The word's student, repeated so that "due today" is one index scan.
    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                                verbose_name=_("student"))
    direction = models.CharField(_("direction"), max_length=20, choices=Direction.choices)
    state = models.PositiveSmallIntegerField(_("state"), choices=State.choices, default=State.LEARNING)
    step = models.PositiveSmallIntegerField(null=True, blank=True)
    stability = models.FloatField(null=True, blank=True)
    difficulty = models.FloatField(null=True, blank=True)
    due = models.DateTimeField(_("due"))
    last_review = models.DateTimeField(_("last review"), null=True, blank=True)

    class Meta:
        verbose_name = _("review card")
        verbose_name_plural = _("review cards")
        constraints = [
            models.UniqueConstraint(fields=["word", "direction"], name="vocabulary_card_once_per_direction"),
        ]
        indexes = [models.Index(fields=["student", "due"], name="vocabulary_card_due_idx")]

    def __str__(self):
        return f"{self.word.word} · {self.get_direction_display()}"


class Review(models.Model):
    """A rating given to a card: fsrs.ReviewLog's fields (card_id, rating, review_datetime, review_duration),
    so a student's log can be fed to fsrs.Optimizer as it is."""

    class Rating(models.IntegerChoices):  # fsrs.Rating
        AGAIN = 1, _("Again")
        HARD = 2, _("Hard")
        GOOD = 3, _("Good")
        EASY = 4, _("Easy")

    card = models.ForeignKey(Card, on_delete=models.CASCADE, related_name="reviews", verbose_name=_("card"))
    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                                verbose_name=_("student"))
    rating = models.PositiveSmallIntegerField(_("rating"), choices=Rating.choices)
    review_datetime = models.DateTimeField(_("reviewed"))
    review_duration = models.PositiveIntegerField(_("milliseconds"), null=True, blank=True)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["review_datetime", "pk"]
        constraints = [models.CheckConstraint(condition=Q(rating__gte=1, rating__lte=4),
                                              name="vocabulary_review_rating_1_to_4")]
        indexes = [models.Index(fields=["student", "review_datetime"], name="vocabulary_review_student_idx")]

    def __str__(self):
        return f"{self.card_id} · {self.rating}"
