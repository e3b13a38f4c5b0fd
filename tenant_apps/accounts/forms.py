from allauth.account.forms import SignupForm
from django import forms
from django.utils.translation import gettext_lazy as _


class StudentSignupForm(SignupForm):
    """Self-registration on a school's site: the new account is a student's."""

    full_name = forms.CharField(label=_("Your name"), max_length=150)

    field_order = ["full_name", "email", "password1", "password2"]


class InvitationAcceptForm(forms.Form):
    """The invitee chooses their name and password."""

    full_name = forms.CharField(label=_("Your name"), max_length=150)
    password1 = forms.CharField(label=_("Password"), widget=forms.PasswordInput, strip=False)
    password2 = forms.CharField(label=_("Password (again)"), widget=forms.PasswordInput, strip=False)

    def __init__(self, *args, email: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self):
        from django.contrib.auth import password_validation

        from tenant_apps.accounts.models import User

        cleaned = super().clean()
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords differ."))
        elif first:
            try:
                password_validation.validate_password(
                    first, User(email=self.email, full_name=cleaned.get("full_name", ""))
                )
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned
