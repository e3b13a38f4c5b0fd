from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WhiteboardConfig(AppConfig):
    name = "classroom.whiteboard"
    label = "whiteboard"
    verbose_name = _("Whiteboard")
