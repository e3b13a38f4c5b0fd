"""WebSocket routes; config.asgi wraps them in the tenant-aware stack."""

from django.urls import path

from tenant_apps.accounts.consumers import PresenceConsumer
from tenant_apps.notifications.consumers import BellConsumer

websocket_urlpatterns = [
    path("ws/ping/", PresenceConsumer.as_asgi()),
    path("ws/notifications/", BellConsumer.as_asgi()),
]
