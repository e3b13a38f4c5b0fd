"""Existing words keep everything: their example becomes the first of `examples`, their language is the
lesson's (else the student's first enrollment's, else English), duplicates of one student and language
merge into the oldest entry (examples and translations joined), and each word gets its review cards."""

from django.db import migrations

DIRECTIONS = ["word_meaning", "meaning_word"]


def _language_for(word, Enrollment, fallback):
    if word.lesson_id:
        return word.lesson.enrollment.language_id
    enrollment = Enrollment.objects.filter(student_id=word.student_id).order_by("pk").first()
    return enrollment.language_id if enrollment else fallback


def _join_translations(first: str, second: str) -> str:
    parts = [part.strip() for part in first.split(";") if part.strip()]
    for part in second.split(";"):
        if part.strip() and part.strip().lower() not in {known.lower() for known in parts}:
            parts.append(part.strip())
    return "; ".join(parts)[:300]


def forwards(apps, schema_editor):
    Word = apps.get_model("vocabulary", "Word")
    Card = apps.get_model("vocabulary", "Card")
    Language = apps.get_model("learning", "Language")
    Enrollment = apps.get_model("learning", "Enrollment")
    words = list(Word.objects.select_related("lesson__enrollment").order_by("created_at", "pk"))
    if not words:
        return
    from tenant_apps.vocabulary.transcription import transcribe  # pure functions over offline dictionaries

    english = Language.objects.filter(code="en").first() or Language.objects.order_by("pk").first()
    codes = dict(Language.objects.values_list("pk", "code"))
    kept = {}
    for word in words:
        word.language_id = _language_for(word, Enrollment, english.pk)
        key = (word.student_id, word.language_id, word.word.lower())
        example = [{"text": word.example, "lesson": word.lesson_id}] if word.example else []
        keeper = kept.get(key)
        if keeper is None:
            word.examples = example
            found = transcribe(codes[word.language_id], word.word)
            word.transcription, word.transcription_variants = found.text, found.variants
            word.transcription_source = "auto" if found.known else "unknown"
            kept[key] = word
            continue
        keeper.examples += [item for item in example if item["text"] not in {e["text"] for e in keeper.examples}]
        keeper.translation = _join_translations(keeper.translation, word.translation)
        word.delete()
    for word in kept.values():
        word.save(update_fields=["language", "examples", "translation", "transcription", "transcription_variants",
                                 "transcription_source"])
        directions = DIRECTIONS + (["character_pinyin"] if codes[word.language_id] == "zh" else [])
        Card.objects.bulk_create([Card(word=word, student_id=word.student_id, direction=direction, state=1, step=0,
                                       due=word.created_at) for direction in directions])


class Migration(migrations.Migration):

    dependencies = [
        ("vocabulary", "0002_dictionary_entries"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
