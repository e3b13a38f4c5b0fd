from django.db.models import QuerySet

from tenant_apps.notifications import kinds
from tenant_apps.notifications.models import Notification, Preference


def unread_count(user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def notifications_for(user) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user).order_by("-created_at", "-pk")


def preferences_for(user) -> dict[tuple[str, str], bool]:
    """(kind, channel) → enabled, for every registered kind and channel (defaults filled in)."""
    chosen = {(p.kind, p.channel): p.enabled for p in Preference.objects.filter(user=user)}
    return {
        (kind.key, channel): kind.mandatory or chosen.get((kind.key, channel), channel in kind.default_channels)
        for kind in kinds.all_kinds()
        for channel in kinds.CHANNELS
    }
