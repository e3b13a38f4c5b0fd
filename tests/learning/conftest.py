"""Learning tests run inside school A's schema, with its seeded English and Chinese."""

import pytest
from django_tenants.utils import schema_context

from tenant_apps.learning.models import Language, Level


@pytest.fixture
def alpha(cast):
    """School A's cast, with its schema active for the whole test.

    The cast's users are shared by the whole session; a test elsewhere that changes one in
    memory (and has its database change rolled back) must not leak into these, so they are
    read again.
    """
    with schema_context(cast.a.school.schema_name):
        for user in cast.a.users.values():
            user.refresh_from_db()
        yield cast.a


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
