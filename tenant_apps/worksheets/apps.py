from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorksheetsConfig(AppConfig):
    name = "tenant_apps.worksheets"
    label = "worksheets"
    verbose_name = _("Worksheets")

    def ready(self):
        from tenant_apps.materials.hooks import register_kind
        from tenant_apps.worksheets.selectors import worksheet_stage_payload

        register_kind("worksheet", payload=worksheet_stage_payload, preview_template="worksheets/_preview.html")
