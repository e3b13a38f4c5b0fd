"""The library's one extension point: kinds whose content lives in a higher app (the worksheets).

A higher app owns a OneToOne to `Material` and, in its `AppConfig.ready()`, registers what the library
cannot know about the kind:

    register_kind("worksheet", payload=worksheet_stage_payload, preview_template="worksheets/_preview.html")

`payload(material) -> dict` adds the kind's fields to the stage payload (what the room's browsers get);
`preview_template` is included with `material` in the library's preview. Unregistered kinds show their
title and description only.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class KindHandler:
    payload: Callable | None = None
    preview_template: str = ""


_HANDLERS: dict[str, KindHandler] = {}


def register_kind(kind: str, *, payload: Callable | None = None, preview_template: str = "") -> None:
    _HANDLERS[kind] = KindHandler(payload=payload, preview_template=preview_template)


def handler_for(kind: str) -> KindHandler | None:
    return _HANDLERS.get(kind)
