from django.contrib import admin

from tenant_apps.accounts.admin_site import school_admin_site
from tenant_apps.vocabulary.models import Word


@admin.register(Word, site=school_admin_site)
class WordAdmin(admin.ModelAdmin):
    list_display = ["word", "translation", "transcription", "language", "student", "lesson", "added_by", "created_at"]
    list_filter = ["created_at", "language"]
    search_fields = ["word", "translation", "notes", "student__email", "student__full_name"]
    raw_id_fields = ["student", "lesson", "added_by"]
    list_select_related = ["student", "language", "lesson__teacher", "lesson__student", "added_by"]
    exclude = ["image", "image_type", "recording", "recording_type"]
