from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClassroomConfig(AppConfig):
    name = "classroom"
    label = "classroom"
    verbose_name = _("Classroom")

    def ready(self):
        from classroom.stage import announce_live_answers
        from tenant_apps.worksheets.live import on_live_answers

        on_live_answers(announce_live_answers)
