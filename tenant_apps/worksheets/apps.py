from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorksheetsConfig(AppConfig):
    name = "tenant_apps.worksheets"
    label = "worksheets"
    verbose_name = _("Worksheets")
