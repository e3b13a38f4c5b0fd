from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TenantsConfig(AppConfig):
    name = "shared_apps.tenants"
    label = "tenants"
    verbose_name = _("Schools")

    def ready(self):
        from shared_apps.tenants import domain_cache

        domain_cache.connect_invalidation()
