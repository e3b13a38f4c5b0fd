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

        # A newcomer who arrived through a referral link: allauth's explicit "signed up" event (not a
        # model signal) is where billing learns of the signup; accounts imports nothing of billing.
        from allauth.account.signals import user_signed_up

        from billing.free_lessons import on_user_signed_up

        user_signed_up.connect(on_user_signed_up, dispatch_uid="billing.referral_signup")
