"""The live bell over /ws/notifications/: a person's open pages learn their unread count."""

from channels.generic.websocket import AsyncJsonWebsocketConsumer

from shared_apps.tenants.ws import CLOSE_UNAUTHENTICATED, RelayGuard, in_school_schema
from tenant_apps.notifications.live import bell_group


class BellConsumer(RelayGuard, AsyncJsonWebsocketConsumer):
    """Receives only; every message from the browser is ignored (nothing to validate or change)."""

    group: str | None = None

    async def connect(self):
        user = self.scope["user"]
        if not user.is_authenticated:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        self.group = bell_group(self.scope["tenant"].schema_name, user.pk)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        # A page that reconnects (sleep, network change) catches up at once.
        await self.send_json({"type": "bell", "unread": await self._unread(user)})

    async def disconnect(self, code):
        if self.group is not None:
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive(self, text_data=None, bytes_data=None):
        await self.send_json({"type": "error", "code": "read_only", "message": "This socket only sends."})

    async def bell_update(self, event):
        await self.send_json({"type": "bell", "unread": event["unread"], "latest": event.get("latest")})

    async def _unread(self, user) -> int:
        from tenant_apps.notifications.selectors import unread_count

        return await in_school_schema(self.scope)(unread_count)(user)
