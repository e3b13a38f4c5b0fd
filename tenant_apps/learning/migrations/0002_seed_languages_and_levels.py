"""English (CEFR A1–C2) and Chinese (HSK 1–6) for every school.

A tenant app's migration runs in every school's schema and in the template schema that new
schools are cloned from, so each school starts with both. Names are stored in English; a school
renames or adds in its admin. Rows already there are left alone, so a school's edits survive.
"""

from django.db import migrations

LANGUAGES = [
    # code, name, ordering, levels (code, name)
    ("en", "English", 10, [
        ("A1", "Beginner"),
        ("A2", "Elementary"),
        ("B1", "Intermediate"),
        ("B2", "Upper-intermediate"),
        ("C1", "Advanced"),
        ("C2", "Proficient"),
    ]),
    ("zh", "Chinese", 20, [
        ("HSK1", "Beginner"),
        ("HSK2", "Elementary"),
        ("HSK3", "Intermediate"),
        ("HSK4", "Upper-intermediate"),
        ("HSK5", "Advanced"),
        ("HSK6", "Proficient"),
    ]),
]


def seed_languages_and_levels(apps, schema_editor):
    Language = apps.get_model("learning", "Language")
    Level = apps.get_model("learning", "Level")
    db = schema_editor.connection.alias
    for code, name, ordering, levels in LANGUAGES:
        language, _created = Language.objects.using(db).get_or_create(
            code=code, defaults={"name": name, "ordering": ordering}
        )
        for position, (level_code, level_name) in enumerate(levels, start=1):
            Level.objects.using(db).get_or_create(
                language=language, code=level_code, defaults={"name": level_name, "position": position}
            )


class Migration(migrations.Migration):

    dependencies = [
        ("learning", "0001_initial"),
    ]

    operations = [
        # Reversed as a no-op: unapplying 0001 drops the tables anyway, and a school may
        # have enrolled students in these rows.
        migrations.RunPython(seed_languages_and_levels, migrations.RunPython.noop),
    ]
