from allauth.account.forms import SignupForm
from django import forms
from django.utils.translation import gettext_lazy as _


class StudentSignupForm(SignupForm):
    """Self-registration on a school's site: the new account is a student's."""

    full_name = forms.CharField(label=_("Your name"), max_length=150)

    field_order = ["full_name", "email", "password1", "password2"]
