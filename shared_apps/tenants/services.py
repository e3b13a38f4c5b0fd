"""Provisioning schools: a new school is a clone of the migrated template schema."""

import re
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils.translation import gettext_lazy as _
from django_tenants.clone import CloneSchema
from django_tenants.utils import schema_context, schema_exists

from shared_apps.tenants.models import Domain, School

# Names a school may not take: they belong to the platform or confuse users.
RESERVED_SUBDOMAINS = frozenset(
    {
        "www", "admin", "api", "app", "public", "static", "media", "mail", "smtp", "imap", "pop",
        "ftp", "ns1", "ns2", "dns", "ws", "wss", "cdn", "assets", "help", "support", "status",
        "blog", "docs", "dev", "staging", "test", "demo", "billing", "stripe", "webhooks",
        "login", "signup", "account", "accounts", "auth", "platform", "panda-admin", "root",
        "information-schema", "school-template", "template",
    }
)
SUBDOMAIN_PATTERN = re.compile(r"^[a-z][a-z0-9-]{1,38}[a-z0-9]$")


def subdomain_validate(subdomain: str) -> None:
    """Raise ValidationError with a message a visitor understands."""
    if not SUBDOMAIN_PATTERN.match(subdomain) or "--" in subdomain:
        raise ValidationError(
            _("Use 3–40 lowercase Latin letters, digits and single hyphens, starting with a letter."),
            code="invalid",
        )
    if subdomain in RESERVED_SUBDOMAINS or subdomain.startswith("pg-"):
        raise ValidationError(_("This address is reserved. Please choose another."), code="reserved")
    if Domain.objects.filter(domain=school_host(subdomain)).exists() or School.objects.filter(
        schema_name=schema_name_for(subdomain)
    ).exists():
        raise ValidationError(_("This address is already taken."), code="taken")


def schema_name_for(subdomain: str) -> str:
    # Subdomains never contain "_", so "my-school" → "my_school" cannot collide.
    return subdomain.replace("-", "_")


def school_host(subdomain: str) -> str:
    return f"{subdomain}.{settings.PLATFORM_DOMAIN}"


def school_url(host: str, path: str = "/") -> str:
    return settings.SCHOOL_URL_TEMPLATE.format(host=host) + path


@dataclass(frozen=True)
class NewSchool:
    school: School
    owner_id: int
    login_url: str


def template_schema_ensure() -> School:
    """The template School row (migrated by every `migrate_schemas`, never served)."""
    template, _created = School.objects.get_or_create(
        schema_name=settings.TENANT_TEMPLATE_SCHEMA,
        defaults={"name": "Template", "is_template": True},
    )
    if not schema_exists(template.schema_name):
        connection.cursor().execute(f'CREATE SCHEMA "{template.schema_name}"')
    return template


def _schema_clone_from_template(schema_name: str) -> None:
    if not schema_exists(settings.TENANT_TEMPLATE_SCHEMA):
        raise RuntimeError("The template schema is missing: run migrate_schemas.")
    # DATA mode copies the template's rows too: its django_migrations (so nothing needs
    # faking) and the seeded reference data (languages, levels).
    CloneSchema().clone_schema(settings.TENANT_TEMPLATE_SCHEMA, schema_name, "DATA")


@transaction.atomic
def school_create(
    *,
    name: str,
    subdomain: str,
    time_zone: str,
    currency: str,
    owner_name: str,
    owner_email: str,
    owner_password: str,
    default_language: str = "ru",
    languages_taught: list[str] | None = None,
) -> NewSchool:
    """Create a school with its schema, domain and manager, in one transaction.

    Postgres DDL is transactional: a failure at any step leaves no schema, no School
    and no Domain behind.
    """
    from tenant_apps.accounts.services import login_link_create, user_create

    connection.set_schema_to_public()
    subdomain_validate(subdomain)
    school = School(
        schema_name=schema_name_for(subdomain),
        name=name,
        time_zone=time_zone,
        currency=currency,
        default_language=default_language,
        languages_taught=languages_taught if languages_taught is not None else ["en", "zh"],
    )
    school.save()
    domain = Domain.objects.create(domain=school_host(subdomain), tenant=school, is_primary=True)
    _schema_clone_from_template(school.schema_name)
    with schema_context(school.schema_name):
        owner = user_create(
            email=owner_email, password=owner_password, full_name=owner_name, is_manager=True,
            language=default_language,
        )
        token = login_link_create(user=owner)
    return NewSchool(
        school=school, owner_id=owner.pk, login_url=school_url(domain.domain, f"/accounts/login-link/{token}/")
    )


@transaction.atomic
def school_suspend(*, school: School, reason: str = "") -> School:
    """Take the school's site offline (its data stays); it shows a "suspended" page."""
    connection.set_schema_to_public()
    school.is_suspended = True
    school.suspended_reason = reason
    school.save(update_fields=["is_suspended", "suspended_reason"])
    return school


@transaction.atomic
def school_reactivate(*, school: School) -> School:
    connection.set_schema_to_public()
    school.is_suspended = False
    school.suspended_reason = ""
    school.save(update_fields=["is_suspended", "suspended_reason"])
    return school
