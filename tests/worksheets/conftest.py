"""Worksheet fixtures: a worksheet of several types by school A's first teacher, shared with its student."""

import pytest

from tests.materials.conftest import private_media  # noqa: F401 - uploads go to a folder of each test's own
from tests.worksheets.factories import every_type


@pytest.fixture
def worksheet(alpha):
    from tenant_apps.worksheets.services import worksheet_create, worksheet_share

    made = worksheet_create(owner=alpha.teacher, title="Verb to be", instructions="Fill in the gaps.",
                            items=[{"type": "text", "html": "Read first."}, *every_type(),
                                   {"type": "open", "points": 2, "prompt": "Write about you."}])
    worksheet_share(worksheet=made, student=alpha.student)
    return made
