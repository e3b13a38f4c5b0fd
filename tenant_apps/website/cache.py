"""The public pages' cache, per school.

Keys go through django-tenants' KEY_FUNCTION, which puts the schema in front of every key, so
one school's entries never answer for another's. A page's content is stored under the school's
current *site version*; any edit of what the pages show (a review, the site settings, a teacher's
profile, a package) bumps that school's version, and the stale entries simply expire.
"""

from django.core.cache import cache
from django.db import connection, transaction

VERSION_KEY = "website:version"
PAGE_SECONDS = 60 * 60


def site_version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        version = 1
        cache.add(VERSION_KEY, version, None)
    return version


def site_changed() -> None:
    """Call when something the public pages show changed (after commit: readers see the new rows)."""
    schema = connection.schema_name

    def bump():
        from django_tenants.utils import schema_context

        with schema_context(schema):
            try:
                cache.incr(VERSION_KEY)
            except ValueError:  # not there yet (or evicted): any fresh value differs from the old keys
                cache.set(VERSION_KEY, 2, None)

    transaction.on_commit(bump)


def page_key(name: str, language: str) -> str:
    return f"website:page:{name}:{language}:{site_version()}"


def cached_fragment(name: str, language: str, build) -> str:
    """The page fragment `name` in `language`, built by `build()` when this version has none."""
    key = page_key(name, language)
    html = cache.get(key)
    if html is None:
        html = build()
        cache.set(key, html, PAGE_SECONDS)
    return html
