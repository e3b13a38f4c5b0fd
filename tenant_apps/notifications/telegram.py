"""The school's Telegram bot, over the plain HTTP Bot API (its base URL comes from settings)."""

import json
import urllib.error
import urllib.request

from django.conf import settings
from django.db import connection


class TelegramError(Exception):
    """The Bot API refused or could not be reached; deliveries retry on it."""


def bot_token() -> str:
    return getattr(getattr(connection, "tenant", None), "telegram_bot_token", "") or ""


def is_linked(user) -> bool:
    from tenant_apps.notifications.models import TelegramLink

    return bool(bot_token()) and TelegramLink.objects.filter(user=user).exists()


def call(method: str, payload: dict, *, token: str | None = None) -> dict:
    token = token or bot_token()
    if not token:
        raise TelegramError("The school has no Telegram bot.")
    request = urllib.request.Request(
        f"{settings.TELEGRAM_API_BASE_URL.rstrip('/')}/bot{token}/{method}",
        data=json.dumps(payload).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=settings.TELEGRAM_TIMEOUT_SECONDS) as response:
            answer = json.loads(response.read())
    except (urllib.error.URLError, TimeoutError, ValueError) as error:
        raise TelegramError(str(error)) from error
    if not answer.get("ok"):
        raise TelegramError(answer.get("description", "The Bot API said no."))
    return answer.get("result", {})


def send_message(user, text: str) -> dict:
    from tenant_apps.notifications.models import TelegramLink

    link = TelegramLink.objects.get(user=user)
    return call("sendMessage", {"chat_id": link.chat_id, "text": text[:4096]})
