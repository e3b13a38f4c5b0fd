from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebsiteConfig(AppConfig):
    name = "tenant_apps.website"
    label = "website"
    verbose_name = _("School website")

    def ready(self):
        from tenant_apps.website import signals
        from tenant_apps.website.notification_kinds import register_kinds

        register_kinds()
        signals.connect()
