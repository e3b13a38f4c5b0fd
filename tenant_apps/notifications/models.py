"""In-app notifications, what was delivered where, and each person's choices."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tenant_apps.notifications.kinds import CHANNELS


class Notification(models.Model):
    """One message to one person. Title and body are rendered once, in their language."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("recipient")
    )
    kind = models.CharField(_("kind"), max_length=100, db_index=True)
    title = models.CharField(_("title"), max_length=255)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    context = models.JSONField(_("context"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(
                fields=["recipient", "created_at"], name="notif_unread_idx", condition=models.Q(read_at__isnull=True)
            )
        ]

    def __str__(self):
        return self.title


class Delivery(models.Model):
    """A notification's trip through one outside channel; sent once, whatever the retries."""

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("notification")
    )
    channel = models.CharField(_("channel"), max_length=20, choices=[(c, c) for c in CHANNELS])
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(fields=["notification", "channel"], name="notifications_one_delivery_per_channel")
        ]

    def __str__(self):
        return f"{self.notification} → {self.channel}"


class Preference(models.Model):
    """A person's choice for one kind on one channel; no row means the kind's default."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences",
        verbose_name=_("user"),
    )
    kind = models.CharField(_("kind"), max_length=100)
    channel = models.CharField(_("channel"), max_length=20, choices=[(c, c) for c in CHANNELS])
    enabled = models.BooleanField(_("enabled"))

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "channel"], name="notifications_one_preference")
        ]

    def __str__(self):
        return f"{self.user}: {self.kind} / {self.channel} = {self.enabled}"


class TelegramLink(models.Model):
    """A person's chat with the school's Telegram bot, made by sending the bot a one-time code."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="telegram_link", verbose_name=_("user")
    )
    chat_id = models.BigIntegerField(_("chat id"))
    username = models.CharField(_("Telegram username"), max_length=64, blank=True)
    linked_at = models.DateTimeField(_("linked"), auto_now_add=True)

    class Meta:
        verbose_name = _("Telegram link")
        verbose_name_plural = _("Telegram links")

    def __str__(self):
        return f"{self.user} ↔ {self.username or self.chat_id}"


class Reminder(models.Model):
    """A reminder that went out: its key is written before the notification, so it goes out once.

    The key names the subject and the moment ("lesson.42.24h"); it needs no schema, since the
    table lives in the school's own schema. `subject_version` is what the subject looked like
    when the reminder was sent (e.g. its start time and status), for the admin and for sources
    that compare.
    """

    key = models.CharField(_("key"), max_length=200, unique=True)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminders", verbose_name=_("recipient")
    )
    kind = models.CharField(_("kind"), max_length=100, db_index=True)
    subject_version = models.CharField(_("subject version"), max_length=200)
    due_at = models.DateTimeField(_("due"))
    sent_at = models.DateTimeField(_("sent"), db_index=True)
    notification = models.ForeignKey(
        Notification, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("notification"),
    )

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["-sent_at", "-pk"]

    def __str__(self):
        return self.key
