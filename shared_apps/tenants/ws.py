"""WebSocket tenancy: Host → school into the scope, then the session and user from that school's schema.

Daphne runs every connection on one event loop, so nothing here may touch the loop thread's
database connection state: `connection.set_tenant` there would leak one school's schema into
every other connection. Each database call instead runs in `database_sync_to_async` with its
schema set inside the call (`schema_context`), and restored before the thread is reused.

The stack, outermost first (see `TenantAwareStack`):

    TenantFromHostMiddleware   scope["tenant"]: the School, or the handshake is refused
    SchoolAuthMiddleware       scope["cookies"], scope["session"], scope["user"], read in that school's schema

A refused handshake is closed before it is accepted. Daphne then answers the upgrade with HTTP 403,
so a browser sees a failed connection, not the close code; the codes are for tests and logs.
"""

import contextlib
import functools
import json
import logging
from collections.abc import Callable
from importlib import import_module
from types import SimpleNamespace
from urllib.parse import urlsplit

from channels.db import database_sync_to_async
from django.conf import settings
from django.contrib import auth
from django.http import parse_cookie
from django.http.request import split_domain_port
from django_tenants.utils import get_public_schema_name, remove_www, schema_context
from redis.exceptions import RedisError

from shared_apps.tenants.domain_cache import school_for_host

logger = logging.getLogger(__name__)

# Close codes (4000–4999 are the application's own).
CLOSE_UNAUTHENTICATED = 4401  # used by consumers that need a user
CLOSE_FORBIDDEN = 4403  # a suspended school, or a page of another site opening the socket
CLOSE_UNKNOWN_SCHOOL = 4404


def _header(scope, name: bytes) -> str:
    for key, value in scope.get("headers", []):
        if key == name:
            return value.decode("latin1")
    return ""


def _hostname(host_header: str) -> str:
    """The host name HTTP routing would use: no port, lower case, no leading "www."."""
    domain, _port = split_domain_port(host_header)
    return remove_www(domain)


def _school_for_host_in_public(hostname: str):
    # The lookup reads the public schema on a cache miss, and the cache's key function
    # prefixes the current schema: both need the public schema, whatever this thread's
    # connection was left on.
    with schema_context(get_public_schema_name()):
        return school_for_host(hostname)


async def _refuse(receive, send, code: int) -> None:
    # Take the client's websocket.connect first, as a consumer would, then refuse it.
    await receive()
    await send({"type": "websocket.close", "code": code})


class TenantFromHostMiddleware:
    """Resolve the Host header to a School in `scope["tenant"]`; refuse unknown, suspended and foreign.

    Only for the "websocket" branch of the protocol router. The platform's own site (public
    schema) and the template school serve no sockets: every consumer may assume a school schema.
    A browser always sends Origin; a page of another site must not open a socket carrying the
    school's session cookie, so an Origin whose host is not the school's host is refused.
    """

    def __init__(self, inner):
        self.inner = inner

    async def __call__(self, scope, receive, send):
        if scope["type"] != "websocket":
            raise ValueError("TenantFromHostMiddleware only serves WebSocket connections.")
        hostname = _hostname(_header(scope, b"host"))
        school = await database_sync_to_async(_school_for_host_in_public)(hostname) if hostname else None
        if school is None or school.schema_name == get_public_schema_name() or school.is_template:
            return await _refuse(receive, send, CLOSE_UNKNOWN_SCHOOL)
        if school.is_suspended:
            return await _refuse(receive, send, CLOSE_FORBIDDEN)
        origin = _header(scope, b"origin")
        if origin and _hostname(urlsplit(origin).netloc) != hostname:
            return await _refuse(receive, send, CLOSE_FORBIDDEN)
        return await self.inner(dict(scope, tenant=school), receive, send)


def _session_and_user(schema_name: str, session_key: str | None):
    store = import_module(settings.SESSION_ENGINE).SessionStore
    with schema_context(schema_name):
        session = store(session_key)
        # Django's own lookup (backend, active user, session hash check); reading the user
        # also loads the session, so the scope never loads it later outside this schema.
        user = auth.get_user(SimpleNamespace(session=session))
        session.keys()
    return session, user


class SchoolAuthMiddleware:
    """Put the cookies, the session and the user into the scope, all read in the school's schema.

    Sessions live in each school's schema: a cookie issued by another school names no session
    here, so its holder is anonymous. Needs `scope["tenant"]` (TenantFromHostMiddleware above).
    The session is loaded; a consumer that changes it saves it with `in_school_schema`.
    """

    def __init__(self, inner):
        self.inner = inner

    async def __call__(self, scope, receive, send):
        cookies = parse_cookie(_header(scope, b"cookie"))
        session, user = await database_sync_to_async(_session_and_user)(
            scope["tenant"].schema_name, cookies.get(settings.SESSION_COOKIE_NAME)
        )
        return await self.inner(dict(scope, cookies=cookies, session=session, user=user), receive, send)


def TenantAwareStack(inner):  # noqa: N802 - named like channels' AuthMiddlewareStack
    """The school from the host, then its user: wrap the WebSocket URL router with this."""
    return TenantFromHostMiddleware(SchoolAuthMiddleware(inner))


def schema_group(scope, *parts: str) -> str:
    """A channel group name that carries the school's schema: `schema_group(scope, "lesson", "7")`."""
    if not parts:
        raise ValueError("A group name needs at least one part after the schema.")
    return f"{scope['tenant'].schema_name}.{'.'.join(str(part) for part in parts)}"


def in_school_schema(scope) -> Callable:
    """Decorate a sync function so that awaiting it runs it in a thread, in the scope's school schema.

        @in_school_schema(self.scope)
        def email():
            return User.objects.values_list("email", flat=True).get(pk=user_id)

        address = await email()
    """
    schema_name = scope["tenant"].schema_name

    def decorate(func):
        @functools.wraps(func)
        def in_schema(*args, **kwargs):
            with schema_context(schema_name):
                return func(*args, **kwargs)

        return database_sync_to_async(in_schema)

    return decorate


def school_database_sync_to_async(method):
    """`database_sync_to_async` for a consumer's sync method, run in its scope's school schema."""

    @functools.wraps(method)
    def in_schema(self, *args, **kwargs):
        with schema_context(self.scope["tenant"].schema_name):
            return method(self, *args, **kwargs)

    return database_sync_to_async(in_schema)


# Consumers: the relay down at connect, and the shape of a browser's JSON ---------------------------
CLOSE_RELAY_LOST = 4503  # the channel layer (Redis) failed: the page reconnects later
RELAY_FAILURES = (OSError, RedisError)  # redis-py's ConnectionError/TimeoutError are RedisErrors


class RelayGuard:
    """Mixin (first base) for consumers: Redis down when a socket opens is the designed refusal.

    Channels subscribes every consumer to the channel layer before it sees the handshake; with Redis
    away that raised out of the consumer, and Daphne answered the upgrade with HTTP 500. Refused
    here instead, as a consumer refuses (closed before it is accepted: 4503, which the page reads as
    "reconnecting"). A relay that fails later, on an open socket, closes it with the same code.
    """

    async def __call__(self, scope, receive, send):
        self.channel_name = None
        try:
            return await super().__call__(scope, receive, send)
        except RELAY_FAILURES:
            logger.warning("socket %s: channel layer unavailable", scope.get("path"), exc_info=True)
            if self.channel_name is None:  # never subscribed: the handshake is still waiting
                return await _refuse(receive, send, CLOSE_RELAY_LOST)
            with contextlib.suppress(Exception):  # the socket may be gone already
                await send({"type": "websocket.close", "code": CLOSE_RELAY_LOST})


MAX_JSON_DEPTH = 32


class BadMessage(ValueError):
    """A browser's message that is not a usable JSON object; `code` names why."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def json_object(text: str, *, max_depth: int = MAX_JSON_DEPTH) -> dict:
    """`text` as a JSON object, or BadMessage: invalid_json, too_deep, nul_character, invalid_message.

    Deep nesting is refused (json raises RecursionError past ~1,000 levels, which used to escape the
    consumers and close the socket with 1011), and so is a NUL character anywhere (`"\\u0000"`
    decodes to one, and Postgres text refuses it, which also ended in 1011). The walk is iterative.
    """
    try:
        content = json.loads(text)
    except (ValueError, RecursionError):
        raise BadMessage("invalid_json") from None
    if not isinstance(content, dict):
        raise BadMessage("invalid_message")
    stack = [(content, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, str):
            if "\x00" in value:
                raise BadMessage("nul_character")
        elif isinstance(value, dict | list):
            if depth > max_depth:
                raise BadMessage("too_deep")
            items = [*value.keys(), *value.values()] if isinstance(value, dict) else value
            stack.extend((item, depth + 1) for item in items)
    return content
