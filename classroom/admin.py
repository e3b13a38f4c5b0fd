from django.contrib import admin

from classroom.models import ChatMessage
from tenant_apps.accounts.admin_site import school_admin_site


@admin.register(ChatMessage, site=school_admin_site)
class ChatMessageAdmin(admin.ModelAdmin):
    """Read-only: a lesson's chat is what its two people wrote; the admin shows it (disputes), never edits it."""

    list_display = ["created_at", "lesson", "author", "body"]
    list_select_related = ["lesson__teacher", "lesson__student", "author"]
    search_fields = ["body", "author__email", "author__full_name"]
    raw_id_fields = ["lesson", "author"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
