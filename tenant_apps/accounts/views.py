from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django.views.i18n import set_language

from tenant_apps.accounts.forms import InvitationAcceptForm
from tenant_apps.accounts.localtime import zone_label, zone_or_none
from tenant_apps.accounts.models import User
from tenant_apps.accounts.services import (
    InvitationInvalid,
    LoginLinkInvalid,
    invitation_accept,
    invitation_for_token,
    login_link_redeem,
    user_language_set,
    user_time_zone_set,
)

_BACKEND = "django.contrib.auth.backends.ModelBackend"


@require_GET
def login_link(request, token):
    """Logs in the owner who just signed the school up (cookies stay on this host)."""
    try:
        user = login_link_redeem(token=token)
    except LoginLinkInvalid:
        return render(request, "accounts/login_link_invalid.html", status=400)
    login(request, user, backend=_BACKEND)
    return redirect("areas:me")


def invitation(request, token):
    """The invitee sets a password (or, holding an account already, accepts the new roles)."""
    try:
        pending = invitation_for_token(token=token)
    except InvitationInvalid:
        return render(request, "accounts/invitation_invalid.html", status=400)
    existing = User.objects.filter(email__iexact=pending.email).first()
    if existing is not None:
        return _accept_for_existing_account(request, token, pending, existing)
    form = InvitationAcceptForm(request.POST or None, email=pending.email, initial={"full_name": pending.full_name})
    if request.method == "POST" and form.is_valid():
        try:
            user = invitation_accept(
                token=token, password=form.cleaned_data["password1"], full_name=form.cleaned_data["full_name"]
            )
        except InvitationInvalid:
            return render(request, "accounts/invitation_invalid.html", status=400)
        login(request, user, backend=_BACKEND)
        messages.success(request, _("Welcome! Your account is ready."))
        return redirect("areas:me")
    status = 422 if request.method == "POST" else 200
    return render(request, "accounts/invitation.html", {"form": form, "invitation": pending}, status=status)


def _accept_for_existing_account(request, token, pending, existing):
    if request.user != existing:
        login_url = reverse("account_login") + "?next=" + request.path
        return render(
            request, "accounts/invitation_login_first.html", {"invitation": pending, "login_url": login_url}
        )
    if request.method == "POST":
        invitation_accept(token=token, password=None)
        messages.success(request, _("Your new roles are active."))
        return redirect("areas:me")
    return render(request, "accounts/invitation_existing.html", {"invitation": pending})


@require_POST
def language_set(request):
    """The header's language switch: Django's cookie, and for a logged-in person their profile too.

    The profile's language wins over the cookie on every later page (and in emails), so changing
    only the cookie would be undone on the next page.
    """
    response = set_language(request)
    language = request.POST.get("language")
    if request.user.is_authenticated and language in {code for code, _name in settings.LANGUAGES}:
        user_language_set(user=request.user, language=language)
    return response


_ZONE_PROMPT_KEPT = "zone_prompt_kept"


@require_POST
@login_required
def zone_choose(request):
    """The answer to "Your device is in New York; show times in New York time?"."""
    zone = zone_or_none(request.POST.get("time_zone"))
    if zone is None:
        return HttpResponseBadRequest(_("Unknown time zone."))
    if request.POST.get("answer") == "switch":
        user_time_zone_set(user=request.user, time_zone=zone.key)
        messages.success(request, _("Times are now shown in %(zone)s.") % {"zone": zone_label(zone)})
    else:
        request.session[_ZONE_PROMPT_KEPT] = zone.key  # not asked again for this device zone
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("areas:me")
    return redirect(target)


def zone_prompt_wanted(request) -> bool:
    """A person whose profile zone differs from their device's, who has not said "keep mine" to it."""
    device = getattr(request, "device_zone", None)
    user = request.user
    return (
        device is not None
        and user.is_authenticated
        and bool(user.time_zone)
        and device.key != user.time_zone
        and request.session.get(_ZONE_PROMPT_KEPT) != device.key
    )
