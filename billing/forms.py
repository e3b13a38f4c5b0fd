from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from billing.models import Product
from billing.money import to_minor
from shared_apps.tenants.models import School


class ProductForm(forms.ModelForm):
    class Meta:
        model = Product
        fields = [
            "name", "lessons", "lesson_minutes", "price", "old_price", "validity_days", "language",
            "native_speaker", "is_extension", "is_active", "position",
        ]

    def clean(self):
        cleaned = super().clean()
        price, old_price = cleaned.get("price"), cleaned.get("old_price")
        if price is not None and old_price is not None and old_price <= price:
            self.add_error("old_price", _("The old price must be higher than the price."))
        return cleaned


class CheckoutForm(forms.Form):
    product = forms.IntegerField(widget=forms.HiddenInput)
    enrollment = forms.IntegerField(widget=forms.HiddenInput)


# Free lessons ---------------------------------------------------------------------------------
class PromoCodeForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=32,
                           help_text=_("3 to 32 letters, digits, - or _; case does not matter."))
    lessons = forms.IntegerField(label=_("Free lessons"), min_value=1, max_value=50, initial=1)
    max_uses = forms.IntegerField(label=_("Number of uses"), min_value=1, max_value=100_000, initial=1,
                                  help_text=_("How many students may redeem it."))
    valid_until = forms.DateField(label=_("Valid until (inclusive)"), required=False,
                                  widget=forms.DateInput(attrs={"type": "date"}), help_text=_("Empty: no end."))


class RedeemForm(forms.Form):
    code = forms.CharField(label=_("Promo code"), max_length=64,
                           widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}))
    enrollment = forms.ModelChoiceField(label=_("For which language"), queryset=None, required=False,
                                        empty_label=None)

    def __init__(self, *args, student, **kwargs):
        super().__init__(*args, **kwargs)
        enrollments = student.enrollments.filter(is_active=True).select_related("language")
        self.fields["enrollment"].queryset = enrollments
        self.fields["enrollment"].label_from_instance = lambda enrollment: enrollment.language.display_name
        if len(self.fields["enrollment"].queryset) < 2:
            del self.fields["enrollment"]  # placed on the only language, or waits until there is one


class PlaceGrantForm(forms.Form):
    enrollment = forms.IntegerField(widget=forms.HiddenInput)


class ReferralSettingsForm(forms.ModelForm):
    class Meta:
        model = School
        fields = ["referral_newcomer_lessons", "referral_referrer_lessons"]


# Money back and corrections -------------------------------------------------------------------
class RefundForm(forms.Form):
    amount = forms.DecimalField(label=_("Amount to return"), min_value=Decimal("0.01"), decimal_places=2,
                                max_digits=12)
    lessons_removed = forms.IntegerField(label=_("Lessons to take off the pass"), min_value=0, initial=0,
                                         help_text=_("Free lessons of the pass that leave with the money."))
    reason = forms.CharField(label=_("Reason"), max_length=255)

    def amount_minor(self, currency: str) -> int:
        return to_minor(self.cleaned_data["amount"], currency)


class AdjustForm(forms.Form):
    change = forms.IntegerField(label=_("Change, lessons"), min_value=-100, max_value=100,
                                help_text=_("Positive adds lessons, negative takes them off."))
    reason = forms.CharField(label=_("Reason"), max_length=255)

    def clean_change(self):
        change = self.cleaned_data["change"]
        if change == 0:
            raise forms.ValidationError(_("The change cannot be zero."))
        return change


class ProviderForm(forms.ModelForm):
    class Meta:
        model = School
        fields = ["payment_provider"]
        widgets = {"payment_provider": forms.RadioSelect}
