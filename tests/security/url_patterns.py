"""Every URL pattern of the school site and of the platform site, with a path to request it by."""

import re
import uuid
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.converters import IntConverter, PathConverter, SlugConverter, StringConverter, UUIDConverter

TENANT_URLCONF = "config.urls_tenant"
PUBLIC_URLCONF = "config.urls_public"
# The platform site's names carry this prefix in the access registry (both sites have e.g. `set_language`).
PLATFORM_PREFIX = "platform/"

_SAMPLES = {IntConverter: "1", UUIDConverter: str(uuid.UUID(int=1)), SlugConverter: "x", PathConverter: "x",
            StringConverter: "x"}


@dataclass(frozen=True)
class Route:
    name: str | None  # "whiteboard:image"; None for an unnamed pattern (the admin's catch-alls)
    route: str  # the pattern as written, e.g. "lessons/<int:pk>/board/images/<uuid:image_id>/"
    path: str  # a path that resolves to it, with sample arguments: "/lessons/1/board/images/0000…01/"

    @property
    def key(self) -> str:
        return self.name or self.route


def _sample_path(pieces) -> str:
    path = "/"
    for piece in pieces:
        converters = getattr(piece, "converters", {})
        if converters:  # a `path()` route: fill each <converter:name>
            text = str(piece)
            for name, converter in converters.items():
                text = re.sub(rf"<(?:\w+:)?{name}>", _SAMPLES.get(type(converter), "1"), text)
            path += text
        else:  # a regex route (allauth's keys, the admin's app list): strip anchors, fill groups
            text = str(piece).lstrip("^").rstrip("$")
            text = re.sub(r"\(\?P<app_label>[^)]*\)", "accounts", text)
            text = re.sub(r"\(\?P<\w+>[^)]*\)", "x", text)
            path += text.replace("\\", "")
    return path


def _walk(patterns, pieces=(), namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _walk(pattern.url_patterns, (*pieces, pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            chain = (*pieces, pattern.pattern)
            yield Route(
                name=f"{namespace}{pattern.name}" if pattern.name else None,
                route="".join(str(piece) for piece in chain),
                path=_sample_path(chain),
            )


def tenant_routes() -> list[Route]:
    return list(_walk(get_resolver(TENANT_URLCONF).url_patterns))


def platform_routes() -> list[Route]:
    return [
        Route(name=f"{PLATFORM_PREFIX}{route.name}" if route.name else None, route=route.route, path=route.path)
        for route in _walk(get_resolver(PUBLIC_URLCONF).url_patterns)
    ]
