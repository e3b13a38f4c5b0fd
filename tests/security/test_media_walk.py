"""After the whole suite: no file any test stored is served by a public URL.

Runs last (`after_all`), walks every MEDIA_ROOT and PRIVATE_MEDIA_ROOT the suite used (temporary ones
included, see `media_roots.py`) and asks each school's host and the platform for each file the way a
visitor could: `/media/<path under the school's folder>`, the same path with the school's folder in
front, a climb out of the folder, and `/static/`. A file may come back only if the school's public
pages show it (its current logo, an active teacher's photo or video) and only on its own school's host.
"""

import os
from pathlib import Path

import pytest
from django.test import Client
from django_tenants.utils import schema_context

from shared_apps.tenants.models import School
from tenant_apps.accounts.models import User
from tenant_apps.learning.models import TeacherProfile
from tenant_apps.website.models import SiteProfile
from tests.security import media_roots


def _shown_publicly(schema: str, path: str) -> bool:
    with schema_context(schema):
        return (
            SiteProfile.objects.filter(logo=path).exists()
            or User.objects.filter(photo=path, is_teacher=True, is_active=True).exists()
            or TeacherProfile.objects.filter(intro_video=path, user__is_active=True, user__is_teacher=True).exists()
        )


def _files(root: Path):
    for folder, _dirs, names in os.walk(root):
        for name in names:
            yield Path(folder, name)


def _served(response, content: bytes) -> bool:
    if response.status_code != 200:
        return False
    served = b"".join(response.streaming_content) if response.streaming else response.content
    return served == content


@pytest.mark.after_all
def test_no_file_the_suite_stored_is_served_to_the_public(cast, settings):
    schools = School.objects.exclude(schema_name="public").filter(domains__isnull=False)
    hosts = dict(schools.values_list("schema_name", "domains__domain"))
    leaks, checked = [], 0
    for root in sorted({Path(root).resolve() for root in media_roots.seen}):
        if not root.is_dir():
            continue
        settings.MEDIA_ROOT = str(root)  # the storage reads this root, as it did when the file was written
        for file in _files(root):
            relative = file.relative_to(root)
            schema, inner = relative.parts[0], "/".join(relative.parts[1:])
            content, checked = file.read_bytes(), checked + 1
            paths = [f"/media/{inner}", f"/media/{relative.as_posix()}", f"/media/../{relative.as_posix()}",
                     f"/static/{relative.as_posix()}"]
            for host in [*hosts.values(), "localhost"]:
                for path in paths:
                    response = Client(HTTP_HOST=host).get(path)
                    allowed = host == hosts.get(schema) and path == paths[0] and _shown_publicly(schema, inner)
                    if _served(response, content) and not allowed:
                        leaks.append(f"{host}{path} ({file})")
    assert not leaks, f"{len(leaks)} file(s) served to the public:\n" + "\n".join(leaks)
    print(f"checked {checked} stored files")
