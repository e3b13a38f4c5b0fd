"""allauth's events that become notifications (allauth offers signals as its only hook)."""

from allauth.account.signals import email_confirmed, password_changed, password_reset, password_set
from django.dispatch import receiver

from tenant_apps.accounts.notification_kinds import PASSWORD_CHANGED, WELCOME
from tenant_apps.notifications.services import notify


@receiver(password_changed, dispatch_uid="accounts.password_changed")
@receiver(password_reset, dispatch_uid="accounts.password_reset")
@receiver(password_set, dispatch_uid="accounts.password_set")
def _tell_about_password_change(sender, request, user, **kwargs):
    notify(user, PASSWORD_CHANGED, url="/accounts/password/change/")


@receiver(email_confirmed, dispatch_uid="accounts.welcome")
def _welcome_the_new_student(sender, request, email_address, **kwargs):
    user = email_address.user
    if user.is_student:
        notify(user, WELCOME, {"name": user.get_short_name()}, url="/student/")
