"""Writes on accounts: users and login links."""

import hashlib
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.db import connection, transaction
from django.utils import timezone

from tenant_apps.accounts.models import LoginLink, User

_LOGIN_LINK_SALT = "accounts.login-link"


class LoginLinkInvalid(Exception):
    """The link is forged, expired, already used, or for another school."""


@transaction.atomic
def user_create(*, email: str, password: str | None, full_name: str = "", **fields) -> User:
    """A user whose email counts as verified (created by a manager, a seed or signup of a school).

    Students who register themselves go through allauth instead and verify by email.
    """
    from allauth.account.models import EmailAddress

    user = User.objects.create_user(email, password, full_name=full_name, **fields)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def login_link_create(*, user: User, now: datetime | None = None) -> str:
    """A signed token for the user's school (the current schema). Call inside that schema."""
    now = now or timezone.now()
    raw = secrets.token_urlsafe(32)
    LoginLink.objects.create(
        user=user,
        token_hash=_hash(raw),
        expires_at=now + timedelta(seconds=settings.LOGIN_LINK_MAX_AGE_SECONDS),
    )
    return signing.dumps({"s": connection.schema_name, "t": raw}, salt=_LOGIN_LINK_SALT)


@transaction.atomic
def login_link_redeem(*, token: str, now: datetime | None = None) -> User:
    """The user the link logs in, marking it used. Call on the school's host (its schema)."""
    now = now or timezone.now()
    try:
        payload = signing.loads(token, salt=_LOGIN_LINK_SALT)
    except signing.BadSignature as error:
        raise LoginLinkInvalid from error
    if payload.get("s") != connection.schema_name:
        raise LoginLinkInvalid
    # Locked so that two clicks in two tabs log in once.
    link = (
        LoginLink.objects.select_for_update()
        .select_related("user")
        .filter(token_hash=_hash(payload.get("t", "")))
        .first()
    )
    if link is None or link.used_at is not None or link.expires_at <= now or not link.user.is_active:
        raise LoginLinkInvalid
    link.used_at = now
    link.save(update_fields=["used_at"])
    return link.user
