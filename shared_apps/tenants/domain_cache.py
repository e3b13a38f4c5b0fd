"""Host name → School, cached so that a request pays no SQL round trip to find its school.

The entry is dropped whenever a school or one of its domains is saved or deleted.
"""

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save

_MISSING = "missing"


def _key(hostname: str) -> str:
    # The cache's key function prefixes the current schema; resolution always runs
    # in the public schema, so the key is the same for every process.
    return f"tenants.domain.{hostname}"


def school_for_host(hostname: str):
    """The School serving `hostname`, or None. Cached, misses included."""
    from shared_apps.tenants.models import Domain

    cached = cache.get(_key(hostname))
    if cached == _MISSING:
        return None
    if cached is not None:
        return cached
    domain = Domain.objects.select_related("tenant").filter(domain=hostname).first()
    school = domain.tenant if domain else None
    cache.set(_key(hostname), school if school else _MISSING, settings.TENANT_CACHE_SECONDS)
    return school


def forget_host(hostname: str) -> None:
    # The cache's key function prefixes the current schema; lookups run in the public schema,
    # so the entry must be dropped from there, whichever school's request saved the change.
    from django_tenants.utils import get_public_schema_name, schema_context

    with schema_context(get_public_schema_name()):
        cache.delete(_key(hostname))


def forget_school(school) -> None:
    for hostname in school.domains.values_list("domain", flat=True):
        forget_host(hostname)


def _on_domain_change(sender, instance, **kwargs):
    hostname = instance.domain
    transaction.on_commit(lambda: forget_host(hostname))
    forget_host(hostname)


def _on_school_change(sender, instance, **kwargs):
    if instance.pk is None:
        return
    hostnames = list(instance.domains.values_list("domain", flat=True))

    def forget():
        for hostname in hostnames:
            forget_host(hostname)

    forget()
    transaction.on_commit(forget)


def connect_invalidation() -> None:
    from shared_apps.tenants.models import Domain, School

    post_save.connect(_on_domain_change, sender=Domain, dispatch_uid="tenants.domain_saved")
    post_delete.connect(_on_domain_change, sender=Domain, dispatch_uid="tenants.domain_deleted")
    post_save.connect(_on_school_change, sender=School, dispatch_uid="tenants.school_saved")
    # Domains are deleted (cascade) before their school: their own signal drops them.
