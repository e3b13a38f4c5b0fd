"""The dictionary's fixtures: Sam (school A's student) learns English with Tom, with a word or two.

Uploads and made audio go to a folder of each test's own (materials' `private_media`)."""

import pytest

from tenant_apps.vocabulary.services import dictionary_add_word
from tests.materials.conftest import private_media  # noqa: F401 - autouse here too
from tests.website.conftest import chinese, english  # noqa: F401 - the languages, shared


@pytest.fixture
def word(alpha, enrollment, english):  # noqa: F811 - the fixture imported above
    return dictionary_add_word(student=alpha.student, language=english, word="read", by=alpha.teacher,
                               translation="читать", example="Read the text aloud.", topics=["school"])
