"""Adding words: once per student and language (a second add merges), transcription filled in offline, a
teacher's correction wins."""

import pytest
from django.db import IntegrityError

from tenant_apps.vocabulary.models import Card, Word
from tenant_apps.vocabulary.services import dictionary_add_word, word_add, word_update
from tests.materials.conftest import make_lesson


def test_adding_a_word_again_merges_examples_and_translations(alpha, english):
    lesson = make_lesson(alpha)
    first = word_add(lesson=lesson, by=alpha.teacher, word="Read", translation="читать", example="Read this.")
    again = dictionary_add_word(student=alpha.student, language=english, word="read ", by=alpha.teacher,
                                translation="читать; прочитанный", example="I have read it.", topics=["books"])

    assert again.pk == first.pk
    assert Word.objects.filter(student=alpha.student).count() == 1
    again.refresh_from_db()
    assert again.translation == "читать; прочитанный"
    assert again.example_texts == ["Read this.", "I have read it."]
    assert again.examples[0]["lesson"] == lesson.pk
    assert again.topics == ["books"]


def test_the_database_refuses_a_second_entry_of_one_word(alpha, english):
    Word.objects.create(student=alpha.student, language=english, word="Apple")
    with pytest.raises(IntegrityError):
        Word.objects.create(student=alpha.student, language=english, word="apple")


def test_the_same_word_in_another_language_or_for_another_student_is_its_own_entry(alpha, english, chinese):
    dictionary_add_word(student=alpha.student, language=english, word="ma", translation="мама")
    dictionary_add_word(student=alpha.student, language=chinese, word="ma", translation="?")
    dictionary_add_word(student=alpha.student2, language=english, word="ma", translation="мама")

    assert Word.objects.count() == 3


def test_english_ipa_is_filled_in_with_every_variant(alpha, english):
    word = dictionary_add_word(student=alpha.student, language=english, word="read", translation="читать")

    assert set(word.transcription_variants) == {"riːd", "rɛd"}
    assert word.transcription in word.transcription_variants
    assert word.transcription_source == Word.Source.AUTO


def test_a_word_the_dictionary_does_not_know_is_marked(alpha, english):
    word = dictionary_add_word(student=alpha.student, language=english, word="zxqwv", translation="?")

    assert (word.transcription, word.transcription_source) == ("", Word.Source.UNKNOWN)


def test_chinese_gets_pinyin_with_tone_marks_and_three_review_directions(alpha, chinese):
    word = dictionary_add_word(student=alpha.student, language=chinese, word="银行", translation="банк")

    assert word.transcription == "yín háng"
    assert set(Card.objects.filter(word=word).values_list("direction", flat=True)) == {
        "word_meaning", "meaning_word", "character_pinyin"}


def test_a_teachers_transcription_wins_over_the_automatic_one_and_survives_a_merge(alpha, english):
    word = dictionary_add_word(student=alpha.student, language=english, word="read", translation="читать")
    word = word_update(entry=word, by=alpha.teacher, transcription="riːd")
    dictionary_add_word(student=alpha.student, language=english, word="read", example="Read it aloud.")
    word.refresh_from_db()

    assert (word.transcription, word.transcription_source) == ("riːd", Word.Source.TEACHER)
    assert "rɛd" in word.transcription_variants


def test_an_emptied_transcription_goes_back_to_the_automatic_one(alpha, english):
    word = dictionary_add_word(student=alpha.student, language=english, word="apple", transcription="x")
    word = word_update(entry=word, by=alpha.teacher, transcription="")

    assert (word.transcription, word.transcription_source) == ("ˈæpəl", Word.Source.AUTO)


def test_english_words_get_two_review_directions(alpha, english):
    word = dictionary_add_word(student=alpha.student, language=english, word="apple", translation="яблоко")

    assert Card.objects.filter(word=word).count() == 2
