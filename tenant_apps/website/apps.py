from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebsiteConfig(AppConfig):
    name = "tenant_apps.website"
    label = "website"
    verbose_name = _("School website")
