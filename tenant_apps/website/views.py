"""The school's public site and the visitor's side of the trial-lesson funnel."""

import mimetypes
from datetime import date, timedelta

from allauth.account.adapter import get_adapter as get_account_adapter
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.forms import SetPasswordForm
from django.core.exceptions import PermissionDenied, SuspiciousFileOperation, ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tenant_apps.scheduling.trials import TRIAL_DAYS, TRIAL_MINUTES, methodologist_free_slots
from tenant_apps.website import services
from tenant_apps.website.cache import cached_fragment
from tenant_apps.website.forms import PREFERRED_HOURS, TrialBookingForm, preferred_value
from tenant_apps.website.media_access import can_open_media
from tenant_apps.website.models import TrialBooking
from tenant_apps.website.selectors import group_slots_by_day, home_context, site_profile, teachers_for_site

_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _site():
    """The site settings, cached with the pages (the header's logo and colours are on every public page)."""
    return cached_fragment("site", "-", site_profile)


def home(request):
    """The school's home page. Its content is cached per school and language: a warm hit reads no SQL."""
    language, site = translation.get_language(), _site()
    body = cached_fragment(
        "home", language,
        lambda: render_to_string("website/_home_body.html", {**home_context(site), "school": request.tenant}),
    )
    return render(request, "website/home.html", {"body": body, "site": site})


# The site's own pages: the home page's sections, each on a page of its own (cached the same way).
_PAGES = {
    "process": ("website/_section_how.html", gettext_lazy("How it works"),
                gettext_lazy("From a free intro lesson to your own teacher and weekly schedule, step by step.")),
    "teachers": ("website/_section_teachers.html", gettext_lazy("Teachers"),
                 gettext_lazy("Our teachers, their languages and a short video from each.")),
    "prices": ("website/_section_prices.html", gettext_lazy("Prices"),
               gettext_lazy("Packages of one-to-one lessons and what they cost.")),
}


def _page(request, name: str, *, template: str, title: str, description: str, extra=None):
    language, site = translation.get_language(), _site()

    def build():
        context = {**home_context(site), **(extra or {}), "school": request.tenant, "standalone": True}
        return render_to_string(template, context)

    body = cached_fragment(name, language, build)
    context = {"body": body, "site": site, "page_title": title, "page_description": description}
    return render(request, "website/page.html", context)


def site_page(request, name):
    template, title, description = _PAGES[name]
    return _page(request, name, template=template, title=title, description=description)


def teacher_page(request, pk):
    """One teacher's page (a teacher the site shows; any other is a 404) with their video."""
    teacher = next((teacher for teacher in teachers_for_site() if teacher.pk == pk), None)
    if teacher is None:
        raise Http404
    bio = teacher.profile.bio.splitlines()[0] if teacher.profile and teacher.profile.bio else ""
    return _page(request, f"teacher-{pk}", template="website/_teacher_page.html", title=teacher.get_full_name(),
                 description=bio, extra={"teacher": teacher})


def _preferred_grid(form):
    """Rows of (hour, [(weekday, checkbox)]) for the template's weekly grid."""
    boxes = {box.data["value"]: box for box in form["preferred"]}
    return [(at, [boxes[preferred_value(day, at)] for day in range(7)]) for at in PREFERRED_HOURS]


def trial(request):
    """Book a free intro lesson: as a visitor (an account is made) or as a signed-in student."""
    user = request.user
    signed_in = user.is_authenticated
    staff_only = signed_in and not user.is_student
    if staff_only and request.method == "POST":
        raise PermissionDenied
    zone = timezone.get_current_timezone()
    form = TrialBookingForm(request.POST or None, signed_in=signed_in, initial={"time_zone": zone.key})
    if request.method == "POST":
        if form.bot:
            # Said politely and identically to a real booking, so the bot learns nothing; nothing is made.
            return redirect("website:trial_booked")
        # The same client address as allauth's login limits (it honours the trusted-proxy settings).
        address = get_account_adapter(request).get_client_ip(request)
        if not services.booking_allowed(address):
            return render(request, "website/trial_too_many.html", {"site": _site()}, status=429)
        if form.is_valid():
            data = form.cleaned_data
            try:
                booked = services.trial_book(
                    language=data["language"], starts_at=data["starts_at"], goal=data["goal"],
                    preferred_times=data["preferred"], time_zone=data["time_zone"], phone=data.get("phone", ""),
                    student=user if signed_in else None, email=data.get("email", ""),
                    full_name=data.get("full_name", ""), interface_language=translation.get_language(),
                    welcome_url_builder=lambda token: request.build_absolute_uri(
                        reverse("website:trial_welcome", args=[token])
                    ),
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                services.booking_counted(address)
                request.session["trial_booking"] = booked.booking.pk
                return redirect("website:trial_booked")
    free = methodologist_free_slots()
    context = {
        "form": form, "site": _site(), "days": group_slots_by_day(free, zone), "zone": zone.key,
        "grid": _preferred_grid(form), "chosen": _instant_or_none(form.data.get("starts_at", "")),
        "slot_days": TRIAL_DAYS,
        "minutes": TRIAL_MINUTES, "weekdays_short": _weekdays_short(), "staff_only": staff_only,
    }
    return render(request, "website/trial.html", context, status=422 if request.method == "POST" else 200)


def _instant_or_none(value: str):
    try:
        return parse_datetime(value)
    except ValueError:
        return None


def _weekdays_short() -> list[str]:
    monday = date(2024, 1, 1)
    return [formats.date_format(monday + timedelta(days=n), "D") for n in range(7)]


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    elif error.code in ("past", "taken"):
        form.add_error("starts_at", error)
    else:
        form.add_error(None, error)


def trial_booked(request):
    booking = None
    pk = request.session.get("trial_booking")
    if pk is not None:
        booking = (
            TrialBooking.objects.select_related("lesson", "methodologist", "language", "student").filter(pk=pk).first()
        )
    return render(request, "website/trial_booked.html", {"booking": booking, "site": _site()})


def trial_welcome(request, token):
    """The link in the visitor's email: confirms the address and sets a password, then logs in."""
    from allauth.account.models import EmailAddress, EmailConfirmationHMAC

    user = services.user_for_welcome_token(token)
    if user is None:
        return render(request, "website/trial_welcome_invalid.html", {"site": _site()}, status=400)
    if user.has_usable_password():
        messages.info(request, _("Your email is confirmed already. Please log in."))
        return redirect("account_login")
    form = SetPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.save()
        address = EmailAddress.objects.filter(user=user, email__iexact=user.email).first()
        if address is not None and not address.verified:
            EmailConfirmationHMAC(address).confirm(request)
        login(request, user, backend=_BACKEND)
        messages.success(request, _("Your email is confirmed and your password is set. Welcome!"))
        return redirect("areas:student")
    status = 422 if request.method == "POST" else 200
    context = {"form": form, "student": user, "site": _site()}
    return render(request, "website/trial_welcome.html", context, status=status)


def media(request, path):
    """An uploaded file of this school, if the asker may see it (`media_access`); 404 otherwise.

    Storage is per schema, so another school's file is absent whoever asks.
    """
    if not can_open_media(request.user, path):
        raise Http404
    try:
        if not default_storage.exists(path):
            raise Http404
        handle = default_storage.open(path, "rb")
    except (SuspiciousFileOperation, IsADirectoryError, ValueError) as error:
        raise Http404 from error
    content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
    response = FileResponse(handle, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response
