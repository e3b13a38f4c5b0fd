"""Payment providers behind one interface (base.PaymentProvider): Stripe and YooKassa."""

from billing.providers.base import ProviderError


def get_provider(name: str = "stripe"):
    if name == "stripe":
        from billing.providers.stripe_provider import StripeProvider

        return StripeProvider()
    if name == "yookassa":
        from billing.providers.yookassa_provider import YooKassaProvider

        return YooKassaProvider()
    raise ProviderError(f"Unknown payment provider {name!r}")
