"""The live bell: after a commit, tell the person's open pages their unread count."""

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer


def bell_group(schema: str, user_id: int) -> str:
    # Group names carry the schema: user 1 of school A is not user 1 of school B.
    return f"{schema}.user.{user_id}.bell"


def bell_push(*, schema: str, user_id: int, unread: int, latest: dict | None = None) -> None:
    """Send the count to every open page of the user. Call after commit (never inside one)."""
    layer = get_channel_layer()
    if layer is None:
        return
    async_to_sync(layer.group_send)(
        bell_group(schema, user_id), {"type": "bell.update", "unread": unread, "latest": latest}
    )
