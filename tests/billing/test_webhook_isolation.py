"""A payment event is applied only to the payment it was made for (issue 16, point 1).

Every school numbers its payments from 1, so school B's payment 5 and school A's payment 5 are
different payments with the same number. Each test here makes the collision on purpose: both
schools have a pending payment with the same number, the same package price and currency, and the
payer's events are real ones, signed by the local Stripe exactly as Stripe signs them.
"""

import json
import time

import pytest
import stripe
from django.conf import settings
from django.db import connection
from django_tenants.utils import schema_context
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from billing.models import LedgerEntry, Pass, Payment, Product, WebhookEvent
from devtools.fake_stripe import signature_header
from shared_apps.tenants.domain_cache import forget_school
from shared_apps.tenants.models import School
from tenant_apps.learning.models import Language
from tenant_apps.learning.services import enrollment_create
from tests.billing.stripe_fixtures import *  # noqa: F403 (stripe_fake, stripe_api)
from tests.billing.test_checkout import session_id_of, start_checkout
from tests.billing.test_yookassa import yookassa_fake  # noqa: F401 (a session fixture)

SCHOOL_WEBHOOK = "/billing/webhooks/stripe/"
PLATFORM_WEBHOOK = "/webhooks/stripe/"
SESSION_EVENTS = ("checkout.session.completed", "checkout.session.async_payment_succeeded",
                  "checkout.session.expired", "checkout.session.async_payment_failed")


def _shop(school_cast):
    """An enrollment and a 16-lesson package in the school (the schema must be active)."""
    enrollment = enrollment_create(student=school_cast.student, language=Language.objects.get(code="en"),
                                   teacher=school_cast.teacher, by=school_cast.manager)
    product = Product.objects.create(name="16 lessons", lessons=16, price=3_200_00, currency="RUB")
    return enrollment, product


def _pending_payment(school_cast, client_for):
    """A real checkout in the school: its pending payment, with the session id stored."""
    with schema_context(school_cast.school.schema_name):
        enrollment, product = _shop(school_cast)
        hosted = start_checkout(client_for(school_cast, school_cast.student), enrollment, product)
        return Payment.objects.get(provider_session_id=session_id_of(hosted))


def _renumber(school_cast, payment, number) -> Payment:
    """The victim's payment takes the payer's number (the payer's checkout names its own number)."""
    with schema_context(school_cast.school.schema_name):
        Payment.objects.filter(pk=payment.pk).update(id=number)
        return Payment.objects.get(pk=number)


def _state_of(school_cast) -> dict:
    """Everything an event could change in a school's billing, as plain values."""
    with schema_context(school_cast.school.schema_name):
        return {
            "payments": list(Payment.objects.order_by("pk").values_list(
                "pk", "status", "provider_session_id", "provider_payment_id", "paid_at", "failure_message")),
            "passes": Pass.objects.count(),
            "ledger": LedgerEntry.objects.count(),
        }


def _post(client, path, payload: bytes, signature: str):
    return client.post(path, data=payload, content_type="application/json", HTTP_STRIPE_SIGNATURE=signature)


def _connected(school_cast, account: str) -> None:
    School.objects.filter(pk=school_cast.school.pk).update(payment_account_id=account, payment_account_ready=True)
    forget_school(school_cast.school)


@pytest.fixture(params=[False, True], ids=["direct", "connect"])
def mode(request, settings, stripe_api, cast):
    """Direct mode (one platform account) or Stripe Connect (each school its own account)."""
    settings.STRIPE_CONNECT = request.param
    if request.param:
        client = stripe.StripeClient(settings.STRIPE_SECRET_KEY, base_addresses={"api": stripe_api.url})
        for school_cast in (cast.a, cast.b):
            _connected(school_cast, client.v1.accounts.create(params={"type": "express"}).id)
    return "connect" if request.param else "direct"


@pytest.mark.parametrize("payer_key, victim_key", [("b", "a"), ("a", "b")], ids=["B pays, A is hit",
                                                                              "A pays, B is hit"])
def test_every_other_schools_signed_event_changes_nothing_at_either_endpoint(
    cast, client_for, platform_client, stripe_api, mode, payer_key, victim_key
):
    payer, victim = getattr(cast, payer_key), getattr(cast, victim_key)
    victims_payment = _pending_payment(victim, client_for)
    payers_payment = _pending_payment(payer, client_for)
    victims_payment = _renumber(victim, victims_payment, payers_payment.pk)  # the same number in both schools
    session_id = payers_payment.provider_session_id
    assert stripe_api.pay(session_id).status == 303
    events = [*stripe_api.events_of("checkout.session.completed")]
    events += [stripe_api.event(kind, session_id) for kind in SESSION_EVENTS[1:2]]
    events += [stripe_api.event("checkout.session.expired", session_id, status="expired", payment_status="unpaid"),
               stripe_api.event("checkout.session.async_payment_failed", session_id, payment_status="unpaid")]
    assert {event.type for event in events} == set(SESSION_EVENTS)
    before = _state_of(victim)

    school_endpoint = client_for(victim)
    for event in events:
        response = _post(school_endpoint, SCHOOL_WEBHOOK, *stripe_api.signed(event))
        # Answered 2xx (Stripe would otherwise retry it for three days), recorded, and nothing else.
        assert (response.status_code, response.content) == (200, b"not ours"), event.type
        assert _post(school_endpoint, SCHOOL_WEBHOOK, *stripe_api.signed(event)).content == b"duplicate"
    for event in events:
        response = _post(platform_client, PLATFORM_WEBHOOK, *stripe_api.signed(event))
        assert response.status_code == 200, event.type

    assert _state_of(victim) == before
    with schema_context(victim.school.schema_name):
        recorded = WebhookEvent.objects.order_by("pk")
        assert [(row.event_id, row.outcome) for row in recorded] == [(event.id, "another school") for event in events]
        # The other school's event is kept as a record, without its body (the other school's customer).
        assert all(row.payload == {} for row in recorded)
    # The platform's endpoint gave the payer what was paid, once.
    with schema_context(payer.school.schema_name):
        payers_payment.refresh_from_db()
        assert payers_payment.status == "paid"
        assert list(Pass.objects.values_list("payment_id", "lessons")) == [(payers_payment.pk, 16)]
    connection.set_schema_to_public()


@pytest.fixture
def paid_session(alpha, enrollment, package, client_for, stripe_api):
    """Alpha's student paid a real checkout; the webhook has not arrived."""
    hosted = start_checkout(client_for(alpha, alpha.student), enrollment, package)
    assert stripe_api.pay(session_id_of(hosted)).status == 303
    return Payment.objects.get()


def _deliver(client_for, alpha, stripe_api, event):
    return _post(client_for(alpha), SCHOOL_WEBHOOK, *stripe_api.signed(event))


def _nothing_bought(payment):
    payment.refresh_from_db()
    assert payment.status == "pending" and payment.provider_payment_id == ""
    assert not Pass.objects.exists() and not LedgerEntry.objects.exists()


MISMATCHES = {
    "another amount": ({"amount_total": 1_00}, "amount or currency differs"),
    "another currency": ({"currency": "usd"}, "amount or currency differs"),
    "another school in the metadata": ({"metadata": {"schema": "beta", "payment_id": "1"}}, "another school"),
    "no school in the metadata": ({"metadata": {}}, "another school"),
    "another school in the reference": ({"client_reference_id": "beta-1"}, "another school"),
}


@pytest.mark.parametrize("changes, reason", MISMATCHES.values(), ids=MISMATCHES.keys())
def test_a_signed_event_that_does_not_match_the_payment_changes_nothing(
    alpha, paid_session, client_for, stripe_api, changes, reason
):
    event = stripe_api.event("checkout.session.completed", paid_session.provider_session_id, **changes)

    response = _deliver(client_for, alpha, stripe_api, event)

    assert (response.status_code, response.content.decode()) == (200, "not ours" if reason == "another school"
                                                                 else f"refused: {reason}")
    _nothing_bought(paid_session)
    assert list(WebhookEvent.objects.values_list("event_id", "outcome")) == [(event.id, reason)]


def test_an_event_for_another_session_of_the_same_payment_changes_nothing(
    alpha, paid_session, client_for, stripe_api
):
    """A second session naming our payment (however it came to be) is not the checkout we opened."""
    client = stripe.StripeClient(settings.STRIPE_SECRET_KEY, base_addresses={"api": stripe_api.url})
    line_item = {"quantity": 1, "price_data": {"currency": "rub", "unit_amount": paid_session.amount,
                                               "product_data": {"name": "8 lessons"}}}
    reference = {"schema": alpha.school.schema_name, "payment_id": str(paid_session.pk)}
    other = client.v1.checkout.sessions.create(params={
        "mode": "payment", "line_items": [line_item], "success_url": "http://alpha.localhost/ok",
        "client_reference_id": f"{alpha.school.schema_name}-{paid_session.pk}", "metadata": reference,
    })
    stripe_api.pay(other.id)
    event = stripe_api.events_of("checkout.session.completed")[-1]
    assert event.data["object"]["id"] == other.id

    response = _deliver(client_for, alpha, stripe_api, event)

    assert (response.status_code, response.content) == (200, b"refused: another checkout session")
    _nothing_bought(paid_session)


def test_an_event_of_another_payment_of_the_same_school_does_not_pay_this_one(
    alpha, paid_session, client_for, stripe_api
):
    event = stripe_api.event("checkout.session.completed", paid_session.provider_session_id,
                             client_reference_id=f"{alpha.school.schema_name}-{paid_session.pk + 1}")

    response = _deliver(client_for, alpha, stripe_api, event)

    assert (response.status_code, response.content) == (200, b"refused: another checkout session")
    _nothing_bought(paid_session)


def test_an_event_that_beats_our_own_write_of_the_session_id_still_pays(alpha, paid_session, client_for, stripe_api):
    """The session is created before its id is stored: the school and number it carries find the payment."""
    session_id = paid_session.provider_session_id
    Payment.objects.filter(pk=paid_session.pk).update(provider_session_id="")
    (event,) = stripe_api.events_of("checkout.session.completed")
    assert event.data["object"]["client_reference_id"] == f"{alpha.school.schema_name}-{paid_session.pk}"
    assert event.data["object"]["metadata"] == {"schema": alpha.school.schema_name, "payment_id": str(paid_session.pk)}

    assert _deliver(client_for, alpha, stripe_api, event).content == b"paid"

    paid_session.refresh_from_db()
    assert paid_session.status == "paid" and Pass.objects.filter(payment=paid_session).count() == 1
    assert session_id and WebhookEvent.objects.get().outcome == "paid"


def _signed(body) -> tuple[bytes, str]:
    payload = body if isinstance(body, bytes) else json.dumps(body).encode()
    return payload, signature_header(payload, settings.STRIPE_WEBHOOK_SECRET, int(time.time()))


MALFORMED = {
    "no type": {"id": "evt_1", "object": "event", "data": {"object": {"id": "cs_1"}}},
    "no id": {"object": "event", "type": "checkout.session.completed", "data": {"object": {"id": "cs_1"}}},
    "type not a string": {"id": "evt_1", "type": ["checkout.session.completed"], "data": {"object": {}}},
    "no data": {"id": "evt_1", "type": "checkout.session.completed"},
    "object not an object": {"id": "evt_1", "type": "checkout.session.completed", "data": {"object": "cs_1"}},
    "session without id": {"id": "evt_1", "type": "checkout.session.completed", "data": {"object": {}}},
    "metadata not an object": {"id": "evt_1", "type": "checkout.session.completed",
                               "data": {"object": {"id": "cs_1", "metadata": "alpha"}}},
    "a list": [1, 2],
    "nested 5,000 levels deep": b'{"id": "evt_1", "type": "x", "data": ' + b"[" * 5000 + b"]" * 5000 + b"}",
    "NaN": b'{"id": "evt_1", "type": "checkout.session.completed", "data": {"object": {"id": "cs_1", '
           b'"amount_total": NaN}}}',
    "a NUL character": b'{"id": "evt_\\u0000", "type": "charge.x", "data": {"object": {}}}',
    "not UTF-8": b'{"id": "evt_\xff"}',
}


@pytest.mark.parametrize("body", MALFORMED.values(), ids=MALFORMED.keys())
@pytest.mark.parametrize("path", [SCHOOL_WEBHOOK, PLATFORM_WEBHOOK], ids=["school endpoint", "platform endpoint"])
def test_a_signed_body_that_is_not_a_stripe_event_gets_400_and_changes_nothing(
    alpha, paid_session, client_for, platform_client, stripe_api, body, path
):
    client = client_for(alpha) if path == SCHOOL_WEBHOOK else platform_client

    response = _post(client, path, *_signed(body))

    assert response.status_code == 400
    with schema_context(alpha.school.schema_name):
        _nothing_bought(paid_session)
        assert not WebhookEvent.objects.exists()


# YooKassa: one shop for every school; a notification is re-fetched from the API and routed by the
# schema in the payment's metadata. The same rules hold once it reaches the school.
@pytest.fixture
def yookassa_schools(yookassa_fake, cast):  # noqa: F811 (the imported session fixture)
    yookassa_fake.reset()
    for school_cast in (cast.a, cast.b):
        School.objects.filter(pk=school_cast.school.pk).update(payment_provider="yookassa")
        forget_school(school_cast.school)
    yield yookassa_fake
    yookassa_fake.reset()


def _notify(platform_client, body: bytes):
    return platform_client.post("/webhooks/yookassa/", data=body, content_type="application/json")


def test_a_yookassa_payment_of_another_school_pays_only_that_school(cast, client_for, platform_client,
                                                                   yookassa_schools):
    alphas, betas = _pending_payment(cast.a, client_for), _pending_payment(cast.b, client_for)
    number = betas.pk
    alphas = _renumber(cast.a, alphas, number)
    yookassa_schools.hold_notifications = True
    yookassa_schools.pay(betas.provider_session_id)
    before = _state_of(cast.a)

    response = _notify(platform_client, yookassa_schools.notification(betas.provider_session_id))

    assert (response.status_code, response.content) == (200, b"paid")
    assert _state_of(cast.a) == before
    with schema_context(cast.b.school.schema_name):
        assert Payment.objects.get(pk=number).status == "paid" and Pass.objects.count() == 1


def _yookassa_payment(metadata: dict, value: str) -> str:
    """A payment made at the shop's API directly (not through Panda's checkout)."""
    from yookassa import Payment as YooPayment

    from billing.providers.yookassa_provider import _configure

    _configure()
    created = YooPayment.create({"amount": {"value": value, "currency": "RUB"}, "capture": True,
                                 "confirmation": {"type": "redirect", "return_url": "http://alpha.localhost/"},
                                 "metadata": metadata}, idempotency_key=metadata.get("key", value))
    return created.id


@pytest.mark.parametrize("case", ["another payment at the API naming ours", "our payment's amount changed"])
def test_a_yookassa_payment_that_does_not_match_ours_changes_nothing(cast, client_for, platform_client,
                                                                    yookassa_schools, case):
    ours = _pending_payment(cast.a, client_for)
    if case == "our payment's amount changed":
        paid_id, reason = ours.provider_session_id, b"refused: amount or currency differs"
        yookassa_schools.payments[paid_id]["amount"] = {"value": "1.00", "currency": "RUB"}
    else:
        paid_id, reason = _yookassa_payment({"schema": cast.a.school.schema_name, "payment_id": str(ours.pk)},
                                            f"{ours.amount // 100}.00"), b"refused: another checkout session"
    yookassa_schools.hold_notifications = True
    yookassa_schools.pay(paid_id)
    before = _state_of(cast.a)

    response = _notify(platform_client, yookassa_schools.notification(paid_id))

    assert (response.status_code, response.content) == (200, reason)
    assert _state_of(cast.a) == before
    connection.set_schema_to_public()


# Fuzz: whatever body arrives, signed or not, both endpoints answer 2xx or 400 and change nothing ----------
_scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30)
_json = st.recursive(_scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner,
                                                                                          max_size=3), max_leaves=10)
_session = st.fixed_dictionaries({}, optional={
    "id": st.text(max_size=20) | _json, "payment_status": st.sampled_from(["paid", "unpaid", "failed"]) | _json,
    "status": st.sampled_from(["complete", "expired", "open"]) | _json, "amount_total": st.integers() | _json,
    "currency": st.sampled_from(["rub", "usd", "RUB"]) | _json, "client_reference_id": st.text(max_size=30) | _json,
    "metadata": st.fixed_dictionaries({}, optional={"schema": st.sampled_from(["alpha", "beta", "public", ""])
                                                    | _json, "payment_id": st.text(max_size=5) | _json}) | _json,
    "payment_intent": st.text(max_size=10) | _json, "last_payment_error": _json,
})
_event = st.fixed_dictionaries({}, optional={
    "id": st.text(max_size=20) | _json, "type": st.sampled_from([*SESSION_EVENTS, "account.updated", "charge.x"])
    | _json, "data": st.fixed_dictionaries({}, optional={"object": _session | _json}) | _json,
    "account": st.text(max_size=10) | _json,
})
_bodies = _event.map(json.dumps) | _json.map(json.dumps) | st.text(max_size=80)


@hypothesis_settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=_bodies, signed=st.booleans(), path=st.sampled_from([SCHOOL_WEBHOOK, PLATFORM_WEBHOOK]))
def test_any_webhook_body_is_answered_2xx_or_400_and_changes_nothing(
    alpha, paid_session, client_for, platform_client, body, signed, path
):
    payload = body.encode()
    signature = signature_header(payload, settings.STRIPE_WEBHOOK_SECRET, int(time.time())) if signed else "x"
    before = _billing_rows(alpha)

    response = _post(client_for(alpha) if path == SCHOOL_WEBHOOK else platform_client, path, payload, signature)

    assert response.status_code in (200, 400), (response.status_code, body)
    assert response.status_code == 400 or signed  # unsigned: refused
    assert _billing_rows(alpha) == before


def _billing_rows(alpha):
    with schema_context(alpha.school.schema_name):
        return (list(Payment.objects.values_list("pk", "status", "provider_payment_id")),
                Pass.objects.count(), LedgerEntry.objects.count())
