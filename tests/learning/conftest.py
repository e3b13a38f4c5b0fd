"""Learning tests run inside school A's schema, with its seeded English and Chinese."""

import pytest

from tenant_apps.learning.models import Language, Level


@pytest.fixture
def english(alpha) -> Language:
    return Language.objects.get(code="en")


@pytest.fixture
def chinese(alpha) -> Language:
    return Language.objects.get(code="zh")


@pytest.fixture
def level(alpha):
    """`level("en", "B1")`: a seeded level."""

    def get(language_code: str, code: str) -> Level:
        return Level.objects.get(language__code=language_code, code=code)

    return get
