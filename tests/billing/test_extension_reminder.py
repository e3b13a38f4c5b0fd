"""The extension offer is also sent as a notification, once, when the offer opens."""

from datetime import timedelta

from django.core import mail

from billing.models import Payment
from billing.services import payment_mark_paid
from tenant_apps.notifications.models import Notification
from tenant_apps.notifications.reminders import reminders_send_due
from tests.billing.test_ledger_smoke import PAID_AT


def test_the_offer_goes_out_once_on_day_27_and_not_on_day_26(alpha, enrollment, package, extension,
                                                             django_capture_on_commit_callbacks):
    payment = Payment.objects.create(student=alpha.student, enrollment=enrollment, product=package,
                                     amount=package.price, currency="RUB")
    payment_mark_paid(payment=payment, now=PAID_AT)
    Notification.objects.all().delete()

    with django_capture_on_commit_callbacks(execute=True):
        reminders_send_due(now=PAID_AT + timedelta(days=26))
        reminders_send_due(now=PAID_AT + timedelta(days=27))
        reminders_send_due(now=PAID_AT + timedelta(days=27, hours=1))

    (offer,) = Notification.objects.filter(kind="billing.extension_offer")
    assert offer.recipient_id == alpha.student.pk
    assert "8 lessons are left" in offer.body
    assert [m.to for m in mail.outbox if "ends tomorrow" in m.subject] == [["student@alpha.test"]]
