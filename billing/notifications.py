"""What billing tells people (through notifications.notify, after the paying transaction commits)."""

from django.utils import formats, timezone, translation

from billing.money import format_money
from billing.notification_kinds import PAYMENT_SUCCEEDED
from tenant_apps.notifications.services import notify


def tell_payment_succeeded(lesson_pass) -> None:
    student = lesson_pass.enrollment.student
    zone = student.zone(default=_school_zone())
    valid_until = timezone.localtime(lesson_pass.valid_until, zone)
    payment = lesson_pass.payment
    language = student.language or _school().default_language
    # The context is kept with the notification as plain strings, written in the student's language.
    with translation.override(language):
        context = {
            "lessons": lesson_pass.lessons,
            "language": str(lesson_pass.enrollment.language.display_name),
            "valid_until": formats.date_format(valid_until, "DATETIME_FORMAT"),
            "amount": format_money(payment.amount, payment.currency, language) if payment else "",
        }
    notify(student, PAYMENT_SUCCEEDED, context, url="/student/payments/")


def _school():
    from billing.services import _school as current_school

    return current_school()


def _school_zone() -> str:
    return _school().time_zone
