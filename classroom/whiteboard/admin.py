from django.contrib import admin

from classroom.whiteboard.models import Board, BoardImage, BoardUpdate
from tenant_apps.accounts.admin_site import school_admin_site


class _ReadOnly(admin.ModelAdmin):
    """A board is what the lesson's two people drew; the admin shows it, never edits it (the Yjs bytes stay out)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Board, site=school_admin_site)
class BoardAdmin(_ReadOnly):
    list_display = ["lesson", "page_count", "element_count", "updated_at"]
    list_select_related = ["lesson__teacher", "lesson__student"]
    search_fields = ["lesson__teacher__email", "lesson__student__email"]
    raw_id_fields = ["lesson"]
    exclude = ["state"]
    date_hierarchy = "updated_at"


@admin.register(BoardUpdate, site=school_admin_site)
class BoardUpdateAdmin(_ReadOnly):
    list_display = ["id", "board", "author", "created_at"]
    list_select_related = ["author"]
    search_fields = ["author__email", "board__lesson__teacher__email", "board__lesson__student__email"]
    raw_id_fields = ["board", "author"]
    exclude = ["data"]


@admin.register(BoardImage, site=school_admin_site)
class BoardImageAdmin(_ReadOnly):
    list_display = ["id", "lesson", "uploaded_by", "content_type", "width", "height", "size", "created_at"]
    list_select_related = ["lesson__teacher", "lesson__student", "uploaded_by"]
    list_filter = ["content_type"]
    search_fields = ["uploaded_by__email", "lesson__teacher__email", "lesson__student__email"]
    raw_id_fields = ["lesson", "uploaded_by"]
    date_hierarchy = "created_at"
