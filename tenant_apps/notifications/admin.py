from django.contrib import admin

from tenant_apps.accounts.admin_site import school_admin_site
from tenant_apps.notifications.models import Delivery, Notification, Preference, Reminder, TelegramLink


class DeliveryInline(admin.TabularInline):
    model = Delivery
    extra = 0
    readonly_fields = ["channel", "status", "attempts", "last_error", "sent_at"]
    can_delete = False


@admin.register(Notification, site=school_admin_site)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["title", "recipient", "kind", "created_at", "read_at"]
    list_filter = ["kind", "read_at"]
    search_fields = ["title", "body", "recipient__email", "recipient__full_name"]
    list_select_related = ["recipient"]
    raw_id_fields = ["recipient"]
    inlines = [DeliveryInline]


@admin.register(Delivery, site=school_admin_site)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["notification", "channel", "status", "attempts", "sent_at"]
    list_filter = ["channel", "status"]
    search_fields = ["notification__title", "notification__recipient__email", "last_error"]
    list_select_related = ["notification"]
    raw_id_fields = ["notification"]


@admin.register(Preference, site=school_admin_site)
class PreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "channel", "enabled"]
    list_filter = ["channel", "enabled", "kind"]
    search_fields = ["user__email", "kind"]
    raw_id_fields = ["user"]


@admin.register(TelegramLink, site=school_admin_site)
class TelegramLinkAdmin(admin.ModelAdmin):
    list_display = ["user", "username", "chat_id", "linked_at"]
    search_fields = ["user__email", "username"]
    raw_id_fields = ["user"]


@admin.register(Reminder, site=school_admin_site)
class ReminderAdmin(admin.ModelAdmin):
    """What was sent, read-only. Deleting a row lets that reminder go out again on the next run."""

    list_display = ["key", "recipient", "kind", "due_at", "sent_at"]
    list_filter = ["kind", "sent_at"]
    search_fields = ["key", "recipient__email", "recipient__full_name"]
    list_select_related = ["recipient"]
    raw_id_fields = ["recipient", "notification"]
    date_hierarchy = "sent_at"
    readonly_fields = ["key", "recipient", "kind", "subject_version", "due_at", "sent_at", "notification"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
