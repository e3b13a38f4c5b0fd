"""Races that would cost money: webhooks delivered at once, "Pay" pressed many times at once.

Real threads, each with its own database connection, on committed data (`committed_shop` removes
everything afterwards); the threads start together at a barrier.
"""

import threading

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django_tenants.utils import schema_context

from billing.models import LedgerEntry, Pass, Payment, WebhookEvent
from tests.billing.stripe_fixtures import *  # noqa: F403 (stripe_fake, stripe_api, committed_shop)

pytestmark = pytest.mark.committed

THREADS = 20
WEBHOOK = "/billing/webhooks/stripe/"
PAID = "checkout.session.completed"


def all_at_once(count: int, work) -> list:
    """Run `work(i)` in `count` threads released together; each closes its own connection."""
    barrier = threading.Barrier(count)
    results, errors = [None] * count, []

    def run(index):
        try:
            barrier.wait(timeout=30)
            results[index] = work(index)
        except Exception as error:  # reported below, in the test's thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    assert not any(thread.is_alive() for thread in threads)
    return results


@pytest.fixture
def student_session(committed_shop):
    """The student's session cookie on alpha (one login, shared by every thread); logged out after."""
    alpha = committed_shop.school
    client = Client(HTTP_HOST=alpha.host)
    with schema_context(alpha.school.schema_name):
        client.force_login(alpha.student)
    connection.set_schema_to_public()
    yield client.cookies[settings.SESSION_COOKIE_NAME].value
    with schema_context(alpha.school.schema_name):
        client.logout()
    connection.set_schema_to_public()


def student_client(shop, session_key: str) -> Client:
    client = Client(HTTP_HOST=shop.school.host)
    client.cookies[settings.SESSION_COOKIE_NAME] = session_key
    return client


def press_pay(shop, session_key: str):
    response = student_client(shop, session_key).post(
        "/billing/checkout/", {"product": shop.product.pk, "enrollment": shop.enrollment.pk}
    )
    return response.status_code, response.get("Location")


def post_webhook(shop, payload: bytes, signature: str):
    response = Client(HTTP_HOST=shop.school.host).post(
        WEBHOOK, data=payload, content_type="application/json", HTTP_STRIPE_SIGNATURE=signature
    )
    return response.status_code, response.content.decode()


def paid_checkout(shop, session_key, stripe_api):
    """The student pressed Pay and paid on Stripe's page (but the webhook has not been delivered)."""
    status, hosted = press_pay(shop, session_key)
    assert status == 302
    session_id = hosted.rsplit("/", 1)[1]
    assert stripe_api.pay(session_id).status == 303
    (event,) = stripe_api.events_of(PAID)
    return session_id, event


def bought(shop):
    with schema_context(shop.school.school.schema_name):
        passes = Pass.objects.filter(enrollment=shop.enrollment)
        result = (
            passes.count(),
            LedgerEntry.objects.filter(lesson_pass__in=passes, kind=LedgerEntry.Kind.PURCHASE).count(),
            list(Payment.objects.filter(enrollment=shop.enrollment).values_list("status", flat=True)),
        )
    connection.set_schema_to_public()
    return result


def test_twenty_deliveries_of_one_webhook_at_once_make_one_pass(committed_shop, student_session, stripe_api):
    shop = committed_shop
    _session_id, event = paid_checkout(shop, student_session, stripe_api)
    payload, signature = stripe_api.signed(event)

    results = all_at_once(THREADS, lambda _: post_webhook(shop, payload, signature))

    assert sorted(results) == sorted([(200, "paid")] + [(200, "duplicate")] * (THREADS - 1))
    assert bought(shop) == (1, 1, ["paid"])
    with schema_context(shop.school.school.schema_name):
        assert WebhookEvent.objects.filter(event_id=event.id).count() == 1


def test_twenty_different_events_for_one_session_at_once_make_one_pass(committed_shop, student_session, stripe_api):
    shop = committed_shop
    session_id, completed = paid_checkout(shop, student_session, stripe_api)
    events = [completed] + [
        stripe_api.event(PAID if index % 2 else "checkout.session.async_payment_succeeded", session_id)
        for index in range(THREADS - 1)
    ]
    signed = [stripe_api.signed(event) for event in events]

    results = all_at_once(THREADS, lambda index: post_webhook(shop, *signed[index]))

    assert results == [(200, "paid")] * THREADS
    assert bought(shop) == (1, 1, ["paid"])
    with schema_context(shop.school.school.schema_name):
        assert WebhookEvent.objects.filter(event_id__in=[event.id for event in events]).count() == THREADS


def test_twenty_pay_presses_at_once_open_one_checkout_and_buy_one_pass(committed_shop, student_session, stripe_api):
    shop = committed_shop

    results = all_at_once(THREADS, lambda _: press_pay(shop, student_session))

    ((status, hosted),) = set(results)  # every press went to the same Stripe page
    assert status == 302 and hosted.startswith(f"{stripe_api.url}/checkout/")
    (session,) = stripe_api.sessions()
    with schema_context(shop.school.school.schema_name):
        (payment,) = Payment.objects.filter(enrollment=shop.enrollment)
        assert (payment.status, payment.provider_session_id) == ("pending", session["id"])
    connection.set_schema_to_public()

    paid = stripe_api.pay(session["id"])
    page = student_client(shop, student_session).get(paid.location.split(shop.school.host, 1)[1], follow=True)
    (event,) = stripe_api.events_of(PAID)
    assert post_webhook(shop, *stripe_api.signed(event)) == (200, "paid")

    assert "Paid! 8 lessons, valid until" in page.content.decode()
    assert bought(shop) == (1, 1, ["paid"])


def test_the_return_page_and_the_webhook_racing_make_one_pass(committed_shop, student_session, stripe_api):
    shop = committed_shop
    status, hosted = press_pay(shop, student_session)
    paid = stripe_api.pay(hosted.rsplit("/", 1)[1])
    return_path = paid.location.split(shop.school.host, 1)[1]
    (event,) = stripe_api.events_of(PAID)
    payload, signature = stripe_api.signed(event)

    def either(index):
        if index % 2:
            return student_client(shop, student_session).get(return_path).status_code
        return post_webhook(shop, payload, signature)[0]

    assert all_at_once(THREADS, either) == [200, 302] * (THREADS // 2)
    assert bought(shop) == (1, 1, ["paid"])


def test_managers_refunding_one_payment_at_once_return_it_once(committed_shop, student_session, stripe_api):
    """Five tabs refund the whole payment together: one refund at Stripe and in the ledger, four refusals."""
    from django.core.exceptions import ValidationError

    from billing.models import Refund
    from billing.refunds import payment_refund

    shop = committed_shop
    _session_id, event = paid_checkout(shop, student_session, stripe_api)
    assert post_webhook(shop, *stripe_api.signed(event)) == (200, "paid")
    schema = shop.school.school.schema_name
    with schema_context(schema):
        payment = Payment.objects.get(enrollment=shop.enrollment)
    connection.set_schema_to_public()

    def refund(_index):
        with schema_context(schema):
            try:
                payment_refund(payment=payment, amount=payment.amount, by=shop.school.manager, reason="Moved abroad")
            except ValidationError as error:
                return error.code
            return "refunded"

    try:
        results = all_at_once(5, refund)

        assert sorted(results) == ["refunded"] + ["too_much"] * 4
        assert len(stripe_api.refunds_of(payment.provider_payment_id)) == 1
        with schema_context(schema):
            payment.refresh_from_db()
            assert (payment.status, payment.refunded_amount) == ("refunded", payment.amount)
            assert LedgerEntry.objects.filter(kind=LedgerEntry.Kind.REFUND).count() == 1
    finally:
        with schema_context(schema):
            Refund.objects.filter(payment__enrollment=shop.enrollment).delete()
        connection.set_schema_to_public()
