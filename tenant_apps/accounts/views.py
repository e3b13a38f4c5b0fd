from django.contrib.auth import login
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from tenant_apps.accounts.services import LoginLinkInvalid, login_link_redeem


@require_GET
def login_link(request, token):
    """Logs in the owner who just signed the school up (cookies stay on this host)."""
    try:
        user = login_link_redeem(token=token)
    except LoginLinkInvalid:
        return render(request, "accounts/login_link_invalid.html", status=400)
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    return redirect("home")
