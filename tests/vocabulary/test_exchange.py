"""CSV out and back in (with a preview and per-row errors), and the Anki package with its notes and media."""

import io
import json
import sqlite3
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile

from tenant_apps.vocabulary.models import Word
from tenant_apps.vocabulary.services import dictionary_add_word


def csv_upload(text: str):
    return SimpleUploadedFile("words.csv", text.encode("utf-8"), content_type="text/csv")


def test_csv_round_trip_into_another_students_dictionary(client_for, alpha, word, chinese, english):
    dictionary_add_word(student=alpha.student, language=chinese, word="银行", translation="банк",
                        example="我在银行工作。", topics=["work", "city"])
    exported = client_for(alpha, alpha.student).get(f"/dictionaries/{alpha.student.pk}/export.csv")
    text = exported.content.decode("utf-8-sig")
    manager = client_for(alpha, alpha.manager)

    preview = manager.post(f"/dictionaries/{alpha.student2.pk}/import/", {"file": csv_upload(text)})
    done = manager.post(f"/dictionaries/{alpha.student2.pk}/import/", {"confirm": "1", "csv_text": text})

    assert exported["Content-Disposition"].startswith("attachment;")
    assert preview.status_code == 200 and "2 rows are ready." in preview.content.decode()
    assert done.status_code == 302
    copied = {(w.word, w.translation, w.language.code, w.transcription, tuple(w.example_texts), tuple(w.topics))
              for w in Word.objects.filter(student=alpha.student2)}
    original = {(w.word, w.translation, w.language.code, w.transcription, tuple(w.example_texts), tuple(w.topics))
                for w in Word.objects.filter(student=alpha.student)}
    assert copied == original


BAD_CSV = ("word,translation,language,part_of_speech\nhello,привет,en,\n,пусто,en,\nmerci,спасибо,fr2,\n"
           "run,бежать,en,verbish\n")


def test_an_import_with_bad_rows_lists_each_rows_errors_and_imports_nothing(client_for, alpha, enrollment):
    client = client_for(alpha, alpha.teacher)

    preview = client.post(f"/dictionaries/{alpha.student.pk}/import/", {"file": csv_upload(BAD_CSV)})
    refused = client.post(f"/dictionaries/{alpha.student.pk}/import/", {"confirm": "1", "csv_text": BAD_CSV})

    page = preview.content.decode()
    assert "3 rows have errors." in page
    assert "The word is empty." in page and "Unknown language “fr2”" in page and "Unknown part of speech" in page
    assert refused.status_code == 422
    assert not Word.objects.exists()


def test_the_good_rows_are_imported_when_the_importer_chooses_so(client_for, alpha, enrollment):
    response = client_for(alpha, alpha.teacher).post(f"/dictionaries/{alpha.student.pk}/import/", {
        "confirm": "1", "csv_text": BAD_CSV, "skip_errors": "on"})

    assert response.status_code == 302
    assert list(Word.objects.values_list("word", "transcription")) == [("hello", "həˈloʊ")]


def test_a_file_that_is_not_utf8_csv_is_refused_with_a_reason(client_for, alpha, enrollment):
    response = client_for(alpha, alpha.teacher).post(
        f"/dictionaries/{alpha.student.pk}/import/",
        {"file": SimpleUploadedFile("w.csv", "слово".encode("cp1251"), content_type="text/csv")})

    assert response.status_code == 422
    assert "UTF-8" in response.content.decode()


def test_the_anki_package_opens_with_notes_ipa_pinyin_and_audio(client_for, alpha, word, chinese, tmp_path):
    dictionary_add_word(student=alpha.student, language=chinese, word="你好", translation="привет")

    response = client_for(alpha, alpha.teacher).get(f"/dictionaries/{alpha.student.pk}/export.apkg")

    archive = zipfile.ZipFile(io.BytesIO(response.content))
    media = json.loads(archive.read("media"))
    (tmp_path / "collection.anki2").write_bytes(archive.read("collection.anki2"))
    database = sqlite3.connect(tmp_path / "collection.anki2")
    notes = [row[0].split("\x1f") for row in database.execute("SELECT flds FROM notes ORDER BY id")]
    cards = database.execute("SELECT count(*) FROM cards").fetchone()[0]
    database.close()
    by_word = {fields[0]: fields for fields in notes}
    assert set(by_word) == {"read", "你好"}
    assert by_word["read"][2] == word.transcription and by_word["你好"][2] == "nǐ hǎo"
    assert by_word["read"][4].startswith("[sound:panda-") and by_word["你好"][4].endswith(".wav]")
    assert cards == 4  # both directions of each note
    assert sorted(media.values()) == sorted(fields[4][7:-1] for fields in notes)
    for number in media:
        assert archive.read(number).startswith(b"RIFF")
