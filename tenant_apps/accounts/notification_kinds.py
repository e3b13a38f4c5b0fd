"""The notifications accounts sends (registered in AccountsConfig.ready)."""

from django.utils.translation import gettext_lazy as _

from tenant_apps.notifications.kinds import EMAIL, Kind, register

INVITATION_ACCEPTED = "accounts.invitation_accepted"
PASSWORD_CHANGED = "accounts.password_changed"
WELCOME = "accounts.welcome"


def register_kinds() -> None:
    register(Kind(INVITATION_ACCEPTED, _("A colleague accepted your invitation"), frozenset({EMAIL})))
    register(Kind(PASSWORD_CHANGED, _("Your password was changed"), frozenset({EMAIL}), mandatory=True))
    register(Kind(WELCOME, _("Welcome to the school"), frozenset()))
