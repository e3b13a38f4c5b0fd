from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from tenant_apps.accounts.models import User
from tenant_apps.notifications import kinds, telegram
from tenant_apps.notifications.permissions import get_notification_for_user
from tenant_apps.notifications.selectors import notifications_for, preferences_for
from tenant_apps.notifications.services import (
    UnsubscribeInvalid,
    notification_mark_read,
    notifications_mark_all_read,
    preference_set,
    unsubscribe_payload,
)


@login_required
def notification_list(request):
    page = Paginator(notifications_for(request.user), 30).get_page(request.GET.get("page"))
    return render(request, "notifications/list.html", {"page": page})


@login_required
@require_POST
def notification_open(request, pk):
    """Marks it read and follows its link (only to this site)."""
    notification = get_notification_for_user(request.user, pk)
    notification_mark_read(notification=notification)
    target = notification.url
    if not target or not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect("notifications:list")
    return redirect(target)


@login_required
@require_POST
def notification_read_all(request):
    notifications_mark_all_read(user=request.user)
    return redirect("notifications:list")


@login_required
def preferences(request):
    current = preferences_for(request.user)
    telegram_ready = bool(telegram.bot_token())
    if request.method == "POST":
        for kind in kinds.all_kinds():
            for channel in kinds.CHANNELS:
                preference_set(
                    user=request.user, kind=kind.key, channel=channel,
                    enabled=request.POST.get(f"{kind.key}:{channel}") == "on",
                )
        messages.success(request, _("Your notification choices are saved."))
        return redirect("notifications:preferences")
    rows = [
        {
            "kind": kind,
            "email": current[(kind.key, kinds.EMAIL)],
            "telegram": current[(kind.key, kinds.TELEGRAM)],
        }
        for kind in kinds.all_kinds()
    ]
    return render(request, "notifications/preferences.html", {"rows": rows, "telegram_ready": telegram_ready})


@csrf_exempt  # mail clients' one-click unsubscribe (RFC 8058) posts without a CSRF token
def unsubscribe(request, token):
    """One click from an email: that kind stops arriving through that channel. No login needed."""
    try:
        payload = unsubscribe_payload(token)
    except UnsubscribeInvalid:
        return render(request, "notifications/unsubscribe_invalid.html", status=400)
    user = User.objects.filter(pk=payload["u"], is_active=True).first()
    if user is None:
        return render(request, "notifications/unsubscribe_invalid.html", status=400)
    kind = kinds.get(payload["k"])
    if request.method == "POST":
        preference_set(user=user, kind=kind.key, channel=payload["c"], enabled=False)
        return render(request, "notifications/unsubscribed.html", {"kind": kind})
    return render(request, "notifications/unsubscribe.html", {"kind": kind})
