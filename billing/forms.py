from django import forms
from django.utils.translation import gettext_lazy as _

from billing.models import Product


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
