"""Writes on accounts: users and login links."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from tenant_apps.accounts.models import Invitation, LoginLink, User

INVITATION_VALID_DAYS = 7

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
        LoginLink.objects.select_for_update(of=("self",), no_key=True)  # not the user's row too
        .select_related("user")
        .filter(token_hash=_hash(payload.get("t", "")))
        .first()
    )
    if link is None or link.used_at is not None or link.expires_at <= now or not link.user.is_active:
        raise LoginLinkInvalid
    link.used_at = now
    link.save(update_fields=["used_at"])
    return link.user


class InvitationInvalid(Exception):
    """The invitation link is unknown, used or expired."""


@transaction.atomic
def invitation_create(
    *, email: str, by: User, as_teacher=False, as_methodologist=False, as_manager=False, full_name="",
    invite_url_builder, now: datetime | None = None,
) -> Invitation:
    """Invite someone to the staff; the email leaves after commit.

    `invite_url_builder(token)` returns the absolute link (it knows the school's host).
    """
    now = now or timezone.now()
    raw = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        email=email.strip().lower(),
        full_name=full_name,
        as_teacher=as_teacher,
        as_methodologist=as_methodologist,
        as_manager=as_manager,
        token_hash=_hash(raw),
        invited_by=by,
        expires_at=now + timedelta(days=INVITATION_VALID_DAYS),
    )
    url = invite_url_builder(raw)
    school_name = getattr(connection.tenant, "name", "")
    language = by.language or translation.get_language()

    with translation.override(language):
        context = {"invitation": invitation, "url": url, "school_name": school_name, "inviter": by}
        subject = render_to_string("accounts/email/invitation_subject.txt", context).strip()
        body = render_to_string("accounts/email/invitation.txt", context)

    # The invitee has no account yet, so this is a plain email rather than a notification;
    # Celery retries it while the mail server is away.
    from tenant_apps.accounts.tasks import send_email_task

    transaction.on_commit(lambda: send_email_task.delay(subject, body, [invitation.email]))
    return invitation


def invitation_for_token(*, token: str, now: datetime | None = None) -> Invitation:
    now = now or timezone.now()
    invitation = Invitation.objects.filter(token_hash=_hash(token)).first()
    if invitation is None or invitation.accepted_at is not None or invitation.expires_at <= now:
        raise InvitationInvalid
    return invitation


@transaction.atomic
def invitation_accept(
    *, token: str, password: str | None, full_name: str = "", now: datetime | None = None
) -> User:
    """Create the invitee's account (or give an existing one the roles) and mark the invitation used."""
    now = now or timezone.now()
    invitation = invitation_for_token(token=token, now=now)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)  # two tabs, one account
    if invitation.accepted_at is not None:
        raise InvitationInvalid
    user = User.objects.filter(email__iexact=invitation.email).first()
    if user is None:
        user = user_create(
            email=invitation.email, password=password, full_name=full_name or invitation.full_name,
            **invitation.role_flags,
        )
    else:
        granted = [flag for flag, wanted in invitation.role_flags.items() if wanted]
        for flag in granted:
            setattr(user, flag, True)
        user.save(update_fields=granted)
    invitation.accepted_at = now
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    if invitation.invited_by is not None:
        from tenant_apps.accounts.notification_kinds import INVITATION_ACCEPTED
        from tenant_apps.notifications.services import notify

        notify(
            invitation.invited_by, INVITATION_ACCEPTED,
            {"name": user.get_full_name(), "roles": ", ".join(invitation.role_labels)},
            url="/manager/staff/",
        )
    return user


# The viewer's own language and zone ----------------------------------------------------------
def user_language_set(*, user: User, language: str) -> User:
    """The interface language a person chose (header switch, login page): kept on their profile."""
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])
    return user


def user_time_zone_set(*, user: User, time_zone: str) -> User:
    """A valid IANA zone name (checked by the caller's form) becomes the person's zone for good."""
    if user.time_zone != time_zone:
        user.time_zone = time_zone
        user.save(update_fields=["time_zone"])
    return user


@dataclass
class ErasePlan:
    """What removing a person does: `goes` would be deleted with them, `stays` is the school's history."""

    goes: dict[str, int]
    stays: dict[str, int]


def user_erase_plan(user: User) -> ErasePlan:
    """Counts by kind (verbose plural names) of what erasing `user` deletes and what it keeps."""
    from django.contrib.admin.utils import NestedObjects
    from django.db import router

    collector = NestedObjects(using=router.db_for_write(User))
    collector.collect([user])
    goes = {str(model._meta.verbose_name_plural): len(objects) for model, objects in collector.data.items()
            if model is not User and objects}
    stays: dict[str, int] = {}
    for obj in collector.protected:
        name = str(obj._meta.verbose_name_plural)
        stays[name] = stays.get(name, 0) + 1
    return ErasePlan(goes=goes, stays=stays)


@transaction.atomic
def user_erase(*, user: User, by: User) -> User:
    """Remove a person who has history (lessons, passes, trials) the school must keep.

    Everything that would be deleted with them is deleted (notifications, their dictionary, sessions,
    login links...); the history stays, pointing at a row that no longer says who they were: no name, no
    email, no photo, no password, inactive. The ledger keeps every row.
    """
    if user.pk == by.pk:
        raise ValidationError(_("You cannot remove yourself."), code="self")
    user = User.objects.select_for_update().get(pk=user.pk)
    for relation in User._meta.related_objects:
        if relation.on_delete is models.CASCADE and not relation.many_to_many:
            relation.related_model._base_manager.filter(**{relation.field.name: user}).delete()
    user.groups.clear()
    user.user_permissions.clear()
    if user.photo:
        user.photo.delete(save=False)
    user.full_name = str(_("Removed person #%(id)s") % {"id": user.pk})
    user.email = f"removed-{user.pk}@removed.invalid"
    user.set_unusable_password()
    user.is_active = user.is_staff = user.is_superuser = False
    user.save()
    return user
