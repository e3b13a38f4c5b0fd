"""URLs of the platform site (the bare domain, public schema)."""

from django.contrib import admin
from django.urls import include, path

from shared_apps.platform import views as platform

urlpatterns = [
    path("", platform.landing, name="landing"),
    path("signup/", platform.signup, name="signup"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
