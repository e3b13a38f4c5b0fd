from django.contrib import admin

from billing.models import (
    FreeLessonGrant,
    LedgerEntry,
    Pass,
    Payment,
    Product,
    PromoCode,
    Referral,
    ReferralLink,
    Refund,
    Reservation,
    WebhookEvent,
)
from tenant_apps.accounts.admin_site import school_admin_site


class AppendOnlyAdmin(admin.ModelAdmin):
    """History that is written by services only: readable, never edited by hand."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Product, site=school_admin_site)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["name", "lessons", "lesson_minutes", "price", "old_price", "currency", "language", "is_extension",
                    "is_active"]
    list_filter = ["is_active", "is_extension", "native_speaker", "language"]
    search_fields = ["name"]


@admin.register(Payment, site=school_admin_site)
class PaymentAdmin(admin.ModelAdmin):
    list_display = ["created_at", "student", "product", "amount", "currency", "status", "paid_at"]
    list_filter = ["status", "provider", "currency"]
    search_fields = ["student__email", "student__full_name", "provider_session_id", "provider_payment_id"]
    list_select_related = ["student", "product"]
    raw_id_fields = ["student", "enrollment", "product", "extends_pass"]


class LedgerInline(admin.TabularInline):
    model = LedgerEntry
    extra = 0
    can_delete = False
    readonly_fields = ["seq", "kind", "change", "balance_after", "actor", "reason", "lesson_id", "created_at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Pass, site=school_admin_site)
class PassAdmin(admin.ModelAdmin):
    list_display = ["enrollment", "product", "lessons", "starts_at", "valid_until"]
    list_filter = ["product"]
    search_fields = ["enrollment__student__email", "enrollment__student__full_name"]
    list_select_related = ["enrollment__student", "enrollment__language", "product"]
    raw_id_fields = ["enrollment", "product", "payment", "carried_from"]
    inlines = [LedgerInline]


@admin.register(LedgerEntry, site=school_admin_site)
class LedgerEntryAdmin(AppendOnlyAdmin):
    list_display = ["lesson_pass", "seq", "kind", "change", "balance_after", "actor", "created_at"]
    list_filter = ["kind"]
    search_fields = ["lesson_pass__enrollment__student__email", "reason"]
    list_select_related = ["lesson_pass__enrollment__student", "actor"]


@admin.register(Reservation, site=school_admin_site)
class ReservationAdmin(AppendOnlyAdmin):
    list_display = ["lesson_id", "lesson_pass", "lesson_starts_at", "status"]
    list_filter = ["status"]
    search_fields = ["lesson_id"]


@admin.register(WebhookEvent, site=school_admin_site)
class WebhookEventAdmin(AppendOnlyAdmin):
    list_display = ["received_at", "provider", "event_type", "event_id", "outcome"]
    list_filter = ["provider", "event_type", "outcome"]
    search_fields = ["event_id"]


@admin.register(PromoCode, site=school_admin_site)
class PromoCodeAdmin(admin.ModelAdmin):
    list_display = ["code", "lessons", "uses", "max_uses", "expires_at", "is_active", "created_by"]
    list_filter = ["is_active"]
    search_fields = ["code"]
    readonly_fields = ["uses"]
    raw_id_fields = ["created_by"]


@admin.register(FreeLessonGrant, site=school_admin_site)
class FreeLessonGrantAdmin(AppendOnlyAdmin):
    list_display = ["created_at", "student", "lessons", "source", "promo_code", "lesson_pass", "placed_at"]
    list_filter = ["source"]
    search_fields = ["student__email", "student__full_name", "promo_code__code"]
    list_select_related = ["student", "promo_code", "lesson_pass"]


@admin.register(Referral, site=school_admin_site)
class ReferralAdmin(AppendOnlyAdmin):
    list_display = ["created_at", "referrer", "newcomer", "rewarded_at"]
    search_fields = ["referrer__email", "newcomer__email"]
    list_select_related = ["referrer", "newcomer"]


@admin.register(Refund, site=school_admin_site)
class RefundAdmin(AppendOnlyAdmin):
    list_display = ["created_at", "payment", "amount", "lessons_removed", "by", "reason"]
    search_fields = ["payment__student__email", "reason", "provider_refund_id"]
    list_select_related = ["payment__student", "payment__product", "by"]


@admin.register(ReferralLink, site=school_admin_site)
class ReferralLinkAdmin(AppendOnlyAdmin):
    list_display = ["code", "student", "created_at"]
    search_fields = ["code", "student__email", "student__full_name"]
    list_select_related = ["student"]
