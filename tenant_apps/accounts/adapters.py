"""allauth, fitted to schools: students sign themselves up; the platform site has no signup."""

from allauth.account.adapter import DefaultAccountAdapter
from django.urls import reverse


def _is_school(request) -> bool:
    school = getattr(request, "tenant", None)
    return school is not None and school.schema_name != "public"


class SchoolAccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        # Only a school's site takes self-registration, and only of students.
        return _is_school(request)

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        user.full_name = form.cleaned_data.get("full_name", "")
        user.is_student = True
        user.language = getattr(request, "LANGUAGE_CODE", "") or ""
        if commit:
            user.save()
        return user

    def get_login_redirect_url(self, request):
        return reverse("areas:me")

    def get_email_confirmation_url(self, request, emailconfirmation):
        return super().get_email_confirmation_url(request, emailconfirmation)

    def format_email_subject(self, subject):
        school = getattr(self.request, "tenant", None) if hasattr(self, "request") else None
        prefix = f"[{school.name}] " if school is not None and _is_school(self.request) else ""
        return prefix + str(subject)
