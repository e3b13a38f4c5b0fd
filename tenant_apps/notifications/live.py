"""The live bell: after a commit, tell the person's open pages their unread count."""

import asyncio
import threading

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
    message = {"type": "bell.update", "unread": unread, "latest": latest}

    def send():
        async_to_sync(layer.group_send)(bell_group(schema, user_id), message)

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        send()  # the usual case: a request thread, a worker, a script
        return
    # Synchronous code running on a thread that owns an event loop (a management command
    # driven from async code, a browser-driving test) cannot block on that loop: use a thread.
    sender = threading.Thread(target=send)
    sender.start()
    sender.join()
