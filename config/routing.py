"""WebSocket routes; config.asgi wraps them in the tenant-aware stack."""

from django.urls import path

from classroom.consumers import RoomConsumer
from classroom.stage import StageConsumer
from classroom.whiteboard.consumers import BoardConsumer
from tenant_apps.accounts.consumers import PresenceConsumer
from tenant_apps.notifications.consumers import BellConsumer

websocket_urlpatterns = [
    path("ws/ping/", PresenceConsumer.as_asgi()),
    path("ws/notifications/", BellConsumer.as_asgi()),
    path("ws/lessons/<int:lesson_id>/board/", BoardConsumer.as_asgi()),
    path("ws/lessons/<int:lesson_id>/room/", RoomConsumer.as_asgi()),
    path("ws/lessons/<int:lesson_id>/stage/", StageConsumer.as_asgi()),
]
