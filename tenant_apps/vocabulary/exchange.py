"""CSV in and out, and the Anki package (.apkg, made with genanki) with audio and IPA/pinyin fields.

The CSV import is read whole first: every row is checked and a preview lists each row's errors; nothing is
imported while there are errors, unless the importer chooses to import the good rows only.
"""

import csv
import io
import os
import shutil
import tempfile
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from tenant_apps.learning.models import Language
from tenant_apps.materials.storage import private_storage
from tenant_apps.vocabulary import audio
from tenant_apps.vocabulary.models import Word
from tenant_apps.vocabulary.services import LIMITS, dictionary_add_word

COLUMNS = ["word", "translation", "language", "transcription", "part_of_speech", "examples", "topics", "notes",
           "added"]
EXAMPLE_SEPARATOR = " | "
MAX_IMPORT_BYTES = 1024 * 1024
MAX_IMPORT_ROWS = 5000
# Anki needs a stable id for a note type and a deck: the same export imported twice updates, not doubles.
ANKI_MODEL_ID = 1_734_200_022
ANKI_DECK_BASE_ID = 1_734_300_000
# Audio the export makes on the spot at most; beyond it, words carry audio only if it was made before.
ANKI_SYNTHESIZE_AT_MOST = 300


def export_rows(words) -> list[list[str]]:
    return [[word.word, word.translation, word.language.code, word.transcription, word.part_of_speech,
             EXAMPLE_SEPARATOR.join(word.example_texts), ", ".join(word.topics), word.notes,
             word.created_at.date().isoformat()] for word in words]


def export_csv(words) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    writer.writerows(export_rows(words))
    return buffer.getvalue()


@dataclass
class ImportRow:
    number: int  # the line in the file (the header is line 1)
    values: dict
    errors: list = field(default_factory=list)


@dataclass
class ImportPreview:
    rows: list
    errors: list = field(default_factory=list)  # the file's own problems (no rows at all)

    @property
    def good(self) -> list:
        return [row for row in self.rows if not row.errors]

    @property
    def bad(self) -> list:
        return [row for row in self.rows if row.errors]


def read_csv(text: str, *, default_language: Language) -> ImportPreview:
    """Parse and check every row; a row's errors are sentences the importer can act on."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [name.strip().lower() for name in (reader.fieldnames or [])]
    if "word" not in header:
        return ImportPreview(rows=[], errors=[_("The first row must name the columns, and one of them must be "
                                                "“word”.")])
    reader.fieldnames = header
    languages = {language.code: language for language in Language.objects.all()}
    parts = set(Word.PartOfSpeech.values)
    rows = []
    for number, raw in enumerate(reader, start=2):
        if len(rows) >= MAX_IMPORT_ROWS:
            return ImportPreview(rows=rows, errors=[_("At most %(count)s rows can be imported at once.")
                                                    % {"count": MAX_IMPORT_ROWS}])
        values = {key: (value or "").strip() for key, value in raw.items() if key in COLUMNS}
        if not any(values.values()):
            continue
        row = ImportRow(number=number, values=values)
        if not values.get("word"):
            row.errors.append(_("The word is empty."))
        for name in ("word", "translation", "transcription"):
            if len(values.get(name, "")) > LIMITS[name]:
                row.errors.append(_("“%(column)s” is longer than %(limit)s characters.")
                                  % {"column": name, "limit": LIMITS[name]})
        code = values.get("language", "").lower()
        language = languages.get(code) if code else default_language
        if language is None:
            row.errors.append(_("Unknown language “%(code)s”: use a code such as en or zh.") % {"code": code})
        values["language_object"] = language
        if values.get("part_of_speech", "") and values["part_of_speech"].lower() not in parts:
            row.errors.append(_("Unknown part of speech “%(value)s”.") % {"value": values["part_of_speech"]})
        rows.append(row)
    return ImportPreview(rows=rows)


@transaction.atomic
def import_rows(rows, *, student, by) -> int:
    """Add the rows (each a merge when the word is there already); returns how many."""
    for row in rows:
        values = row.values
        examples = [text.strip() for text in values.get("examples", "").split("|") if text.strip()] or [""]
        for example in examples:
            dictionary_add_word(
                student=student, language=values["language_object"], word=values["word"], by=by,
                translation=values.get("translation", ""), example=example,
                part_of_speech=values.get("part_of_speech", "").lower(), transcription=values.get("transcription", ""),
                notes=values.get("notes", ""), topics=values.get("topics", "").split(","))
    return len(rows)


# Anki ----------------------------------------------------------------------------------------------------------
def _anki_model():
    import genanki

    style = (".card{font-family:sans-serif;font-size:28px;text-align:center}.ipa{color:#475569}"
             ".example{font-size:20px;font-style:italic}")
    back = ("{{FrontSide}}<hr id=answer><div>{{Meaning}}</div><div class=ipa>{{Transcription}}</div>"
            "<div>{{Audio}}</div><div class=example>{{Example}}</div><div>{{Image}}</div>")
    return genanki.Model(
        ANKI_MODEL_ID, "Panda dictionary",
        fields=[{"name": name} for name in ("Word", "Meaning", "Transcription", "Example", "Audio", "Image",
                                            "Language")],
        templates=[
            {"name": "Word → meaning", "qfmt": "<div>{{Word}}</div>", "afmt": back},
            {"name": "Meaning → word", "qfmt": "<div>{{Meaning}}</div>",
             "afmt": ("{{FrontSide}}<hr id=answer><div>{{Word}}</div><div class=ipa>{{Transcription}}</div>"
                      "<div>{{Audio}}</div><div class=example>{{Example}}</div>")},
        ],
        css=style,
    )


def export_apkg(words, *, student, deck_name: str) -> bytes:
    """An Anki package of the words: a note per word (both directions), its audio and image as media."""
    import genanki
    from django.utils.html import escape

    model = _anki_model()
    deck = genanki.Deck(ANKI_DECK_BASE_ID + student.pk, deck_name)
    storage = private_storage()
    workdir = tempfile.mkdtemp(prefix="panda-apkg-")
    media, synthesized = [], 0
    try:
        for word in words:
            sound = picture = ""
            if word.recording or synthesized < ANKI_SYNTHESIZE_AT_MOST or storage.exists(
                    audio.tts_name(audio.VOICES.get(word.language.code, ""), audio.spoken_text(word))):
                found = audio.word_audio(word)
                synthesized += 0 if word.recording else 1
                if found:
                    sound = _copy_media(storage, found[0], workdir, f"panda-{word.pk}", media)
            if word.image and storage.exists(word.image.name):
                picture = _copy_media(storage, word.image.name, workdir, f"panda-{word.pk}-image", media)
            deck.add_note(genanki.Note(
                model=model, guid=genanki.guid_for("panda", student.pk, word.pk),
                fields=[escape(word.word), escape(word.translation), escape(word.transcription),
                        escape(word.example), f"[sound:{sound}]" if sound else "",
                        f'<img src="{picture}">' if picture else "", word.language.code],
                tags=[topic.replace(" ", "_") for topic in word.topics],
            ))
        package = genanki.Package(deck)
        package.media_files = media
        out = os.path.join(workdir, "deck.apkg")
        package.write_to_file(out)
        with open(out, "rb") as handle:
            return handle.read()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _copy_media(storage, name: str, workdir: str, stem: str, media: list) -> str:
    filename = f"{stem}{os.path.splitext(name)[1]}"
    with storage.open(name, "rb") as source, open(os.path.join(workdir, filename), "wb") as target:
        shutil.copyfileobj(source, target)
    media.append(os.path.join(workdir, filename))
    return filename
