"""allauth, fitted to schools: students sign themselves up; the platform site has no signup."""

from types import SimpleNamespace

from allauth.account.adapter import DefaultAccountAdapter
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import ngettext

from tenant_apps.accounts import throttle


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

    def pre_authenticate(self, request, **credentials):
        """Say how long to wait, rather than "wrong password", while the throttle holds (throttle.py)."""
        super().pre_authenticate(request, **credentials)
        seconds = throttle.seconds_to_wait(throttle.Attempt.of(request, credentials))
        if seconds > 0:
            raise ValidationError(
                ngettext(
                    "Too many failed login attempts. Try again in %(seconds)d second.",
                    "Too many failed login attempts. Try again in %(seconds)d seconds.",
                    seconds,
                ) % {"seconds": seconds},
                code="too_many_login_attempts",
            )

    def post_login(self, request, user, **kwargs):
        """Remember this browser as a known device of the account: it is never throttled by others' failures."""
        response = super().post_login(request, user, **kwargs)
        throttle.remember_device(request, response, user.email)
        return response

    def get_login_redirect_url(self, request):
        return reverse("areas:me")

    def get_email_confirmation_url(self, request, emailconfirmation):
        return super().get_email_confirmation_url(request, emailconfirmation)

    def send_mail(self, template_prefix, email, context):
        # allauth greets with the site's name, which without django.contrib.sites is the host
        # ("panda.localhost:8000"): a school's emails greet with the school's name.
        school = getattr(self.request, "tenant", None) if hasattr(self, "request") else None
        if school is not None and _is_school(self.request):
            site = context.get("current_site")
            context["current_site"] = SimpleNamespace(name=school.name, domain=getattr(site, "domain", ""))
        super().send_mail(template_prefix, email, context)

    def format_email_subject(self, subject):
        school = getattr(self.request, "tenant", None) if hasattr(self, "request") else None
        prefix = f"[{school.name}] " if school is not None and _is_school(self.request) else ""
        return prefix + str(subject)
