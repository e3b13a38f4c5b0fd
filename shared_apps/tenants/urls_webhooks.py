"""The payment providers' webhooks on the platform's domain (one endpoint per provider for every school)."""

from django.urls import path

from billing import views_platform

urlpatterns = [
    path("webhooks/stripe/", views_platform.stripe_platform_webhook, name="stripe_platform_webhook"),
    path("webhooks/yookassa/", views_platform.yookassa_webhook, name="yookassa_webhook"),
]
