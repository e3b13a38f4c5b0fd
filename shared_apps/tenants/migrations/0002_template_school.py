"""The platform's own row (public schema, on the bare domain) and the template school: `migrate_schemas` migrates its schema with every other school's,
and new schools are cloned from it."""

from django.conf import settings
from django.db import migrations


def create_platform_and_template(apps, schema_editor):
    School = apps.get_model("tenants", "School")
    Domain = apps.get_model("tenants", "Domain")
    platform, _created = School.objects.get_or_create(schema_name="public", defaults={"name": "Panda platform"})
    Domain.objects.get_or_create(domain=settings.PLATFORM_DOMAIN, defaults={"tenant": platform, "is_primary": True})
    School.objects.get_or_create(
        schema_name=settings.TENANT_TEMPLATE_SCHEMA, defaults={"name": "Template", "is_template": True}
    )
    schema_editor.execute(f'CREATE SCHEMA IF NOT EXISTS "{settings.TENANT_TEMPLATE_SCHEMA}"')


class Migration(migrations.Migration):
    dependencies = [("tenants", "0001_initial")]
    operations = [migrations.RunPython(create_platform_and_template, migrations.RunPython.noop)]
