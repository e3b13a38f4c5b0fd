"""The dictionary's pages as people use them: search and filters, adding (and merging), pasting a sentence,
editing with a teacher's transcription, recordings and audio, and the review."""

import io
import wave
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tenant_apps.vocabulary.models import Card, Word
from tenant_apps.vocabulary.services import dictionary_add_word, review_record
from tests.materials.conftest import make_lesson, png_bytes


def wav_upload(name="voice.wav"):
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(1)
        out.setframerate(8000)
        out.writeframes(bytes([128]) * 800)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="audio/wav")


def test_search_finds_a_word_by_its_translation_and_example(client_for, alpha, word, english):
    dictionary_add_word(student=alpha.student, language=english, word="apple", translation="яблоко")
    client = client_for(alpha, alpha.student)

    by_translation = client.get("/student/dictionary/", {"q": "читать"}).content.decode()
    by_example = client.get("/student/dictionary/", {"q": "aloud"}).content.decode()
    by_start = client.get("/student/dictionary/", {"q": "app"}).content.decode()

    assert "read" in by_translation and "apple" not in by_translation
    assert "read" in by_example and "apple" not in by_example
    assert "apple" in by_start and ">read<" not in by_start


def test_filters_by_topic_language_lesson_date_and_hard_words(client_for, alpha, word, english, chinese):
    lesson = make_lesson(alpha, starts_in=timedelta(days=-2))
    dictionary_add_word(student=alpha.student, language=chinese, word="银行", translation="банк", lesson=lesson,
                        example="我在银行工作。")
    hard = dictionary_add_word(student=alpha.student, language=english, word="through", translation="через")
    for _ in range(3):
        review_record(card=hard.cards.first(), rating=1)
    client = client_for(alpha, alpha.student)

    def words(**query):
        page = client.get("/student/dictionary/", query).content.decode()
        return {text for text in ("read", "银行", "through") if f">{text}<" in page or 'lang="zh">' in page
                and text == "银行"}

    assert words(topic="school") == {"read"}
    assert words(language=chinese.pk) == {"银行"}
    assert words(lesson=lesson.pk) == {"银行"}
    assert words(hard="on") == {"through"}
    assert words(added_from=(timezone.localdate() + timedelta(days=2)).isoformat()) == set()


def test_chinese_characters_are_coloured_by_tone_and_pinyin_shows_as_marks_numbers_or_zhuyin(client_for, alpha,
                                                                                            chinese):
    dictionary_add_word(student=alpha.student, language=chinese, word="你好", translation="привет")
    client = client_for(alpha, alpha.student)

    page = client.get("/student/dictionary/").content.decode()
    numbers = client.get("/student/dictionary/", {"pinyin": "numbers"}).content.decode()
    zhuyin = client.get("/student/dictionary/", {"pinyin": "zhuyin"}).content.decode()

    assert '<span class="tone-3">你</span><span class="tone-3">好</span>' in page
    assert "nǐ hǎo" in page and "ni3 hao3" in numbers and "ㄋㄧˇ ㄏㄠˇ" in zhuyin


def test_the_teacher_adds_a_word_that_is_there_already_and_it_merges(client_for, alpha, word, english):
    response = client_for(alpha, alpha.teacher).post(f"/dictionaries/{alpha.student.pk}/words/new/", {
        "language": english.pk, "word": "READ", "translation": "прочитать", "examples": "I read it yesterday.",
        "topics": "past, school"})

    assert response.status_code == 302
    word.refresh_from_db()
    assert Word.objects.filter(student=alpha.student).count() == 1
    assert word.translation == "читать; прочитать"
    assert word.example_texts == ["Read the text aloud.", "I read it yesterday."]
    assert word.topics == ["past", "school"]


def test_adding_an_empty_word_says_so_and_adds_nothing(client_for, alpha, enrollment, english):
    response = client_for(alpha, alpha.teacher).post(f"/dictionaries/{alpha.student.pk}/words/new/",
                                                     {"language": english.pk, "word": "   "})

    assert response.status_code == 422
    assert "This field is required." in response.content.decode()
    assert not Word.objects.exists()


def test_a_pasted_chinese_sentence_is_split_into_words_to_pick(client_for, alpha, enrollment, chinese):
    client = client_for(alpha, alpha.teacher)
    url = f"/dictionaries/{alpha.student.pk}/words/sentence/"

    preview = client.post(url, {"language": chinese.pk, "sentence": "我们在银行工作。"}).content.decode()
    client.post(url, {"language": chinese.pk, "sentence": "我们在银行工作。", "pick": ["银行", "工作"],
                      "translation:银行": "банк"})

    assert 'value="银行"' in preview and 'value="工作"' in preview and "yín háng" in preview
    words = {word.word: word for word in Word.objects.filter(student=alpha.student)}
    assert set(words) == {"银行", "工作"}
    assert words["银行"].translation == "банк" and words["银行"].example == "我们在银行工作。"
    assert words["工作"].transcription == "gōng zuò"


def test_the_teacher_picks_another_reading_and_it_wins(client_for, alpha, word):
    client = client_for(alpha, alpha.teacher)
    page = client.get(f"/dictionary/words/{word.pk}/").content.decode()

    client.post(f"/dictionary/words/{word.pk}/", {"word": "read", "translation": "читать", "transcription": "riːd",
                                                  "examples": "Read the text aloud.", "topics": "school"})

    assert 'data-pick-variant="riːd"' in page and 'data-pick-variant="rɛd"' in page
    word.refresh_from_db()
    assert (word.transcription, word.transcription_source) == ("riːd", Word.Source.TEACHER)


def test_an_image_is_checked_by_its_content_and_served_after_the_access_check(client_for, alpha, word):
    client = client_for(alpha, alpha.teacher)
    form = {"word": "read", "translation": "читать", "examples": "", "topics": ""}
    refused = client.post(f"/dictionary/words/{word.pk}/",
                          {**form, "image": SimpleUploadedFile("x.png", b"not an image", "image/png")})
    client.post(f"/dictionary/words/{word.pk}/", {**form, "image": SimpleUploadedFile("x.png", png_bytes())})

    assert refused.status_code == 422 and "PNG, JPEG, GIF or WebP" in refused.content.decode()
    response = client_for(alpha, alpha.student).get(f"/dictionary/words/{word.pk}/image/")
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")


def test_a_teachers_recording_is_played_instead_of_the_computer_voice(client_for, alpha, word):
    client = client_for(alpha, alpha.teacher)
    made = client_for(alpha, alpha.student).get(f"/dictionary/words/{word.pk}/audio/")

    refused = client.post(f"/dictionary/words/{word.pk}/recording/",
                          {"recording": SimpleUploadedFile("v.webm", b"<html>nope</html>")})
    client.post(f"/dictionary/words/{word.pk}/recording/", {"recording": wav_upload()})
    played = client_for(alpha, alpha.student).get(f"/dictionary/words/{word.pk}/audio/")

    assert made.status_code == 200 and made["Content-Type"] == "audio/wav"
    assert refused.status_code == 422
    word.refresh_from_db()
    assert word.recording_type == "audio/wav"
    assert b"".join(played.streaming_content) == word.recording.open("rb").read()


def test_server_audio_is_made_once_and_kept_in_the_schools_own_folder(client_for, alpha, word, private_media):
    client = client_for(alpha, alpha.student)
    first = b"".join(client.get(f"/dictionary/words/{word.pk}/audio/").streaming_content)
    made = list((private_media / "alpha" / "vocabulary" / "tts").rglob("*.wav"))
    second = b"".join(client.get(f"/dictionary/words/{word.pk}/audio/").streaming_content)

    assert first.startswith(b"RIFF") and first == second
    assert len(made) == 1 and made[0].parent.name == "en-us"


def test_chinese_audio_is_made_from_the_pinyin_by_the_pinyin_voice(alpha, chinese, private_media):
    from tenant_apps.vocabulary.audio import synthesized

    word = dictionary_add_word(student=alpha.student, language=chinese, word="你好", translation="привет")

    assert synthesized(word).startswith("vocabulary/tts/cmn-latn-pinyin/")


@pytest.mark.parametrize("direction", ["word_meaning", "meaning_word", "character_pinyin"])
def test_the_review_asks_each_direction(client_for, alpha, chinese, direction):
    word = dictionary_add_word(student=alpha.student, language=chinese, word="你好", translation="привет")
    Card.objects.filter(word=word).exclude(direction=direction).update(due=timezone.now() + timedelta(days=9))

    page = client_for(alpha, alpha.student).get("/student/dictionary/review/").content.decode()

    question = page.split('class="review-question"')[1].split("review-answer")[0]
    if direction == "meaning_word":
        assert "привет" in question and "你好" not in question
    else:
        assert "你好" in question and "привет" not in question
    assert "nǐ hǎo" in page
    if direction == "character_pinyin":
        assert "ni3 hao3" in page


def test_a_bad_rating_changes_nothing(client_for, alpha, word):
    card = word.cards.first()

    response = client_for(alpha, alpha.student).post(f"/student/dictionary/review/{card.pk}/", {"rating": "7"})

    assert response.status_code == 302
    card.refresh_from_db()
    assert card.last_review is None and not card.reviews.exists()


def test_when_everything_is_reviewed_the_page_says_so(client_for, alpha, word):
    for card in word.cards.all():
        review_record(card=card, rating=4)
    Card.objects.update(due=timezone.now() + timedelta(days=3))

    page = client_for(alpha, alpha.student).get("/student/dictionary/review/").content.decode()

    assert "All done for today." in page


def test_the_page_costs_the_same_queries_with_3_words_and_with_5000(client_for, alpha, english, chinese):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def fill(count, offset=0):
        Word.objects.bulk_create([
            Word(student=alpha.student, language=english if index % 5 else chinese, word=f"w{offset + index}",
                 translation="t", topics=[f"topic {index % 9}"], examples=[{"text": "An example.", "lesson": None}])
            for index in range(count)])
        Card.objects.bulk_create([Card(word=word, student=alpha.student, direction="word_meaning",
                                       due=timezone.now(), difficulty=8.0 if word.pk % 7 == 0 else 5.0)
                                  for word in Word.objects.filter(student=alpha.student, cards__isnull=True)])

    client = client_for(alpha, alpha.student)
    fill(3)
    client.get("/student/dictionary/")
    counts = {}
    for size in (3, 5000):
        if size == 5000:
            fill(4997, offset=3)
        for name, query in (("page", {}), ("search", {"q": "example"}), ("filter", {"topic": "topic 3", "hard": "on"})):
            with CaptureQueriesContext(connection) as queries:
                response = client.get("/student/dictionary/", query)
            assert response.status_code == 200
            counts[size, name] = len(queries)

    assert {name: counts[3, name] for name in ("page", "search", "filter")} == {
        name: counts[5000, name] for name in ("page", "search", "filter")}
    assert response.content.decode().count('<li class="entry">') == 50
    assert max(counts.values()) <= 13


def test_the_students_home_says_how_many_words_are_due_today(client_for, alpha, word, english):
    dictionary_add_word(student=alpha.student, language=english, word="apple", translation="яблоко")
    client = client_for(alpha, alpha.student)

    page = client.get("/student/").content.decode()
    for card in Card.objects.all():
        review_record(card=card, rating=4)
    later = client.get("/student/").content.decode()

    assert "2 words to review today" in page and 'href="/student/dictionary/review/"' in page
    assert "Nothing to review today." in later
