"""Paying through Stripe Checkout, with the real `stripe` library against the local fake Stripe.

The student's browser is Django's test client on alpha's host; "paying" is posting the fake's
hosted form (`stripe_api.pay`), and Stripe's webhook is the fake's signed event posted to our
endpoint through the test client (so it runs in the test's transaction).
"""

import html
import re
import threading
import time
import urllib.parse
import urllib.request
import zoneinfo
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import stripe
from django.utils import formats, translation

from billing.models import LedgerEntry, Pass, Payment, WebhookEvent
from devtools.fake_stripe import DECLINED_CARD, signature_header
from tests.billing.stripe_fixtures import *  # noqa: F403 (stripe_fake, stripe_api)
from tests.billing.stripe_fixtures import WEBHOOK_SECRET

WEBHOOK = "/billing/webhooks/stripe/"
PAID = "checkout.session.completed"


@pytest.fixture
def student(client_for, alpha):
    return client_for(alpha, alpha.student)


@pytest.fixture
def stripe_endpoint(client_for, alpha):
    """Stripe is nobody's session: an anonymous client on the school's host."""
    return client_for(alpha)


def start_checkout(client, enrollment, product) -> str:
    response = client.post("/billing/checkout/", {"product": product.pk, "enrollment": enrollment.pk})
    assert response.status_code == 302, response.content
    return response["Location"]


def session_id_of(hosted_url: str) -> str:
    return hosted_url.rstrip("/").rsplit("/", 1)[1]


def local(url: str) -> str:
    """A URL of ours as the test client wants it (path and query)."""
    parts = urllib.parse.urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def messages_on(response) -> list[str]:
    found = re.findall(r'<li class="message[^"]*">(.*?)</li>', response.content.decode())
    return [html.unescape(text) for text in found]


def post_webhook(client, payload: bytes, signature: str | None):
    headers = {} if signature is None else {"HTTP_STRIPE_SIGNATURE": signature}
    return client.post(WEBHOOK, data=payload, content_type="application/json", **headers)


def deliver(client, stripe_api, event):
    response = post_webhook(client, *stripe_api.signed(event))
    assert response.status_code == 200, response.content
    return response.content.decode()


def only_payment(alpha) -> Payment:
    (payment,) = Payment.objects.filter(student=alpha.student)
    return payment


def assert_nothing_bought(alpha):
    assert not Pass.objects.exists()
    assert not LedgerEntry.objects.exists()


# The happy path --------------------------------------------------------------------------------
@pytest.mark.access("billing:checkout", "billing:checkout_success", who="allowed")
def test_paying_for_a_package_gives_a_pass_and_says_until_when_in_the_students_zone(
    alpha, enrollment, package, student, stripe_endpoint, stripe_api
):
    alpha.student.time_zone = "America/New_York"
    alpha.student.save(update_fields=["time_zone"])

    hosted = start_checkout(student, enrollment, package)

    assert hosted.startswith(f"{stripe_api.url}/checkout/cs_test_")
    payment = only_payment(alpha)
    session = stripe_api.session(session_id_of(hosted))
    assert payment.status == "pending" and payment.provider_session_id == session["id"]
    assert (session["amount_total"], session["currency"]) == (1_990_00, "rub")
    assert session["metadata"] == {"schema": alpha.school.schema_name, "payment_id": str(payment.pk)}
    assert session["client_reference_id"] == f"{alpha.school.schema_name}-{payment.pk}"
    assert session["customer_email"] == alpha.student.email

    paid = stripe_api.pay(session["id"])
    assert paid.status == 303
    assert paid.location == f"http://{alpha.host}/billing/checkout/{payment.pk}/success/?session_id={session['id']}"

    page = student.get(local(paid.location), follow=True)

    lesson_pass = Pass.objects.get(payment=payment)
    with translation.override("en"):
        until = formats.date_format(
            lesson_pass.valid_until.astimezone(zoneinfo.ZoneInfo("America/New_York")), "DATETIME_FORMAT"
        )
    assert messages_on(page) == [f"Paid! 8 lessons, valid until {until}."]
    assert '<span class="stat-value">8</span> lessons left' in page.content.decode()
    payment.refresh_from_db()
    assert payment.status == "paid"
    assert payment.provider_payment_id == stripe_api.session(session["id"])["payment_intent"]
    assert lesson_pass.lessons == 8 and lesson_pass.valid_until == payment.paid_at + timedelta(days=28)
    assert list(LedgerEntry.objects.values_list("kind", "change", "balance_after")) == [("purchase", 8, 8)]

    # Stripe's webhook arrives after the return page did the work: nothing more happens.
    (event,) = stripe_api.events_of(PAID)
    assert deliver(stripe_endpoint, stripe_api, event) == "paid"
    assert Pass.objects.count() == 1 and LedgerEntry.objects.count() == 1


def test_a_student_who_closes_the_tab_after_paying_gets_the_pass_from_the_webhook(
    alpha, enrollment, package, student, stripe_endpoint, stripe_api
):
    hosted = start_checkout(student, enrollment, package)
    stripe_api.pay(session_id_of(hosted))  # the redirect back is never followed
    assert only_payment(alpha).status == "pending"

    (event,) = stripe_api.events_of(PAID)
    assert deliver(stripe_endpoint, stripe_api, event) == "paid"

    payment = only_payment(alpha)
    assert payment.status == "paid" and Pass.objects.filter(payment=payment, lessons=8).exists()
    assert LedgerEntry.objects.filter(kind="purchase").count() == 1
    page = student.get("/student/payments/")
    assert '<span class="stat-value">8</span> lessons left' in page.content.decode()


def test_a_one_lesson_package_says_one_lesson(alpha, enrollment, package, student, stripe_api):
    package.lessons = 1
    package.save(update_fields=["lessons"])
    hosted = start_checkout(student, enrollment, package)

    page = student.get(local(stripe_api.pay(session_id_of(hosted)).location), follow=True)

    assert messages_on(page)[0].startswith("Paid! 1 lesson, valid until ")


# Honest about what did not happen ---------------------------------------------------------
def test_a_declined_card_creates_no_pass_and_no_ledger_row_and_says_so(
    alpha, enrollment, package, student, stripe_api
):
    hosted = start_checkout(student, enrollment, package)
    session_id = session_id_of(hosted)

    declined = stripe_api.pay(session_id, DECLINED_CARD)

    assert declined.status == 402 and not declined.location
    assert '<p id="pay-error" role="alert" class="error">Your card was declined.</p>' in declined.html
    session = stripe_api.session(session_id)
    assert (session["status"], session["payment_status"]) == ("open", "unpaid")
    assert session["last_payment_error"]["code"] == "card_declined"
    assert stripe_api.events == []

    page = student.get(local(session["cancel_url"]), follow=True)  # the "Back" link

    assert messages_on(page) == ["Your card was declined. Nothing was charged; you can try another card."]
    payment = only_payment(alpha)
    assert payment.status == "failed" and payment.failure_message == "Your card was declined."
    assert 'badge-failed">declined<' in page.content.decode()
    assert_nothing_bought(alpha)


def test_a_declined_card_is_explained_in_the_students_language(alpha, enrollment, package, student, stripe_api):
    alpha.student.language = "ru"
    alpha.student.save(update_fields=["language"])
    hosted = start_checkout(student, enrollment, package)
    stripe_api.pay(session_id_of(hosted), DECLINED_CARD)

    page = student.get(local(stripe_api.session(session_id_of(hosted))["cancel_url"]), follow=True)

    (message,) = messages_on(page)
    assert re.search("[а-яё]", message, re.IGNORECASE) and "declined" not in message
    assert_nothing_bought(alpha)


def test_a_declined_then_paid_checkout_ends_paid(alpha, enrollment, package, student, stripe_endpoint, stripe_api):
    """Stripe's page lets the student try another card after a decline, even after going back."""
    hosted = start_checkout(student, enrollment, package)
    session_id = session_id_of(hosted)
    stripe_api.pay(session_id, DECLINED_CARD)
    student.get(local(stripe_api.session(session_id)["cancel_url"]))
    assert only_payment(alpha).status == "failed"

    stripe_api.pay(session_id)
    (event,) = stripe_api.events_of(PAID)
    deliver(stripe_endpoint, stripe_api, event)

    assert only_payment(alpha).status == "paid" and Pass.objects.count() == 1
    assert stripe_api.session(session_id)["last_payment_error"] is None


@pytest.mark.access("billing:checkout_cancel", who="allowed")
def test_cancelling_on_the_payment_page_creates_nothing_and_says_so(alpha, enrollment, package, student, stripe_api):
    hosted = start_checkout(student, enrollment, package)
    with urllib.request.urlopen(hosted) as response:  # the hosted page, as the browser gets it
        page = response.read().decode()
    cancel_url = stripe_api.session(session_id_of(hosted))["cancel_url"]
    assert local(cancel_url) == f"/billing/checkout/{only_payment(alpha).pk}/cancel/"
    assert f'<a href="{html.escape(cancel_url)}">Back</a>' in page
    assert '<label for="card-number">Card number</label>' in page

    back = student.get(local(cancel_url), follow=True)

    assert messages_on(back) == ["The payment was cancelled. Nothing was charged."]
    assert only_payment(alpha).status == "cancelled"
    assert_nothing_bought(alpha)


def test_when_stripe_cannot_be_reached_nothing_is_charged_and_the_student_is_told(
    alpha, enrollment, package, student, stripe_api, settings
):
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # nothing listens on the discard port

    page = student.post("/billing/checkout/", {"product": package.pk, "enrollment": enrollment.pk}, follow=True)

    assert page.redirect_chain == [("/student/payments/", 302)]
    assert messages_on(page) == ["The payment page is not available right now. Nothing was charged; please try again."]
    failed = only_payment(alpha)
    assert failed.provider_session_id == "" and failed.status == Payment.Status.CANCELLED  # not "waiting"
    assert_nothing_bought(alpha)

    settings.STRIPE_API_BASE = stripe_api.url  # back up: the next press opens a new checkout
    assert start_checkout(student, enrollment, package).startswith(f"{stripe_api.url}/checkout/")
    assert list(Payment.objects.order_by("pk").values_list("status", flat=True)) == ["cancelled", "pending"]


def test_returning_before_stripe_confirms_says_the_payment_is_pending(
    alpha, enrollment, package, student, stripe_endpoint, stripe_api
):
    hosted = start_checkout(student, enrollment, package)
    payment = only_payment(alpha)

    page = student.get(f"/billing/checkout/{payment.pk}/success/", follow=True)

    assert messages_on(page) == [
        "We are waiting for the payment to be confirmed. The pass appears here as soon as it is."
    ]
    assert 'badge-pending">waiting for payment<' in page.content.decode()
    assert only_payment(alpha).status == "pending"
    assert_nothing_bought(alpha)

    stripe_api.pay(session_id_of(hosted))
    (event,) = stripe_api.events_of(PAID)
    assert deliver(stripe_endpoint, stripe_api, event) == "paid"
    assert Pass.objects.count() == 1


# Webhooks: signed, once, in any order --------------------------------------------------------
def _sign(payload: bytes, secret: str, timestamp: int | None = None) -> str:
    return signature_header(payload, secret, int(time.time()) if timestamp is None else timestamp)


FORGERIES = {
    "unsigned": lambda payload, signature: (payload, None),
    "empty signature": lambda payload, signature: (payload, ""),
    "garbage signature": lambda payload, signature: (payload, "t=abc,v1=zzz"),
    "signed with another secret": lambda payload, signature: (payload, _sign(payload, "whsec_not_ours")),
    "amount changed after signing": lambda payload, signature: (
        payload.replace(b'"amount_total": 199000', b'"amount_total": 100'), signature
    ),
    "replayed an hour later (stale timestamp)": lambda payload, signature: (
        payload, _sign(payload, WEBHOOK_SECRET, timestamp=int(time.time()) - 3600)
    ),
}


@pytest.mark.parametrize("forge", FORGERIES.values(), ids=FORGERIES.keys())
def test_a_forged_or_unsigned_webhook_gets_400_and_changes_nothing(
    alpha, enrollment, package, student, stripe_endpoint, stripe_api, forge
):
    hosted = start_checkout(student, enrollment, package)
    stripe_api.pay(session_id_of(hosted))
    (event,) = stripe_api.events_of(PAID)

    response = post_webhook(stripe_endpoint, *forge(*stripe_api.signed(event)))

    assert response.status_code == 400
    assert only_payment(alpha).status == "pending"
    assert not WebhookEvent.objects.exists()
    assert_nothing_bought(alpha)
    # The genuine event is still welcome afterwards: the forgery did not use up its id.
    assert deliver(stripe_endpoint, stripe_api, event) == "paid"


def test_a_replayed_or_redelivered_event_is_processed_once(
    alpha, enrollment, package, student, stripe_endpoint, stripe_api
):
    hosted = start_checkout(student, enrollment, package)
    stripe_api.pay(session_id_of(hosted))
    (event,) = stripe_api.events_of(PAID)
    payload, signature = stripe_api.signed(event)

    assert post_webhook(stripe_endpoint, payload, signature).content == b"paid"
    assert post_webhook(stripe_endpoint, payload, signature).content == b"duplicate"  # the same request again
    assert deliver(stripe_endpoint, stripe_api, event) == "duplicate"  # Stripe's retry, signed anew

    assert WebhookEvent.objects.filter(event_id=event.id).count() == 1
    assert Pass.objects.count() == 1
    assert LedgerEntry.objects.filter(kind="purchase").count() == 1


def test_two_different_events_for_one_session_make_one_pass(
    alpha, enrollment, package, student, stripe_endpoint, stripe_api
):
    hosted = start_checkout(student, enrollment, package)
    session_id = session_id_of(hosted)
    stripe_api.pay(session_id)
    (completed,) = stripe_api.events_of(PAID)
    succeeded = stripe_api.event("checkout.session.async_payment_succeeded", session_id)

    assert deliver(stripe_endpoint, stripe_api, completed) == "paid"
    assert deliver(stripe_endpoint, stripe_api, succeeded) == "paid"

    assert WebhookEvent.objects.count() == 2
    assert Pass.objects.count() == 1 and LedgerEntry.objects.count() == 1


@pytest.mark.parametrize(
    "late_event, changes",
    [
        ("checkout.session.expired", {"status": "expired", "payment_status": "unpaid"}),
        ("checkout.session.async_payment_failed", {}),
    ],
)
def test_an_event_arriving_after_completed_leaves_the_payment_paid(
    alpha, enrollment, package, student, stripe_endpoint, stripe_api, late_event, changes
):
    hosted = start_checkout(student, enrollment, package)
    session_id = session_id_of(hosted)
    # Made before the payment, arriving after it: Stripe does not promise delivery order.
    late = stripe_api.event(late_event, session_id, **changes)
    paid = stripe_api.pay(session_id)
    (completed,) = stripe_api.events_of(PAID)

    deliver(stripe_endpoint, stripe_api, completed)
    deliver(stripe_endpoint, stripe_api, late)

    payment = only_payment(alpha)
    assert payment.status == "paid" and payment.failure_message == ""
    assert Pass.objects.count() == 1 and LedgerEntry.objects.count() == 1
    page = student.get(local(paid.location), follow=True)
    assert messages_on(page)[0].startswith("Paid! 8 lessons, valid until ")


def test_completed_after_an_expired_event_still_gives_the_pass(
    alpha, enrollment, package, student, stripe_endpoint, stripe_api
):
    """Money taken is a pass given, whatever arrived before."""
    hosted = start_checkout(student, enrollment, package)
    session_id = session_id_of(hosted)
    expired = stripe_api.event("checkout.session.expired", session_id, status="expired", payment_status="unpaid")
    stripe_api.pay(session_id)
    (completed,) = stripe_api.events_of(PAID)

    assert deliver(stripe_endpoint, stripe_api, expired) == "cancelled"
    assert only_payment(alpha).status == "cancelled"
    assert deliver(stripe_endpoint, stripe_api, completed) == "paid"

    assert only_payment(alpha).status == "paid" and Pass.objects.count() == 1


# Double clicks ---------------------------------------------------------------------------------
def test_a_double_clicked_pay_opens_one_checkout(alpha, enrollment, package, student, stripe_endpoint, stripe_api):
    first = start_checkout(student, enrollment, package)
    second = start_checkout(student, enrollment, package)

    assert first == second
    assert Payment.objects.count() == 1 and len(stripe_api.sessions()) == 1

    stripe_api.pay(session_id_of(first))
    again = stripe_api.pay(session_id_of(first))  # "Pay" on Stripe's page clicked twice
    assert again.status == 303
    assert len(stripe_api.events_of(PAID)) == 1
    deliver(stripe_endpoint, stripe_api, stripe_api.events_of(PAID)[0])
    assert Pass.objects.count() == 1 and LedgerEntry.objects.count() == 1


# The harness itself -------------------------------------------------------------------------------
def test_the_fake_signs_webhooks_exactly_as_stripe_does(alpha, enrollment, package, student, stripe_api):
    hosted = start_checkout(student, enrollment, package)
    stripe_api.pay(session_id_of(hosted))
    (event,) = stripe_api.events_of(PAID)
    payload, signature = stripe_api.signed(event)

    parsed = stripe.Webhook.construct_event(payload, signature, WEBHOOK_SECRET)

    assert (parsed.id, parsed.type, parsed.data.object.id) == (event.id, PAID, session_id_of(hosted))
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.Webhook.construct_event(payload, signature, "whsec_not_ours")


@pytest.fixture
def webhook_receiver():
    """A bare HTTP endpoint on 127.0.0.1 that records what it is sent, answering 200."""
    received = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server's naming
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append((dict(self.headers), body))
            self.send_response(200)
            self.end_headers()

        def log_message(self, format, *args):  # noqa: A002 - quiet in test output
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.received = received
    yield server
    server.shutdown()
    server.server_close()


def test_held_webhooks_go_out_when_told_as_often_as_told_and_signed_each_time(stripe_api, webhook_receiver):
    port = webhook_receiver.server_address[1]
    stripe_api.register_webhook(f"http://hooks.localhost:{port}/stripe/")  # *.localhost is loopback
    client = stripe.StripeClient("sk_test_harness", base_addresses={"api": stripe_api.url})
    line_item = {"quantity": 1, "price_data": {"currency": "rub", "unit_amount": 500_00, "product_data": {"name": "1"}}}
    params = {"mode": "payment", "line_items": [line_item], "success_url": "http://alpha.localhost/ok"}
    paid_session = client.v1.checkout.sessions.create(params=params)
    stripe_api.hold_webhooks = True

    assert stripe_api.pay(paid_session.id).status == 303
    assert webhook_receiver.received == [] and stripe_api.deliveries == []
    (completed,) = stripe_api.events_of(PAID)
    stripe_api.deliver(completed)
    stripe_api.deliver(completed)  # later, and again

    assert [delivery.status for delivery in stripe_api.deliveries] == [200, 200]
    for headers, body in webhook_receiver.received:
        assert headers["Host"] == f"hooks.localhost:{port}"
        assert stripe.Webhook.construct_event(body, headers["Stripe-Signature"], WEBHOOK_SECRET).id == completed.id

    stripe_api.hold_webhooks = False
    expired = client.v1.checkout.sessions.expire(client.v1.checkout.sessions.create(params=params).id)
    assert (expired.status, expired.url) == ("expired", None)
    headers, body = webhook_receiver.received[-1]
    assert stripe.Webhook.construct_event(body, headers["Stripe-Signature"], WEBHOOK_SECRET).type == (
        "checkout.session.expired"
    )


def test_a_webhook_for_a_checkout_we_do_not_know_is_recorded_and_changes_nothing(alpha, client_for, settings):
    import json
    import time

    from billing.models import WebhookEvent
    from devtools.fake_stripe import signature_header

    session = {"id": "cs_test_not_ours", "object": "checkout.session", "payment_status": "paid",
               "status": "complete", "client_reference_id": f"{alpha.school.schema_name}-999999",
               "payment_intent": "pi_x", "amount_total": 1_990_00, "currency": "rub",
               "metadata": {"schema": alpha.school.schema_name, "payment_id": "999999"}}
    payload = json.dumps({"id": "evt_not_ours", "object": "event", "type": "checkout.session.completed",
                          "data": {"object": session}}).encode()
    signature = signature_header(payload, settings.STRIPE_WEBHOOK_SECRET, int(time.time()))

    response = client_for(alpha).post("/billing/webhooks/stripe/", payload, content_type="application/json",
                                      HTTP_STRIPE_SIGNATURE=signature)

    # A retry would not find it either (our payment row exists before its checkout does): 2xx, recorded.
    assert (response.status_code, response.content) == (200, b"refused: unknown payment")
    assert list(WebhookEvent.objects.values_list("event_id", "outcome")) == [("evt_not_ours", "unknown payment")]
    assert not Pass.objects.exists()
