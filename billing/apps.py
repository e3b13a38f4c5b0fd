from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BillingConfig(AppConfig):
    name = "billing"
    label = "billing"
    verbose_name = _("Billing")

    def ready(self):
        from billing.notification_kinds import register_kinds
        from billing.reminders import extension_offers
        from tenant_apps.notifications import reminders

        register_kinds()
        reminders.register("billing.extension_offers", extension_offers)
