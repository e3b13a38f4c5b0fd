"""The manager edits the public site in the school's admin (school_admin_site only)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from tenant_apps.accounts.admin_site import school_admin_site
from tenant_apps.website.models import Review, SiteProfile, TrialBooking


@admin.register(SiteProfile, site=school_admin_site)
class SiteProfileAdmin(admin.ModelAdmin):
    """One row per school (pk 1): once it exists, the list shows it and there is nothing to add."""

    list_display = ["__str__", "tagline", "contact_email", "updated_at"]
    search_fields = ["tagline", "about", "contact_email"]

    fieldsets = [
        (_("Home page"), {"fields": ["tagline", "about", "free_lessons"]}),
        (_("Search engines"), {"fields": ["meta_description"]}),
        (_("Look"), {"fields": ["logo", "primary_colour", "accent_colour"],
                     "description": _("Colours must stay readable on white: darker shades work best.")}),
        (_("Contact"), {"fields": ["contact_email", "contact_phone", "contact_telegram"]}),
    ]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not SiteProfile.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        obj.pk = 1
        super().save_model(request, obj, form, change)


@admin.register(Review, site=school_admin_site)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ["author", "rating", "is_published", "position", "created_at"]
    list_editable = ["is_published", "position"]
    list_filter = ["is_published", "rating"]
    search_fields = ["author", "text"]


@admin.register(TrialBooking, site=school_admin_site)
class TrialBookingAdmin(admin.ModelAdmin):
    # Bookings are made by the funnel (a lesson, an account, notifications): the admin reads them.
    list_display = ["student", "language", "methodologist", "lesson", "outcome", "created_at"]
    list_filter = ["outcome", "language", "methodologist"]
    list_select_related = ["student", "language", "methodologist", "lesson__student", "lesson__teacher"]
    search_fields = ["student__email", "student__full_name", "goal", "phone"]
    readonly_fields = [field.name for field in TrialBooking._meta.fields]

    def has_add_permission(self, request):
        return False
