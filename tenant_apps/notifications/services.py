"""`notify()`: the one way anything tells a person something.

The in-app row is written in the caller's transaction; the bell update, the email and the
Telegram message leave after commit (Celery, tenant-aware), so a failed send never rolls back
or blocks the change that caused it.
"""

from datetime import datetime

from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import connection, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django_tenants.utils import schema_context

from tenant_apps.notifications import kinds, telegram
from tenant_apps.notifications.live import bell_push
from tenant_apps.notifications.models import Delivery, Notification, Preference
from tenant_apps.notifications.selectors import unread_count

_UNSUBSCRIBE_SALT = "notifications.unsubscribe"


def _school():
    """The current school: the request's or task's tenant, else looked up by schema (scripts, tests)."""
    school = getattr(connection, "tenant", None)
    if getattr(school, "name", None):
        return school
    from shared_apps.tenants.models import School

    return School.objects.filter(schema_name=connection.schema_name, is_template=False).first()


def _language_for(user) -> str:
    school = _school()
    return user.language or getattr(school, "default_language", "") or "en"


def _render(kind: kinds.Kind, name: str, context: dict) -> str:
    return render_to_string(kind.template(name), context).strip()


def _template_context(notification: Notification) -> dict:
    return {**notification.context, "recipient": notification.recipient, "school": _school()}


def notify(user, kind: str, context: dict | None = None, *, url: str = "") -> Notification:
    """Tell `user` about something. `context` must be JSON-serialisable (it is kept with the row).

    Call inside the transaction of the change it is about.
    """
    registered = kinds.get(kind)
    context = context or {}
    with translation.override(_language_for(user)):
        template_context = {**context, "recipient": user, "school": _school()}
        notification = Notification.objects.create(
            recipient=user,
            kind=kind,
            title=_render(registered, "title.txt", template_context)[:255],
            body=_render(registered, "body.txt", template_context),
            url=url,
            context=context,
        )
    schema = connection.schema_name
    channels = [channel for channel in kinds.CHANNELS if channel_enabled(user, registered, channel)]

    def after_commit():
        from tenant_apps.notifications.tasks import deliver_notification

        # The commit may happen after the caller left the school's schema: go back into it, so
        # that the count reads this school and the tasks carry this school's schema.
        with schema_context(schema):
            bell_push(
                schema=schema, user_id=user.pk, unread=unread_count(user),
                latest={"id": notification.pk, "title": notification.title, "url": notification.url},
            )
            for channel in channels:
                deliver_notification.delay(notification.pk, channel)

    transaction.on_commit(after_commit)
    return notification


def channel_enabled(user, kind: kinds.Kind, channel: str) -> bool:
    if channel == kinds.EMAIL and not user.email:
        return False
    if channel == kinds.TELEGRAM and not telegram.is_linked(user):
        return False
    if kind.mandatory:
        return channel == kinds.EMAIL or channel in kind.default_channels
    chosen = Preference.objects.filter(user=user, kind=kind.key, channel=channel).values_list("enabled", flat=True)
    return next(iter(chosen), channel in kind.default_channels)


# Delivery ---------------------------------------------------------------------------------
def notification_deliver(*, notification_id: int, channel: str, now: datetime | None = None) -> Delivery:
    """Send one notification through one channel, once: a retry after success sends nothing.

    Runs in a Celery task, in the school's schema. A send that raises is recorded and re-raised
    so that Celery retries it with backoff.
    """
    now = now or timezone.now()
    try:
        with transaction.atomic():
            Delivery.objects.get_or_create(notification_id=notification_id, channel=channel)
            # Locked while sending: two workers holding the same task send it once.
            delivery = (
                Delivery.objects.select_for_update(of=("self",), no_key=True)  # not the recipient's row too
                .select_related("notification__recipient")
                .get(notification_id=notification_id, channel=channel)
            )
            if delivery.status == Delivery.Status.SENT:
                return delivery
            _send(delivery.notification, channel)
            delivery.status = Delivery.Status.SENT
            delivery.sent_at = now
            delivery.attempts += 1
            delivery.last_error = ""
            delivery.save(update_fields=["status", "sent_at", "attempts", "last_error"])
            return delivery
    except Exception as error:
        # Outside the rolled-back transaction: the failure itself is kept for the admin.
        Delivery.objects.update_or_create(
            notification_id=notification_id, channel=channel,
            defaults={"status": Delivery.Status.FAILED, "last_error": repr(error)[:500]},
        )
        Delivery.objects.filter(notification_id=notification_id, channel=channel).update(attempts=F("attempts") + 1)
        raise


def _send(notification: Notification, channel: str) -> None:
    recipient = notification.recipient
    with translation.override(_language_for(recipient)):
        if channel == kinds.EMAIL:
            _send_email(notification)
        elif channel == kinds.TELEGRAM:
            telegram.send_message(
                recipient, f"{notification.title}\n\n{notification.body}\n{_absolute(notification.url)}"
            )


def _absolute(path: str) -> str:
    from shared_apps.tenants.services import school_url

    school = _school()
    if not path or school is None:
        return ""
    domain = school.get_primary_domain()
    return school_url(domain.domain, path) if domain else path


def _send_email(notification: Notification) -> None:
    kind = kinds.get(notification.kind)
    unsubscribe_url = _absolute(reverse("notifications:unsubscribe", args=[unsubscribe_token(
        user_id=notification.recipient_id, kind=notification.kind, channel=kinds.EMAIL)]))
    context = {
        **_template_context(notification),
        "notification": notification,
        "link": _absolute(notification.url) or _absolute("/notifications/"),
        "unsubscribe_url": unsubscribe_url,
        "mandatory": kind.mandatory,
    }
    school = _school()
    subject = f"[{school.name}] {notification.title}" if school else notification.title
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("notifications/email/message.txt", context),
        to=[notification.recipient.email],
        headers={} if kind.mandatory else {
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.attach_alternative(render_to_string("notifications/email/message.html", context), "text/html")
    message.send()


# Reading and choosing ------------------------------------------------------------------
def _push_count(user) -> None:
    schema = connection.schema_name

    def push():
        with schema_context(schema):
            bell_push(schema=schema, user_id=user.pk, unread=unread_count(user))

    transaction.on_commit(push)


@transaction.atomic
def notification_mark_read(*, notification: Notification, now: datetime | None = None) -> Notification:
    if notification.read_at is None:
        notification.read_at = now or timezone.now()
        notification.save(update_fields=["read_at"])
        _push_count(notification.recipient)
    return notification


@transaction.atomic
def notifications_mark_all_read(*, user, now: datetime | None = None) -> int:
    marked = Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=now or timezone.now())
    if marked:
        _push_count(user)
    return marked


@transaction.atomic
def preference_set(*, user, kind: str, channel: str, enabled: bool) -> Preference | None:
    """Record a choice; a mandatory kind cannot be switched off (nothing is written)."""
    registered = kinds.get(kind)
    if channel not in kinds.CHANNELS or registered.mandatory:
        return None
    preference, _created = Preference.objects.update_or_create(
        user=user, kind=kind, channel=channel, defaults={"enabled": enabled}
    )
    return preference


def unsubscribe_token(*, user_id: int, kind: str, channel: str) -> str:
    return signing.dumps({"u": user_id, "k": kind, "c": channel, "s": connection.schema_name}, salt=_UNSUBSCRIBE_SALT)


class UnsubscribeInvalid(Exception):
    pass


def unsubscribe_payload(token: str) -> dict:
    """The (user, kind, channel) a one-click link stands for; only valid on its own school's host."""
    try:
        payload = signing.loads(token, salt=_UNSUBSCRIBE_SALT)
    except signing.BadSignature as error:
        raise UnsubscribeInvalid from error
    if payload.get("s") != connection.schema_name:
        raise UnsubscribeInvalid
    try:
        kinds.get(payload.get("k", ""))
    except kinds.UnknownKind as error:
        raise UnsubscribeInvalid from error
    return payload
