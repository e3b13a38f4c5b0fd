"""What billing tells people (through notifications.notify, after the paying transaction commits)."""

from django.utils import formats, timezone

from billing.money import format_money
from billing.notification_kinds import PAYMENT_SUCCEEDED
from tenant_apps.notifications.services import notify


def tell_payment_succeeded(lesson_pass) -> None:
    student = lesson_pass.enrollment.student
    zone = student.zone(default=_school_zone())
    valid_until = timezone.localtime(lesson_pass.valid_until, zone)
    payment = lesson_pass.payment
    notify(
        student,
        PAYMENT_SUCCEEDED,
        {
            "lessons": lesson_pass.lessons,
            "language": lesson_pass.enrollment.language.name,
            "valid_until": formats.date_format(valid_until, "DATETIME_FORMAT"),
            "amount": format_money(payment.amount, payment.currency, student.language or "ru") if payment else "",
        },
        url="/student/payments/",
    )


def _school_zone() -> str:
    from billing.services import _school

    return _school().time_zone
