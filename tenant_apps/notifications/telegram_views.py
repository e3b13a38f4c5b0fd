"""Telegram: linking a chat from the profile, and the webhook the school's bot calls."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from tenant_apps.notifications import telegram


@login_required
def telegram_link(request):
    """The code (and the deep link that sends it) to link a chat, or the chat already linked."""
    if not telegram.bot_token():
        raise Http404
    link = telegram.link_for(request.user)
    code = "" if link else telegram.link_code(request.user)
    context = {"telegram_link": link, "telegram_code": code, "telegram_deep_link": telegram.deep_link(code)}
    return render(request, "notifications/telegram_link.html", context)


@login_required
@require_POST
def telegram_unlink(request):
    if telegram.link_delete(user=request.user):
        messages.success(request, _("Telegram is unlinked: notifications no longer go there."))
    return redirect("areas:profile")


@csrf_exempt  # Telegram posts without a CSRF token; the secret URL and header stand in for it
@require_POST
def telegram_webhook(request, secret):
    """Updates from the school's bot. Always 200 once authenticated, so Telegram does not resend."""
    token = telegram.bot_token()
    if not token or not constant_time_compare(secret, telegram.webhook_path_secret(token)):
        raise Http404
    header = request.headers.get("X-Telegram-Bot-Api-Secret-Token", "")
    if not constant_time_compare(header, telegram.webhook_header_secret(token)):
        raise PermissionDenied
    try:
        update = json.loads(request.body)
    except ValueError:
        return HttpResponseBadRequest("Bad JSON.")
    if not isinstance(update, dict):
        return HttpResponseBadRequest("An update is a JSON object.")
    telegram.webhook_update_handle(update=update)
    return HttpResponse(status=200)
