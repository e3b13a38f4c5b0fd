from django.utils.translation import gettext_lazy as _

from tenant_apps.notifications.kinds import EMAIL, Kind, register

PAYMENT_SUCCEEDED = "billing.payment_succeeded"
EXTENSION_OFFER = "billing.extension_offer"


def register_kinds() -> None:
    register(Kind(PAYMENT_SUCCEEDED, _("Payment received, pass ready"), frozenset({EMAIL})))
    register(Kind(EXTENSION_OFFER, _("Your pass ends soon: extend it"), frozenset({EMAIL})))
