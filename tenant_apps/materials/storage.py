"""Private, per-school storage for lesson materials.

Files live under `PRIVATE_MEDIA_ROOT/<schema>/` (by default MEDIA_ROOT/private-materials/, a folder no
school's own media root can be, since schema names never contain "-"): the school's public media view
(`/media/...`) cannot reach them. They are served only by `materials.views.material_file`, which checks who
is asking. The schema is read on every access (not cached), like django-tenants' own storage.
"""

import os

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import FileSystemStorage
from django.db import connection
from django_tenants.utils import get_public_schema_name


class SchoolPrivateStorage(FileSystemStorage):
    @property
    def base_location(self):
        schema_name = connection.schema_name
        if not schema_name or schema_name == get_public_schema_name():
            raise ImproperlyConfigured("Lesson materials belong to a school: no school schema is active.")
        return os.path.join(settings.PRIVATE_MEDIA_ROOT, schema_name)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    @property
    def base_url(self):  # never linked directly: the serving view builds its own URLs
        return None


_storage = SchoolPrivateStorage()


def private_storage() -> SchoolPrivateStorage:
    """The FileField's storage (a callable, so migrations name it rather than freeze a path)."""
    return _storage
