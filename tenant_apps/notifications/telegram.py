"""The school's Telegram bot, over the plain HTTP Bot API (its base URL comes from settings).

Each school brings its own bot: the manager pastes its token in the school settings, which
checks it with Telegram (`getMe`) and points the bot's webhook at this school's site.

A person links their chat from the profile: the site shows a one-time code (and a t.me deep link
that sends it), the bot receives it through the webhook and the code says who they are. Codes are
stateless: a signed, timestamped user id whose signing salt carries the school's schema, so a
code is valid for 15 minutes, in its own school only; once used, the person is linked and the
same code is refused.
"""

import json
import logging
import re
import urllib.error
import urllib.request
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

LINK_CODE_MAX_AGE = timedelta(minutes=15)
# What @BotFather hands out: "<bot id>:<secret>". Checked before the token goes into a URL path.
TOKEN_PATTERN = re.compile(r"^\d{1,20}:[A-Za-z0-9_-]{20,80}$")
_LINK_SALT = "notifications.telegram.link"
# "<user id>-<timestamp>-<signature>": what link_code() makes (see there).
_CODE_SHAPE = re.compile(r"^\d+-[0-9A-Za-z]+-[A-Za-z0-9_-]+$")
_START = re.compile(r"^/start(?:@\w+)?(?:\s+(?P<payload>\S+))?\s*$")


class TelegramError(Exception):
    """The Bot API refused or could not be reached; deliveries retry on it."""


class BotTokenRefused(Exception):
    """Telegram would not take the school's bot token; the message is for the manager."""


# The school's bot ------------------------------------------------------------------------
def _school():
    """The current school: the request's or task's tenant, else looked up by schema.

    Under `schema_context` (scripts, tests, a task sent from the same schema) the connection's
    tenant is a stand-in that knows only the schema name.
    """
    school = getattr(connection, "tenant", None)
    if hasattr(school, "telegram_bot_token"):
        return school
    if connection.schema_name == "public":
        return None
    from shared_apps.tenants.models import School

    return School.objects.filter(schema_name=connection.schema_name, is_template=False).first()


def bot_token() -> str:
    return getattr(_school(), "telegram_bot_token", "") or ""


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
    except urllib.error.HTTPError as error:
        # The Bot API answers a refusal with 4xx and a JSON body whose description says why.
        raise TelegramError(_error_description(error)) from error
    except (urllib.error.URLError, TimeoutError, ValueError) as error:
        raise TelegramError(str(error)) from error
    if not answer.get("ok"):
        raise TelegramError(answer.get("description", "The Bot API said no."))
    return answer.get("result", {})


def _error_description(error: urllib.error.HTTPError) -> str:
    try:
        return json.loads(error.read()).get("description") or str(error)
    except (ValueError, AttributeError, OSError):
        return str(error)


def send_message(user, text: str) -> dict:
    from tenant_apps.notifications.models import TelegramLink

    link = TelegramLink.objects.get(user=user)
    return call("sendMessage", {"chat_id": link.chat_id, "text": text[:4096]})


# Connecting the bot (school settings) ----------------------------------------------------
def webhook_path_secret(token: str) -> str:
    """The webhook URL's secret part: only Telegram (told by setWebhook) and we know it."""
    return salted_hmac("notifications.telegram.webhook.path", token, algorithm="sha256").hexdigest()


def webhook_header_secret(token: str) -> str:
    """Sent by Telegram in X-Telegram-Bot-Api-Secret-Token: a leaked URL alone is not enough."""
    return salted_hmac("notifications.telegram.webhook.header", token, algorithm="sha256").hexdigest()


def webhook_url(school, token: str) -> str:
    path = reverse("notifications:telegram_webhook", args=[webhook_path_secret(token)])
    # Telegram calls webhooks over HTTPS only, on its standard ports: not SCHOOL_URL_TEMPLATE's
    # scheme and port, which serve local development.
    return f"https://{school.get_primary_domain().domain}{path}"


def _bot_id(token: str) -> str:
    return token.partition(":")[0]


def school_bot_change(*, school, previous_token: str) -> None:
    """Connect the bot whose token is now on `school`, or disconnect the previous one (blank token).

    Telegram is asked first (getMe, then setWebhook): a token it refuses raises BotTokenRefused
    before anything is written. Fills in `school.telegram_bot_username`; call inside the
    transaction that then saves `school` (it also drops the chats linked to a previous bot).
    """
    from tenant_apps.notifications.models import TelegramLink

    token = school.telegram_bot_token
    school.telegram_bot_username = _bot_register(school, token) if token else ""
    if _bot_id(token) == _bot_id(previous_token):
        return  # the same bot with a new token (revoked in @BotFather): its chats still work
    # A bot may only write to people who started it: chats with the previous bot are useless now.
    TelegramLink.objects.all().delete()
    if previous_token:
        transaction.on_commit(lambda: _bot_unregister(previous_token))


def _bot_register(school, token: str) -> str:
    try:
        bot = call("getMe", {}, token=token)
    except TelegramError as error:
        raise BotTokenRefused(
            _("Telegram does not accept this token (%(reason)s). Copy it again from @BotFather.")
            % {"reason": error}
        ) from error
    try:
        call(
            "setWebhook",
            {
                "url": webhook_url(school, token),
                "secret_token": webhook_header_secret(token),
                "allowed_updates": ["message"],
            },
            token=token,
        )
    except TelegramError as error:
        raise BotTokenRefused(
            _("Telegram accepted the token but not this site's address for its messages (%(reason)s).")
            % {"reason": error}
        ) from error
    return bot.get("username", "")


def _bot_unregister(token: str) -> None:
    try:
        call("deleteWebhook", {}, token=token)
    except TelegramError as error:
        # Best effort: calls to a forgotten webhook only get 404s.
        logger.warning("Telegram deleteWebhook failed: %s", error)


# Linking a chat (profile and webhook) ----------------------------------------------------
def _link_signer(schema: str) -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=f"{_LINK_SALT}.{schema}")


def link_code(user) -> str:
    """A one-time code for `user` to send the bot; valid for 15 minutes, in this school only.

    Deep links take at most 64 characters of [A-Za-z0-9_-], so the signer's ":" become "-"
    (the user id and the base62 timestamp never contain one; the signature may).
    """
    return _link_signer(connection.schema_name).sign(str(user.pk)).replace(":", "-")


def _user_id_from_code(code: str) -> int | None:
    user_id, _sep, rest = code.partition("-")
    timestamp, _sep, signature = rest.partition("-")
    try:
        value = _link_signer(connection.schema_name).unsign(
            f"{user_id}:{timestamp}:{signature}", max_age=LINK_CODE_MAX_AGE
        )
    except signing.BadSignature:  # expired ones too
        return None
    return int(value)


def deep_link(code: str) -> str:
    username = getattr(_school(), "telegram_bot_username", "")
    return f"https://t.me/{username}?start={code}" if username else ""


def link_for(user):
    from tenant_apps.notifications.models import TelegramLink

    return TelegramLink.objects.filter(user=user).first()


@transaction.atomic
def link_delete(*, user) -> bool:
    """Unlink the person's chat: nothing more goes there (deliveries already queued fail once)."""
    from tenant_apps.notifications.models import TelegramLink

    deleted, _by_model = TelegramLink.objects.filter(user=user).delete()
    return bool(deleted)


# What became of a message to the bot; each has its reply below.
LINKED = "linked"
ALREADY_LINKED = "already_linked"
CHAT_TAKEN = "chat_taken"
INVALID_CODE = "invalid_code"
HELP = "help"


@transaction.atomic
def _link_by_code(*, code: str, chat_id: int, username: str) -> tuple[str, object]:
    """(outcome, the person the code names or None)."""
    from tenant_apps.accounts.models import User
    from tenant_apps.notifications.models import TelegramLink

    user_id = _user_id_from_code(code)
    user = User.objects.filter(pk=user_id, is_active=True).first() if user_id else None
    if user is None:
        return INVALID_CODE, None
    # Linking attempts from one chat take turns, so that two codes sent at once cannot both link
    # it (the table has no unique chat id). A transaction-level lock: released at commit.
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [chat_id])
    if TelegramLink.objects.filter(user=user).exists():
        return ALREADY_LINKED, user  # this code, sent again, lands here too
    if TelegramLink.objects.filter(chat_id=chat_id).exists():
        return CHAT_TAKEN, user
    try:
        with transaction.atomic():
            TelegramLink.objects.create(user=user, chat_id=chat_id, username=username[:64])
    except IntegrityError:  # the same person, from another chat, at the same moment
        return ALREADY_LINKED, user
    return LINKED, user


def webhook_update_handle(*, update: dict) -> str | None:
    """One update from Telegram: a code links the chat; anything else gets a short help text.

    Returns the outcome (None: nothing to answer). Only private chats link: notifications are
    personal. Call outside a transaction: the reply leaves after the link is saved, and a reply
    that fails is logged, not raised (Telegram would send the update again; the link is made).
    """
    message = update.get("message")
    if not isinstance(message, dict):
        return None  # edits, channel posts and the like
    chat = message.get("chat") if isinstance(message.get("chat"), dict) else {}
    chat_id = chat.get("id")
    if not isinstance(chat_id, int) or isinstance(chat_id, bool) or chat.get("type") != "private":
        return None
    sender = message.get("from") if isinstance(message.get("from"), dict) else {}
    text = message.get("text") if isinstance(message.get("text"), str) else ""
    code = _code_in(text.strip())
    outcome, user = HELP, None
    if code is not None:
        outcome, user = _link_by_code(code=code, chat_id=chat_id, username=str(sender.get("username") or ""))
    with translation.override(getattr(user, "language", "") or _school_language()):
        reply = _REPLIES[outcome]()
    try:
        call("sendMessage", {"chat_id": chat_id, "text": reply})
    except TelegramError as error:
        logger.warning("Telegram reply to chat %s failed: %s", chat_id, error)
    return outcome


def _code_in(text: str) -> str | None:
    """The code in "/start <code>" (the deep link) or in a bare message; None for anything else."""
    start = _START.match(text)
    if start:
        return start.group("payload")  # "/start" alone: the bot opened without a code
    return text if _CODE_SHAPE.match(text) else None


# Replies -------------------------------------------------------------------------------------
def _school_name() -> str:
    return getattr(_school(), "name", "")


def _school_language() -> str:
    return getattr(_school(), "default_language", "") or settings.LANGUAGE_CODE


def _site_url(path: str) -> str:
    from shared_apps.tenants.services import school_url

    school = _school()
    domain = school.get_primary_domain() if school is not None else None
    return school_url(domain.domain, path) if domain else path


_REPLIES = {
    LINKED: lambda: _(
        "Linked! You will get notifications from %(school)s here, the kinds you choose for Telegram: %(url)s"
    ) % {"school": _school_name(), "url": _site_url(reverse("notifications:preferences"))},
    ALREADY_LINKED: lambda: _(
        "Your account is already linked to Telegram. To link another chat, unlink this one in your profile: %(url)s"
    ) % {"url": _site_url(reverse("areas:profile"))},
    CHAT_TAKEN: lambda: _(
        "This chat is already linked to another account of %(school)s. Unlink it there first."
    ) % {"school": _school_name()},
    INVALID_CODE: lambda: _(
        "This code is not valid or has expired (a code works for 15 minutes). Open your profile for a new one: "
        "%(url)s"
    ) % {"url": _site_url(reverse("areas:profile"))},
    HELP: lambda: _(
        "Hello! I send notifications from %(school)s. To get them here, open your profile at %(url)s and follow "
        "the Telegram link, or send me the code shown there."
    ) % {"school": _school_name(), "url": _site_url(reverse("areas:profile"))},
}
