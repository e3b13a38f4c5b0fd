"""Tenant resolution: host → school from the cache, then the school's schema."""

from django.db import connection
from django.shortcuts import render
from django_tenants.middleware.main import TenantMainMiddleware
from django_tenants.utils import get_public_schema_name

from shared_apps.tenants.domain_cache import school_for_host


class CachedTenantMiddleware(TenantMainMiddleware):
    """django-tenants' middleware with a cached domain lookup and suspended schools."""

    def get_tenant(self, domain_model, hostname):
        school = school_for_host(hostname)
        if school is None:
            raise domain_model.DoesNotExist(hostname)
        return school

    def process_request(self, request):
        response = super().process_request(request)
        if response is not None:
            return response
        school = request.tenant
        if school.schema_name != get_public_schema_name() and school.is_suspended:
            connection.set_schema_to_public()
            return render(request, "tenants/suspended.html", {"suspended_school": school}, status=503)
        return None
