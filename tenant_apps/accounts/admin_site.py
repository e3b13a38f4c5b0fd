"""The two admin sites: a school's (its managers, its schema) and the platform's (operators).

They are separate registries so that a school's admin can never list public-schema models
such as School, which its search path could otherwise reach.
"""

from django.contrib.admin import AdminSite
from django.utils.translation import gettext_lazy as _


class SchoolAdminSite(AdminSite):
    site_header = _("School administration")
    site_title = _("School admin")
    index_title = _("Every record of the school")

    def has_permission(self, request):
        user = request.user
        return user.is_active and user.is_authenticated and user.is_manager

    def each_context(self, request):
        context = super().each_context(request)
        school = getattr(request, "tenant", None)
        if school is not None:
            context["site_header"] = school.name
        return context


class PlatformAdminSite(AdminSite):
    site_header = _("Panda platform administration")
    site_title = _("Panda platform")
    index_title = _("Schools and operators")

    def has_permission(self, request):
        user = request.user
        return user.is_active and user.is_authenticated and user.is_staff


school_admin_site = SchoolAdminSite(name="school_admin")
platform_admin_site = PlatformAdminSite(name="platform_admin")
