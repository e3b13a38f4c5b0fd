from django.contrib import admin

from tenant_apps.accounts.admin_site import school_admin_site
from tenant_apps.vocabulary.models import Card, Review, Word


@admin.register(Word, site=school_admin_site)
class WordAdmin(admin.ModelAdmin):
    list_display = ["word", "translation", "transcription", "language", "student", "lesson", "added_by", "created_at"]
    list_filter = ["created_at", "language"]
    search_fields = ["word", "translation", "notes", "student__email", "student__full_name"]
    raw_id_fields = ["student", "lesson", "added_by"]
    list_select_related = ["student", "language", "lesson__teacher", "lesson__student", "added_by"]
    exclude = ["image", "image_type", "recording", "recording_type"]


@admin.register(Card, site=school_admin_site)
class CardAdmin(admin.ModelAdmin):
    """A word's spaced-repetition card per direction; FSRS owns its numbers, so they are read-only."""

    list_display = ["word", "student", "direction", "state", "due", "last_review"]
    list_filter = ["direction", "state", "due"]
    search_fields = ["word__word", "student__email", "student__full_name"]
    raw_id_fields = ["word", "student"]
    readonly_fields = ["state", "step", "stability", "difficulty", "last_review"]
    list_select_related = ["word", "student"]


@admin.register(Review, site=school_admin_site)
class ReviewAdmin(admin.ModelAdmin):
    """The review log (the FSRS optimizer's input): kept as it was written."""

    list_display = ["card", "student", "rating", "review_datetime", "review_duration"]
    list_filter = ["rating", "review_datetime"]
    search_fields = ["card__word__word", "student__email", "student__full_name"]
    raw_id_fields = ["card", "student"]
    list_select_related = ["card__word", "student"]
