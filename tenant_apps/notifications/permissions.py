from django.shortcuts import get_object_or_404

from tenant_apps.notifications.models import Notification


def get_notification_for_user(user, pk: int) -> Notification:
    """Someone else's notification is "not found", the same as one that does not exist."""
    return get_object_or_404(Notification, pk=pk, recipient=user)
