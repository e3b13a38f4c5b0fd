from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SchedulingConfig(AppConfig):
    name = "tenant_apps.scheduling"
    label = "scheduling"
    verbose_name = _("Scheduling")

    def ready(self):
        from billing.hooks import on_pass_activated
        from tenant_apps.notifications import reminders
        from tenant_apps.scheduling.notification_kinds import register_kinds
        from tenant_apps.scheduling.reminders import freezes_ended, lessons_soon, lessons_unmarked, proposals_lapsed
        from tenant_apps.scheduling.services import plan_book_on_pass_activated

        register_kinds()
        on_pass_activated(plan_book_on_pass_activated)
        reminders.register("scheduling.lessons_soon", lessons_soon)
        reminders.register("scheduling.lessons_unmarked", lessons_unmarked)
        reminders.register("scheduling.freezes_ended", freezes_ended)
        reminders.register("scheduling.proposals_lapsed", proposals_lapsed)
