from django import forms
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from shared_apps.tenants.models import TIME_ZONE_CHOICES, Currency, TaughtLanguage, UiLanguage
from shared_apps.tenants.services import subdomain_validate


class SchoolSignupForm(forms.Form):
    name = forms.CharField(label=_("School name"), max_length=120)
    subdomain = forms.CharField(
        label=_("Address"),
        max_length=63,
        help_text=_("Lowercase Latin letters, digits and hyphens. Your school will live at <address>.%(domain)s"),
    )
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=TIME_ZONE_CHOICES, initial="Europe/Moscow")
    currency = forms.ChoiceField(label=_("Currency"), choices=Currency.choices, initial=Currency.RUB)
    default_language = forms.ChoiceField(label=_("Site language"), choices=UiLanguage.choices, initial="ru")
    languages_taught = forms.MultipleChoiceField(
        label=_("Languages you teach"),
        choices=TaughtLanguage.choices,
        initial=["en", "zh"],
        widget=forms.CheckboxSelectMultiple,
    )
    owner_name = forms.CharField(label=_("Your name"), max_length=150)
    owner_email = forms.EmailField(label=_("Your email"))
    owner_password = forms.CharField(
        label=_("Password"), widget=forms.PasswordInput(render_value=False), strip=False, min_length=8
    )
    # A field people never see: bots fill it, and then nothing is created.
    website = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, platform_domain: str = "localhost", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subdomain"].help_text = self.fields["subdomain"].help_text % {"domain": platform_domain}

    def clean_subdomain(self):
        subdomain = self.cleaned_data["subdomain"].strip().lower()
        subdomain_validate(subdomain)
        return subdomain

    def clean_owner_email(self):
        return self.cleaned_data["owner_email"].strip().lower()

    def clean_website(self):
        if self.cleaned_data.get("website"):
            raise ValidationError(_("Please leave the hidden field empty."))
        return ""

    def clean(self):
        cleaned = super().clean()
        password = cleaned.get("owner_password")
        if password:
            try:
                password_validation.validate_password(password)
            except ValidationError as error:
                self.add_error("owner_password", error)
        return cleaned
