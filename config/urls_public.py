"""URLs of the platform site (the bare domain, public schema)."""

from django.urls import include, path

from shared_apps.platform import views as platform
from tenant_apps.accounts.admin_site import platform_admin_site

urlpatterns = [
    path("", platform.landing, name="landing"),
    path("signup/", platform.signup, name="signup"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("shared_apps.tenants.urls_webhooks")),
    path("admin/", platform_admin_site.urls),
]
