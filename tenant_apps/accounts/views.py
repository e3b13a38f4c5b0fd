from django.contrib import messages
from django.contrib.auth import login
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from tenant_apps.accounts.forms import InvitationAcceptForm
from tenant_apps.accounts.models import User
from tenant_apps.accounts.services import (
    InvitationInvalid,
    LoginLinkInvalid,
    invitation_accept,
    invitation_for_token,
    login_link_redeem,
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
