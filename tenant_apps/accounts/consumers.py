"""Presence and ping over /ws/ping/: the smallest consumer built on the tenant-aware stack.

Later consumers (the classroom, the notification bell) copy its shape: refuse anonymous users
at connect, name groups with `schema_group`, read the database only through `in_school_schema`,
and answer a bad message with an error instead of dropping the socket.
"""

from channels.generic.websocket import AsyncJsonWebsocketConsumer

from shared_apps.tenants.ws import (
    CLOSE_UNAUTHENTICATED,
    BadMessage,
    RelayGuard,
    in_school_schema,
    json_object,
    schema_group,
)
from tenant_apps.accounts.models import User

MAX_MESSAGE_BYTES = 4 * 1024
BAD_MESSAGE_TEXT = {
    "invalid_json": "The message is not valid JSON.",
    "invalid_message": "The message must be a JSON object.",
    "too_deep": "The message is nested too deeply.",
    "nul_character": "The message contains a NUL character, which is not allowed.",
}


class PresenceConsumer(RelayGuard, AsyncJsonWebsocketConsumer):
    """Tells the school's other connections who is online; answers pings.

    Presence is per connection: a person with two tabs goes "offline" when either closes.
    """

    presence_group: str | None = None

    async def connect(self):
        user = self.scope["user"]
        if not user.is_authenticated:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        self.user_id = user.pk
        self.user_name = user.get_full_name()
        self.presence_group = schema_group(self.scope, "presence")
        await self.channel_layer.group_add(self.presence_group, self.channel_name)
        await self.accept()
        await self._announce("online")

    async def disconnect(self, code):
        if self.presence_group is None:  # refused at connect: never joined
            return
        await self._announce("offline")
        await self.channel_layer.group_discard(self.presence_group, self.channel_name)

    async def receive(self, text_data=None, bytes_data=None):
        # Validated here rather than in receive_json: a bad message must not close the socket.
        if text_data is None:
            return await self._error("binary_not_supported", "Send JSON text frames.")
        if len(text_data.encode()) > MAX_MESSAGE_BYTES:
            return await self._error("too_large", f"A message may be at most {MAX_MESSAGE_BYTES} bytes.")
        try:
            content = json_object(text_data)
        except BadMessage as bad:
            return await self._error(bad.code, BAD_MESSAGE_TEXT[bad.code])
        if content.get("action") == "ping":
            return await self._pong()
        return await self._error("unknown_action", "Unknown action.")

    async def presence_changed(self, event):
        await self.send_json(
            {"type": "presence", "user_id": event["user_id"], "name": event["name"], "state": event["state"]}
        )

    async def _announce(self, state: str):
        await self.channel_layer.group_send(
            self.presence_group,
            {"type": "presence.changed", "user_id": self.user_id, "name": self.user_name, "state": state},
        )

    async def _pong(self):
        @in_school_schema(self.scope)
        def current_email():
            # Read afresh from this school's schema, not from the user cached at connect.
            return User.objects.values_list("email", flat=True).get(pk=self.user_id)

        await self.send_json(
            {
                "type": "pong",
                "user_id": self.user_id,
                "school": self.scope["tenant"].schema_name,
                "email": await current_email(),
            }
        )

    async def _error(self, code: str, message: str):
        await self.send_json({"type": "error", "code": code, "message": message})
