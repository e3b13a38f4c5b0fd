"""ICE servers for a participant's browser, with short-lived TURN credentials (coturn's REST API scheme).

coturn (`use-auth-secret`, `static-auth-secret`) holds no user list: it accepts a username
"<expiry unix time>:<anything>" whose password is base64(HMAC-SHA1(secret, username)), until the
expiry. So the app mints one per connection from the shared TURN_SECRET, and production adds a TURN
server by setting TURN_URLS and TURN_SECRET: no code changes.
"""

import base64
import hashlib
import hmac
import time

from django.conf import settings


def turn_credential(*, secret: str, user_key: str, ttl: int, now: float | None = None) -> dict:
    """{"username": "<expiry>:<user_key>", "credential": base64(HMAC-SHA1(secret, username))}."""
    expiry = int(now if now is not None else time.time()) + ttl
    username = f"{expiry}:{user_key}"
    digest = hmac.new(secret.encode(), username.encode(), hashlib.sha1).digest()
    return {"username": username, "credential": base64.b64encode(digest).decode("ascii")}


def ice_servers(*, schema_name: str, user_id: int, now: float | None = None) -> list[dict]:
    """The RTCPeerConnection `iceServers` for one participant: STUN as configured, TURN with a fresh credential.

    The username carries the school's schema as well as the user id: ids repeat across schools,
    and coturn's per-user quota and logs should tell two schools' users apart.
    """
    servers = []
    if settings.STUN_URLS:
        servers.append({"urls": list(settings.STUN_URLS)})
    if settings.TURN_URLS and settings.TURN_SECRET:
        credential = turn_credential(
            secret=settings.TURN_SECRET, user_key=f"{schema_name}.{user_id}", ttl=settings.TURN_TTL, now=now
        )
        servers.append({"urls": list(settings.TURN_URLS), **credential})
    return servers
