"""The first check of every browser message on a room socket: rate, frame type, size, JSON object.

A refused message gets an error reply and leaves the socket open; the consumer's own handlers
then check the fields of what passed.
"""

import time
from collections import deque

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shared_apps.tenants.ws import BadMessage, json_object

# What the sender reads when a message is not a usable JSON object (shared_apps.tenants.ws.json_object).
REFUSALS = {
    "invalid_json": gettext_lazy("The message is not valid JSON."),
    "invalid_message": gettext_lazy("The message must be a JSON object."),
    "too_deep": gettext_lazy("The message is nested too deeply."),
    "nul_character": gettext_lazy("The message contains a NUL character, which is not allowed."),
}


def refusal_text(code: str) -> str:
    return str(REFUSALS[code])


class MessageRefused(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


class MessageGate:
    """One connection's gate: at most `max_per_second` messages a second, each at most `max_bytes`."""

    def __init__(self, *, max_bytes: int, max_per_second: int):
        self.max_bytes = max_bytes
        self.max_per_second = max_per_second
        self.recent: deque[float] = deque()

    def open(self, text_data) -> dict:
        """The message as a JSON object, or MessageRefused with a code and a message in the active language."""
        if self._flooding():
            raise MessageRefused("rate_limited", _("Too many messages: at most %(limit)s a second.")
                                 % {"limit": self.max_per_second})
        if text_data is None:
            raise MessageRefused("binary_not_supported", _("Send JSON text frames."))
        # The character count first: a huge frame is refused without encoding it.
        if len(text_data) > self.max_bytes or len(text_data.encode()) > self.max_bytes:
            raise MessageRefused("too_large", _("A message may be at most %(limit)s KB.")
                                 % {"limit": self.max_bytes // 1024})
        try:
            return json_object(text_data)
        except BadMessage as bad:
            raise MessageRefused(bad.code, str(refusal_text(bad.code))) from None

    def _flooding(self) -> bool:
        """More than max_per_second messages in the last second (a refused one does not count)."""
        now = time.monotonic()
        while self.recent and now - self.recent[0] >= 1.0:
            self.recent.popleft()
        if len(self.recent) >= self.max_per_second:
            return True
        self.recent.append(now)
        return False


def action_handler(actions: dict, content: dict):
    """The handler of the message's "action", or None (also for an "action" that is not a string)."""
    action = content.get("action")
    return actions.get(action) if isinstance(action, str) else None
