from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "tenant_apps.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from tenant_apps.accounts import signals  # noqa: F401 - connects allauth's events
        from tenant_apps.accounts.notification_kinds import register_kinds

        register_kinds()
