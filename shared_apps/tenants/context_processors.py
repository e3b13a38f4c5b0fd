from django.conf import settings
from django_tenants.utils import get_public_schema_name


def school(request):
    """`school` for a school's pages (None on the platform site) and the platform's URL."""
    tenant = getattr(request, "tenant", None)
    is_school = tenant is not None and tenant.schema_name != get_public_schema_name()
    return {
        "school": tenant if is_school else None,
        "platform_url": settings.SCHOOL_URL_TEMPLATE.format(host=settings.PLATFORM_DOMAIN),
    }
