"""YooKassa: the official `yookassa` SDK against a local fake of its API (tests/fakes/yookassa_server.py).

Notifications are not signed by YooKassa: the platform's endpoint fetches the payment again from the
API and acts on what the API says, never on the notification's body.
"""

import html
import json
import re
import urllib.error
import urllib.request

import pytest
from django.test.utils import override_settings
from django_tenants.utils import schema_context

from billing.models import LedgerEntry, Pass, Payment, Refund, WebhookEvent
from shared_apps.tenants.domain_cache import forget_school
from shared_apps.tenants.models import School
from tests.billing.test_checkout import local
from tests.fakes.yookassa_server import DECLINED_CARD, FakeYooKassa

NOTIFICATIONS = "/webhooks/yookassa/"


def messages_on(response) -> list[str]:
    found = re.findall(r'<li class="message[^"]*">(.*?)</li>', response.content.decode())
    return [html.unescape(text) for text in found]


@pytest.fixture(scope="session")
def yookassa_fake():
    with FakeYooKassa(shop_id="505050", secret_key="test_panda_secret") as fake:
        with override_settings(YOOKASSA_SHOP_ID=fake.shop_id, YOOKASSA_SECRET_KEY=fake.secret_key,
                               YOOKASSA_API_BASE=fake.api_url):
            yield fake


@pytest.fixture
def yookassa(yookassa_fake, alpha):
    """alpha takes payments through YooKassa; the fake starts empty."""
    yookassa_fake.reset()
    School.objects.filter(pk=alpha.school.pk).update(payment_provider="yookassa")
    forget_school(alpha.school)
    yield yookassa_fake
    yookassa_fake.reset()


@pytest.fixture
def student(client_for, alpha):
    return client_for(alpha, alpha.student)


def start(student, enrollment, package) -> str:
    response = student.post("/billing/checkout/", {"product": package.pk, "enrollment": enrollment.pk})
    assert response.status_code == 302, response.content
    return response["Location"]


def notify(platform_client, body: bytes):
    return platform_client.post(NOTIFICATIONS, data=body, content_type="application/json")


def in_alpha(alpha):
    return schema_context(alpha.school.schema_name)


def test_a_student_pays_on_yookassas_confirmation_page_and_gets_the_pass(
    alpha, enrollment, package, student, yookassa, platform_client
):
    confirmation = start(student, enrollment, package)

    payment = Payment.objects.get()
    assert payment.provider == "yookassa" and confirmation == f"{yookassa.url}/confirm/{payment.provider_session_id}"
    at_api = yookassa.payments[payment.provider_session_id]
    assert at_api["amount"] == {"value": "1990.00", "currency": "RUB"}
    assert at_api["metadata"]["schema"] == alpha.school.schema_name
    assert at_api["metadata"]["payment_id"] == str(payment.pk)
    # The SDK sent the key that makes a double click one payment.
    (method, path, headers), = [r for r in yookassa.requests if r[0] == "POST"]
    assert headers["Idempotence-Key"] == f"{alpha.school.schema_name}.payment.{payment.pk}"
    with urllib.request.urlopen(confirmation) as page:
        assert "<h1>Pay 1990.00 RUB</h1>" in page.read().decode()

    yookassa.hold_notifications = True
    status, back = yookassa.pay(payment.provider_session_id)
    assert status == 303 and back == f"http://{alpha.host}/billing/checkout/{payment.pk}/success/"

    page = student.get(local(back), follow=True)
    assert messages_on(page)[0].startswith("Paid! 8 lessons, valid until ")
    lesson_pass = Pass.objects.get(payment=payment)
    assert list(lesson_pass.ledger.values_list("kind", "change")) == [("purchase", 8)]

    # The notification arrives afterwards: confirmed again at the API, nothing more happens.
    assert notify(platform_client, yookassa.notification(payment.provider_session_id)).content == b"paid"
    with in_alpha(alpha):
        assert Pass.objects.count() == 1 and LedgerEntry.objects.count() == 1


def test_a_closed_tab_is_paid_by_the_notification_and_a_replay_changes_nothing(
    alpha, enrollment, package, student, yookassa, platform_client
):
    start(student, enrollment, package)
    payment = Payment.objects.get()
    yookassa.hold_notifications = True
    yookassa.pay(payment.provider_session_id)

    body = yookassa.notification(payment.provider_session_id)
    first, again = notify(platform_client, body), notify(platform_client, body)

    assert (first.content, again.content) == (b"paid", b"duplicate")
    with in_alpha(alpha):
        assert Payment.objects.get().status == "paid" and Pass.objects.count() == 1
        assert WebhookEvent.objects.filter(provider="yookassa").count() == 1


def test_a_forged_succeeded_notification_for_a_pending_payment_grants_nothing(
    alpha, enrollment, package, student, yookassa, platform_client
):
    start(student, enrollment, package)
    payment = Payment.objects.get()
    forged = yookassa.notification(payment.provider_session_id, "payment.succeeded", status="succeeded", paid=True)

    response = notify(platform_client, forged)

    assert (response.status_code, response.content) == (200, b"pending")  # the API says: still pending
    with in_alpha(alpha):
        assert Payment.objects.get().status == "pending"
        assert not Pass.objects.exists() and not LedgerEntry.objects.exists()
    # When the student really pays, the genuine notification is still processed.
    yookassa.hold_notifications = True
    yookassa.pay(payment.provider_session_id)
    assert notify(platform_client, yookassa.notification(payment.provider_session_id)).content == b"paid"


@pytest.mark.parametrize("body", [
    json.dumps({"type": "notification", "event": "payment.succeeded",
                "object": {"id": "2f5e0c46-0000-5000-8000-000000000000", "status": "succeeded"}}).encode(),
    b"not json",
    json.dumps({"type": "notification", "event": "refund.succeeded", "object": {}}).encode(),
], ids=["a payment the API does not know", "garbage", "no payment"])
def test_a_notification_the_api_cannot_confirm_is_refused(alpha, yookassa, platform_client, body):
    response = notify(platform_client, body)

    assert response.status_code == 400
    with in_alpha(alpha):
        assert not WebhookEvent.objects.exists() and not Pass.objects.exists()


def test_a_declined_card_creates_nothing_and_says_so(alpha, enrollment, package, student, yookassa):
    start(student, enrollment, package)
    payment = Payment.objects.get()

    status, back = yookassa.pay(payment.provider_session_id, DECLINED_CARD)
    page = student.get(local(back), follow=True)

    assert messages_on(page) == ["Your card was declined. Nothing was charged; you can try another card."]
    assert Payment.objects.get().status == "failed" and not Pass.objects.exists()


def test_the_api_requires_an_idempotence_key(yookassa):
    import base64

    body = json.dumps({"amount": {"value": "10.00", "currency": "RUB"}, "capture": True,
                       "confirmation": {"type": "redirect", "return_url": "http://alpha.localhost/"}}).encode()
    token = base64.b64encode(f"{yookassa.shop_id}:{yookassa.secret_key}".encode()).decode()
    request = urllib.request.Request(f"{yookassa.api_url}/payments", data=body, method="POST",
                                     headers={"Authorization": f"Basic {token}", "Content-Type": "application/json"})

    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request)

    assert refused.value.code == 400
    assert json.loads(refused.value.read())["parameter"] == "Idempotence-Key"
    assert yookassa.payments == {}


def test_a_refund_through_yookassa_agrees_with_the_ledger_and_more_is_refused(
    alpha, enrollment, package, student, yookassa, client_for
):
    start(student, enrollment, package)
    payment = Payment.objects.get()
    yookassa.hold_notifications = True
    student.get(local(yookassa.pay(payment.provider_session_id)[1]))
    manager = client_for(alpha, alpha.manager)

    manager.post(f"/manager/payments/{payment.pk}/", {"amount": "990.00", "lessons_removed": 4, "reason": "Ill"})
    too_much = manager.post(f"/manager/payments/{payment.pk}/", {"amount": "1000.01", "lessons_removed": 0,
                                                                 "reason": "More"})

    assert too_much.status_code == 422
    at_api = list(yookassa.refunds.values())
    assert [(r["payment_id"], r["amount"]) for r in at_api] == [
        (payment.provider_session_id, {"value": "990.00", "currency": "RUB"})
    ]
    assert yookassa.payments[payment.provider_session_id]["refunded_amount"]["value"] == "990.00"
    (ours,) = Refund.objects.all()
    assert (ours.amount, ours.provider_refund_id, ours.by) == (990_00, at_api[0]["id"], alpha.manager)
    assert LedgerEntry.objects.get(kind="refund").change == -4


def test_without_yookassa_credentials_the_school_is_not_open_for_payments(
    alpha, enrollment, package, student, yookassa, settings
):
    settings.YOOKASSA_SHOP_ID = ""

    page = student.post("/billing/checkout/", {"product": package.pk, "enrollment": enrollment.pk}, follow=True)

    assert messages_on(page) == ["Payments are not open yet: the school has not connected its payment account."]
    assert not Payment.objects.exists()


def test_the_manager_chooses_the_provider(alpha, client_for):
    manager = client_for(alpha, alpha.manager)

    page = manager.post("/manager/payment-account/", {"payment_provider": "yookassa"}, follow=True)

    assert messages_on(page) == ["Payment provider saved."]
    assert School.objects.get(pk=alpha.school.pk).payment_provider == "yookassa"
    assert manager.post("/manager/payment-account/", {"payment_provider": "paypal"}).status_code == 422
