"""Every school starts with English (CEFR) and Chinese (HSK), and may add its own."""

import pytest
from django.conf import settings
from django_tenants.utils import schema_context

from tenant_apps.learning.models import Language, Level

CEFR = ["A1", "A2", "B1", "B2", "C1", "C2"]
HSK = ["HSK1", "HSK2", "HSK3", "HSK4", "HSK5", "HSK6"]


def seeded(schema_name: str) -> dict[str, list[str]]:
    with schema_context(schema_name):
        levels = Level.objects.order_by("position")
        return {
            language.code: list(levels.filter(language=language).values_list("code", flat=True))
            for language in Language.objects.all()
        }


@pytest.mark.parametrize("school", ["a", "b"])
def test_a_new_school_starts_with_english_and_chinese_levels(cast, school):
    levels = seeded(getattr(cast, school).school.schema_name)

    assert levels == {"en": CEFR, "zh": HSK}


def test_the_template_that_schools_are_cloned_from_has_them(cast):
    assert seeded(settings.TENANT_TEMPLATE_SCHEMA) == {"en": CEFR, "zh": HSK}


def test_english_is_listed_before_chinese_and_both_are_active(alpha):
    languages = list(Language.objects.all())

    assert [language.code for language in languages] == ["en", "zh"]
    assert all(language.is_active for language in languages)
    assert str(Level.objects.get(language__code="en", code="B1")) == "B1 · Intermediate"


def test_a_school_adds_a_language_of_its_own_without_touching_another_school(cast):
    # The cloned rows must not leave the school's id sequences behind them.
    with schema_context(cast.a.school.schema_name):
        spanish = Language.objects.create(code="es", name="Spanish", ordering=30)
        Level.objects.create(language=spanish, code="A1", name="Beginner", position=1)
    with schema_context(cast.b.school.schema_name):
        assert not Language.objects.filter(code="es").exists()
