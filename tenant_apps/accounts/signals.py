"""allauth's and Django's auth events: notifications, the language and zone at login, login throttling."""

from allauth.account.signals import email_confirmed, password_changed, password_reset, password_set
from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver
from django.utils import translation

from tenant_apps.accounts import throttle
from tenant_apps.accounts.localtime import zone_or_none
from tenant_apps.accounts.notification_kinds import PASSWORD_CHANGED, WELCOME
from tenant_apps.accounts.services import user_language_set, user_time_zone_set
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


@receiver(user_logged_in, dispatch_uid="accounts.language_and_zone_at_login")
def _keep_the_language_and_zone_just_used(sender, request, user, **kwargs):
    """The language the login page was read in is the person's choice; an empty zone takes the device's.

    Without this the profile's older language would win on the next page, and the login's own
    messages would come in a language the person did not just choose.
    """
    if request is None:
        return
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if chosen in {code for code, _name in settings.LANGUAGES}:
        user_language_set(user=user, language=chosen)
    elif user.language:
        # allauth renders "signed in as …" right after this signal: in the person's own language.
        translation.activate(user.language)
        request.LANGUAGE_CODE = user.language
    device = zone_or_none(request.COOKIES.get("tz"))
    if device is not None and not user.time_zone:
        user_time_zone_set(user=user, time_zone=device.key)


# Login throttling counts failures and forgives a known device (throttle.py); Django's auth signals are
# the one place every login form (allauth's, the admin's) reports to.
user_login_failed.connect(throttle.failure_signalled, dispatch_uid="accounts.login_failed")
user_logged_in.connect(throttle.success_signalled, dispatch_uid="accounts.logged_in")
