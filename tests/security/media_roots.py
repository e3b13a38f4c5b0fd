"""Every folder the suite stored school files in: MEDIA_ROOT and PRIVATE_MEDIA_ROOT, including the
temporary ones tests switch to. `tests/conftest.py` starts the recording; the walk at the end of the
suite (`test_media_walk.py`) reads it."""

from django.conf import settings
from django.test.signals import setting_changed

WATCHED = ("MEDIA_ROOT", "PRIVATE_MEDIA_ROOT")
seen: set[str] = set()


def _record(*, setting, value, **kwargs):
    if setting in WATCHED and value:
        seen.add(str(value))


def start_recording() -> None:
    seen.update(str(getattr(settings, name)) for name in WATCHED)
    setting_changed.connect(_record, dispatch_uid="tests.security.media_roots")
