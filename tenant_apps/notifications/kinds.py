"""The registry of notification kinds.

A kind belongs to the app that sends it: the app registers it in its `AppConfig.ready()` with
`register(Kind(...))`, and ships its templates under `templates/notifications/kinds/<key>/`:

    title.txt      one line, for the bell, the list and the email's subject
    body.txt       a few plain-text lines, for the list, Telegram and the email's text part
    email.html     optional: the email's HTML part (defaults to the body in the shared layout)

Templates get the context passed to `notify()`, plus `recipient` and `school`. Notifications
imports no domain app: callers pass everything the templates need.
"""

from dataclasses import dataclass, field

from django.utils.functional import Promise

EMAIL = "email"
TELEGRAM = "telegram"
CHANNELS = (EMAIL, TELEGRAM)


@dataclass(frozen=True)
class Kind:
    key: str
    label: str | Promise
    default_channels: frozenset[str] = field(default_factory=lambda: frozenset({EMAIL}))
    # Some messages matter for safety (a changed password): they cannot be switched off.
    mandatory: bool = False

    def template(self, name: str) -> str:
        return f"notifications/kinds/{self.key}/{name}"


_KINDS: dict[str, Kind] = {}


class UnknownKind(KeyError):
    pass


def register(kind: Kind) -> Kind:
    existing = _KINDS.get(kind.key)
    if existing is not None and existing != kind:
        raise ValueError(f"Notification kind {kind.key!r} is registered twice, differently.")
    _KINDS[kind.key] = kind
    return kind


def get(key: str) -> Kind:
    try:
        return _KINDS[key]
    except KeyError as error:
        raise UnknownKind(key) from error


def all_kinds() -> list[Kind]:
    return sorted(_KINDS.values(), key=lambda kind: kind.key)
