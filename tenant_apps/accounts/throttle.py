"""Login throttling that slows a password guesser without locking the account's owner out.

Failed logins are counted per account (the email) and per client address, in the cache (whose keys
carry the schema, so each school counts its own). The first few failures cost nothing; after that each
further attempt must wait a delay that doubles with every failure (1 s, 2 s, 4 s … up to 15 minutes);
an attempt made while a delay runs is refused before the password is even checked, so guessing gains
nothing from it. Counts fade an hour after the last failure.

A browser that has logged in to the account before carries a signed "known device" cookie (set on each
successful login, a year long). From such a browser the account's and the address's counts do not apply,
only the device's own, so an attacker hammering the account elsewhere never locks its owner out.
"""

import secrets
import time
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import connection

FREE_FAILURES_PER_ACCOUNT = 3
FREE_FAILURES_PER_ADDRESS = 10  # many people may share one address (a school's office, a mobile NAT)
MAX_DELAY_SECONDS = 15 * 60
FORGET_AFTER_SECONDS = 60 * 60
DEVICE_COOKIE = "panda_device"
DEVICE_COOKIE_AGE = 365 * 24 * 3600


def delay_after(failures: int, free: int) -> int:
    """Seconds to wait after `failures` failures: none for the first `free`, then 1, 2, 4 … capped."""
    if failures < free:
        return 0
    return min(2 ** (failures - free), MAX_DELAY_SECONDS)


@dataclass(frozen=True)
class Attempt:
    """Who is trying: the account's email, the client's address, and the known device's id if any."""

    email: str
    address: str
    device: str | None

    @classmethod
    def of(cls, request, credentials: dict) -> "Attempt":
        email = str(credentials.get("email") or credentials.get("username") or "").strip().lower()
        return cls(email=email, address=_address(request), device=known_device(request, email))

    def counters(self) -> list[tuple[str, int]]:
        """(cache key, free failures) of each count that applies to this attempt."""
        if self.device:
            return [(f"login.fail.device.{self.device}", FREE_FAILURES_PER_ACCOUNT)]
        return [(f"login.fail.account.{self.email}", FREE_FAILURES_PER_ACCOUNT),
                (f"login.fail.address.{self.address}", FREE_FAILURES_PER_ADDRESS)]


def _address(request) -> str:
    from allauth.account.adapter import get_adapter

    try:
        return get_adapter(request).get_client_ip(request)
    except PermissionDenied:
        return "unknown"


def seconds_to_wait(attempt: Attempt, now: float | None = None) -> int:
    """How long this attempt must still wait (0: it may try now)."""
    now = time.time() if now is None else now
    waits = [0]
    for key, free in attempt.counters():
        failures, last = cache.get(key) or (0, 0.0)
        waits.append(int(last + delay_after(failures, free) - now + 0.999))
    return max(waits)


def failure_recorded(attempt: Attempt, now: float | None = None) -> None:
    now = time.time() if now is None else now
    for key, _free in attempt.counters():
        failures, _last = cache.get(key) or (0, 0.0)
        cache.set(key, (failures + 1, now), FORGET_AFTER_SECONDS + MAX_DELAY_SECONDS)


def success_recorded(attempt: Attempt) -> None:
    """The owner got in: the device starts afresh (the account's count stays, an attacker may still run)."""
    if attempt.device:
        cache.delete(f"login.fail.device.{attempt.device}")


# The known-device cookie ---------------------------------------------------------------------------
def _salt() -> str:
    return f"panda.known-device.{connection.schema_name}"  # a cookie of one school means nothing in another


def known_device(request, email: str) -> str | None:
    """The device id from a valid cookie that names this account, else None."""
    value = request.COOKIES.get(DEVICE_COOKIE)
    if not value or not email:
        return None
    try:
        data = signing.loads(value, salt=_salt(), max_age=DEVICE_COOKIE_AGE)
    except signing.BadSignature:
        return None
    return data.get("d") if data.get("e") == email else None


def remember_device(request, response, email: str) -> None:
    """Set (or renew) the known-device cookie for this account on the login's response."""
    device = known_device(request, email.lower()) or secrets.token_urlsafe(16)
    value = signing.dumps({"e": email.lower(), "d": device}, salt=_salt())
    response.set_cookie(DEVICE_COOKIE, value, max_age=DEVICE_COOKIE_AGE, httponly=True, samesite="Lax",
                        secure=settings.SESSION_COOKIE_SECURE)


class LoginThrottleBackend:
    """First in AUTHENTICATION_BACKENDS: refuses, before any password is checked, an attempt that must
    still wait. It covers every login form (allauth's, the admin's); it never logs anyone in itself."""

    def authenticate(self, request, **credentials):
        if request is None or "password" not in credentials:
            return None
        if seconds_to_wait(Attempt.of(request, credentials)) > 0:
            request.login_throttled = True  # the refusal is not one more failure (see failure_signalled)
            raise PermissionDenied  # Django stops here and sends user_login_failed
        return None

    # No get_user(): this backend never logs anyone in, so no session names it (and Django's test
    # client's force_login, which picks the first backend with get_user, skips it).


def failure_signalled(sender, credentials, request=None, **kwargs):
    """`user_login_failed`: count a real failure (a refused, throttled attempt is not one)."""
    if request is not None and not getattr(request, "login_throttled", False):
        failure_recorded(Attempt.of(request, credentials))


def success_signalled(sender, request, user, **kwargs):
    """`user_logged_in`: the device that got in starts afresh."""
    if request is not None:
        success_recorded(Attempt.of(request, {"email": user.email}))
