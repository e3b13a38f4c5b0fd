"""The platform operators' admin: schools (suspend, reactivate) and their domains."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from shared_apps.tenants.models import Domain, School
from shared_apps.tenants.services import school_reactivate, school_suspend
from tenant_apps.accounts.admin_site import platform_admin_site


class DomainInline(admin.TabularInline):
    model = Domain
    extra = 0


@admin.register(School, site=platform_admin_site)
class SchoolAdmin(admin.ModelAdmin):
    list_display = ["name", "schema_name", "primary_domain", "time_zone", "currency", "is_suspended", "created_at"]
    list_filter = ["is_suspended", "currency", "payment_provider", "default_language"]
    search_fields = ["name", "schema_name", "domains__domain"]
    readonly_fields = ["schema_name", "created_at"]
    inlines = [DomainInline]
    actions = ["suspend", "reactivate"]

    def get_queryset(self, request):
        # The platform's own row and the template are not schools to manage.
        return (
            super().get_queryset(request).exclude(schema_name="public").exclude(is_template=True)
            .prefetch_related("domains")
        )

    def has_add_permission(self, request):
        return False  # schools are created by signup, which clones the template schema

    def has_delete_permission(self, request, obj=None):
        return False  # dropping a school's schema is an operation, not a click

    @admin.display(description=_("domain"))
    def primary_domain(self, school):
        return next((d.domain for d in school.domains.all() if d.is_primary), "")

    @admin.action(description=_("Suspend the selected schools"))
    def suspend(self, request, queryset):
        for school in queryset:
            school_suspend(school=school, reason=str(_("Suspended by the platform")))
        self.message_user(
            request, ngettext("%d school suspended.", "%d schools suspended.", len(queryset)) % len(queryset),
            messages.SUCCESS,
        )

    @admin.action(description=_("Reactivate the selected schools"))
    def reactivate(self, request, queryset):
        for school in queryset:
            school_reactivate(school=school)
        self.message_user(
            request, ngettext("%d school reactivated.", "%d schools reactivated.", len(queryset)) % len(queryset),
            messages.SUCCESS,
        )


@admin.register(Domain, site=platform_admin_site)
class DomainAdmin(admin.ModelAdmin):
    list_display = ["domain", "tenant", "is_primary"]
    list_filter = ["is_primary"]
    search_fields = ["domain", "tenant__name"]
    autocomplete_fields = ["tenant"]
