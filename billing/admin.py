from django import forms
from django.contrib import admin
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

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
from billing.services import credit_adjust, free_credits, pass_create_by_hand
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


class PassAddForm(forms.ModelForm):
    class Meta:
        model = Pass
        fields = ["enrollment", "product", "lessons", "starts_at", "valid_until"]

    def clean_lessons(self):
        if self.cleaned_data["lessons"] < 1:
            raise forms.ValidationError(_("A pass has at least one lesson."))
        return self.cleaned_data["lessons"]


class PassChangeForm(forms.ModelForm):
    """An existing pass: its credits change only through the ledger (a manager's adjustment)."""

    credit_change = forms.IntegerField(
        label=_("Change the credits by"), required=False,
        help_text=_("e.g. 2 or -1; the agreed weekly plan is booked into added credits."),
    )
    credit_reason = forms.CharField(label=_("Why"), required=False, max_length=255)

    class Meta:
        model = Pass
        fields = ["valid_until"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("credit_change") and not (cleaned.get("credit_reason") or "").strip():
            self.add_error("credit_reason", _("Say why the credits change."))
        elif cleaned.get("credit_change") and free_credits(self.instance) + cleaned["credit_change"] < 0:
            self.add_error("credit_change", _("There are no free lessons left on this pass."))
        return cleaned


@admin.register(Pass, site=school_admin_site)
class PassAdmin(admin.ModelAdmin):
    """Adding a pass writes its credits to the ledger and books the plan (billing.services.pass_create_by_hand);
    changing one adjusts credits through `credit_adjust`. Either way the ledger keeps every row."""

    list_display = ["enrollment", "product", "lessons", "starts_at", "valid_until"]
    list_filter = ["product"]
    search_fields = ["enrollment__student__email", "enrollment__student__full_name"]
    list_select_related = ["enrollment__student", "enrollment__language", "product"]
    raw_id_fields = ["enrollment", "product", "payment", "carried_from"]
    inlines = [LedgerInline]

    def get_form(self, request, obj=None, **kwargs):
        kwargs["form"] = PassAddForm if obj is None else PassChangeForm
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["enrollment", "product", "lessons", "starts_at", "valid_until"]
        return ["enrollment", "product", "payment", "lessons", "starts_at", "valid_until", "carried_from",
                "credit_change", "credit_reason"]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else ["enrollment", "product", "payment", "lessons", "starts_at", "carried_from"]

    def save_model(self, request, obj, form, change):
        if not change:
            created = pass_create_by_hand(
                enrollment=obj.enrollment, product=obj.product, lessons=obj.lessons, by=request.user,
                starts_at=obj.starts_at, valid_until=obj.valid_until,
                reason=gettext("added in the admin by %(who)s") % {"who": request.user.get_full_name()},
            )
            obj.pk, obj._state.adding = created.pk, False
            return
        super().save_model(request, obj, form, change)
        if form.cleaned_data.get("credit_change"):
            credit_adjust(lesson_pass=obj, change=form.cleaned_data["credit_change"], by=request.user,
                          reason=form.cleaned_data["credit_reason"])


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
