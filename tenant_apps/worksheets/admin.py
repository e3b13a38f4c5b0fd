"""The school admin's view of worksheets: every record can be opened, searched and edited.

Files sit in the private storage (no public URL), so their widget names the file instead of linking it.
"""

from django.contrib import admin

from tenant_apps.accounts.admin_site import school_admin_site
from tenant_apps.materials.admin import PrivateFilesAdmin
from tenant_apps.worksheets.models import Attempt, LiveWorksheet, Share, Worksheet, WorksheetFile


@admin.register(Worksheet, site=school_admin_site)
class WorksheetAdmin(admin.ModelAdmin):
    list_display = ["title", "owner", "material", "updated_at"]
    list_filter = ["updated_at"]
    search_fields = ["title", "instructions", "owner__email", "owner__full_name"]
    raw_id_fields = ["owner", "background", "material"]
    list_select_related = ["owner", "material"]


@admin.register(WorksheetFile, site=school_admin_site)
class WorksheetFileAdmin(PrivateFilesAdmin):
    list_display = ["file_name", "worksheet", "kind", "content_type", "created_at"]
    list_filter = ["kind"]
    search_fields = ["worksheet__title", "file"]
    raw_id_fields = ["worksheet"]
    readonly_fields = ["file_name", "content_type", "pages"]
    exclude = ["file"]
    list_select_related = ["worksheet"]


@admin.register(Share, site=school_admin_site)
class ShareAdmin(admin.ModelAdmin):
    list_display = ["worksheet", "student", "created_at"]
    list_filter = ["created_at"]
    search_fields = ["worksheet__title", "student__email", "student__full_name"]
    raw_id_fields = ["worksheet", "student"]
    list_select_related = ["worksheet", "student"]


@admin.register(Attempt, site=school_admin_site)
class AttemptAdmin(admin.ModelAdmin):
    list_display = ["worksheet", "student", "lesson", "started_at", "submitted_at", "score", "max_score"]
    list_filter = ["submitted_at", "started_at"]
    search_fields = ["worksheet__title", "student__email", "student__full_name"]
    raw_id_fields = ["worksheet", "student", "lesson"]
    list_select_related = ["worksheet", "student", "lesson"]


@admin.register(LiveWorksheet, site=school_admin_site)
class LiveWorksheetAdmin(admin.ModelAdmin):
    list_display = ["lesson", "worksheet", "revealed", "pushed_at"]
    list_filter = ["revealed", "pushed_at"]
    search_fields = ["worksheet__title", "lesson__student__email", "lesson__teacher__email"]
    raw_id_fields = ["lesson", "worksheet"]
    list_select_related = ["lesson", "worksheet"]
