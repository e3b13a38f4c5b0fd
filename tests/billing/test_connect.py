"""Stripe Connect: a school connects its own account; the platform's one endpoint routes events by account.

Runs the real `stripe` library against the local fake (devtools/fake_stripe.py), which adds the
Connect pieces localstripe lacks: accounts, onboarding links, the Stripe-Account header and the
`account` field of a connected account's events.
"""

import html
import re
import urllib.error
import urllib.request

import pytest
import stripe
from django.conf import settings
from django_tenants.utils import schema_context

from billing.models import Pass, Payment, Product, WebhookEvent
from billing.money import format_money
from billing.providers.stripe_provider import application_fee
from shared_apps.tenants.domain_cache import forget_school
from shared_apps.tenants.models import School
from tenant_apps.learning.models import Language
from tenant_apps.learning.services import enrollment_create
from tests.billing.stripe_fixtures import *  # noqa: F403 (stripe_fake, stripe_api)
from tests.billing.test_checkout import local, session_id_of, start_checkout

PLATFORM_WEBHOOK = "/webhooks/stripe/"
NOT_OPEN = "Payments are not open yet: the school has not connected its payment account."


def messages_on(response) -> list[str]:
    found = re.findall(r'<li class="message[^"]*">(.*?)</li>', response.content.decode())
    return [html.unescape(text) for text in found]


@pytest.fixture
def connect(settings):
    settings.STRIPE_CONNECT = True


def connected(school, account: str) -> None:
    School.objects.filter(pk=school.pk).update(payment_account_id=account, payment_account_ready=True)
    forget_school(school)  # requests read the school from the host cache


def new_account(stripe_api) -> str:
    client = stripe.StripeClient(settings.STRIPE_SECRET_KEY, base_addresses={"api": stripe_api.url})
    return client.v1.accounts.create(params={"type": "express"}).id


def post_platform(platform_client, stripe_api, event):
    payload, signature = stripe_api.signed(event)
    return platform_client.post(PLATFORM_WEBHOOK, data=payload, content_type="application/json",
                                HTTP_STRIPE_SIGNATURE=signature)


def test_a_school_that_has_not_connected_says_so_to_students_and_the_manager(
    connect, alpha, enrollment, package, client_for, stripe_api
):
    student = client_for(alpha, alpha.student)

    payments = student.get("/student/payments/").content.decode()
    pressed = student.post("/billing/checkout/", {"product": package.pk, "enrollment": enrollment.pk}, follow=True)
    manager = client_for(alpha, alpha.manager).get("/manager/payment-account/").content.decode()

    assert "Payments are not open yet." in payments and 'data-busy-label="Opening the payment page…"' not in payments
    assert messages_on(pressed) == [NOT_OPEN]
    assert not Payment.objects.exists() and stripe_api.sessions() == []
    assert "<h2>Connect your payment account</h2>" in manager and "Connect Stripe</button>" in manager


def test_the_manager_connects_stripe_through_the_onboarding_and_students_can_pay(
    connect, alpha, enrollment, package, client_for, stripe_api
):
    manager = client_for(alpha, alpha.manager)

    started = manager.post("/manager/payment-account/connect/")

    assert started.status_code == 302 and started["Location"].startswith(f"{stripe_api.url}/connect/onboarding/al_")
    account = School.objects.get(pk=alpha.school.pk).payment_account_id
    assert account.startswith("acct_") and stripe_api.account(account)["charges_enabled"] is False
    # A second press continues with the same account.
    manager.post("/manager/payment-account/connect/")
    assert School.objects.get(pk=alpha.school.pk).payment_account_id == account

    request = urllib.request.Request(started["Location"], data=b"", method="POST")  # "Agree and submit"

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    with pytest.raises(urllib.error.HTTPError) as answer:
        urllib.request.build_opener(NoRedirect).open(request)
    assert answer.value.code == 303
    back = manager.get(local(answer.value.headers["Location"]), follow=True)

    assert messages_on(back) == ["Your Stripe account is connected: students can pay now."]
    assert School.objects.get(pk=alpha.school.pk).payment_account_ready is True
    assert "Students can pay" in back.content.decode()
    fee = format_money(application_fee(1_000_00, School.objects.get(pk=alpha.school.pk)), "RUB")
    assert f"<dd>{fee} of a payment of ₽1,000</dd>" in back.content.decode()
    hosted = start_checkout(client_for(alpha, alpha.student), enrollment, package)
    assert hosted.startswith(f"{stripe_api.url}/checkout/")


def test_a_checkout_is_created_on_the_schools_account_with_the_platforms_fee(
    connect, alpha, enrollment, package, client_for, stripe_api
):
    account = new_account(stripe_api)
    connected(alpha.school, account)
    School.objects.filter(pk=alpha.school.pk).update(platform_fee_bps=250)
    student = client_for(alpha, alpha.student)

    hosted = start_checkout(student, enrollment, package)

    session_id = session_id_of(hosted)
    assert stripe_api.session_details(session_id) == {"account": account, "application_fee_amount": 4975}
    payment = Payment.objects.get()
    assert payment.provider_account == account
    # The session lives in the school's account: the platform's own account does not see it.
    client = stripe.StripeClient(settings.STRIPE_SECRET_KEY, base_addresses={"api": stripe_api.url})
    with pytest.raises(stripe.InvalidRequestError):
        client.v1.checkout.sessions.retrieve(session_id)
    page = student.get(local(stripe_api.pay(session_id).location), follow=True)
    assert messages_on(page)[0].startswith("Paid! 8 lessons")
    assert Payment.objects.get().status == "paid"


def test_an_event_for_school_bs_account_never_touches_school_a(
    connect, cast, alpha, enrollment, package, client_for, platform_client, stripe_api
):
    account_a, account_b = new_account(stripe_api), new_account(stripe_api)
    connected(cast.a.school, account_a)
    connected(cast.b.school, account_b)
    with schema_context(cast.b.school.schema_name):
        b_enrollment = enrollment_create(student=cast.b.student, language=Language.objects.get(code="en"),
                                         teacher=cast.b.teacher, by=cast.b.manager)
        b_product = Product.objects.create(name="B's 4 lessons", lessons=4, price=900_00, currency="RUB")
        hosted = start_checkout(client_for(cast.b, cast.b.student), b_enrollment, b_product)
        b_payment = Payment.objects.get()
    # School A has a pending payment of its own with the same number as B's: an event misrouted to A
    # would find it by the reference the session carries.
    a_payment = Payment.objects.create(pk=b_payment.pk, student=alpha.student, enrollment=enrollment,
                                       product=package, amount=package.price, currency="RUB",
                                       provider_account=account_a)
    stripe_api.pay(session_id_of(hosted))
    (event,) = stripe_api.events_of("checkout.session.completed")
    assert event.account == account_b

    response = post_platform(platform_client, stripe_api, event)

    assert (response.status_code, response.content) == (200, b"paid")
    with schema_context(cast.b.school.schema_name):
        assert Payment.objects.get(pk=b_payment.pk).status == "paid"
        assert Pass.objects.filter(payment=b_payment, lessons=4).count() == 1
        assert WebhookEvent.objects.filter(event_id=event.id).count() == 1
    with schema_context(cast.a.school.schema_name):
        assert Payment.objects.get(pk=a_payment.pk).status == "pending"
        assert not Pass.objects.exists() and not WebhookEvent.objects.exists()
    # Replayed: once.
    assert post_platform(platform_client, stripe_api, event).content == b"duplicate"


def test_an_event_for_an_account_nobody_has_is_not_ours_and_changes_nothing(
    connect, cast, alpha, enrollment, package, client_for, platform_client, stripe_api
):
    connected(cast.a.school, new_account(stripe_api))
    stranger = new_account(stripe_api)
    event = stripe_api.complete_onboarding(stranger)  # an account.updated event of that account

    response = post_platform(platform_client, stripe_api, event)

    assert (response.status_code, response.content) == (200, b"not ours")
    for school in (cast.a, cast.b):
        with schema_context(school.school.schema_name):
            assert not WebhookEvent.objects.exists()


def test_an_account_updated_event_opens_payments_for_the_school(connect, cast, platform_client, stripe_api):
    account = new_account(stripe_api)
    School.objects.filter(pk=cast.b.school.pk).update(payment_account_id=account, payment_account_ready=False)

    event = stripe_api.complete_onboarding(account)
    response = post_platform(platform_client, stripe_api, event)

    assert response.status_code == 200
    assert School.objects.get(pk=cast.b.school.pk).payment_account_ready is True
    assert School.objects.get(pk=cast.a.school.pk).payment_account_ready is False


def test_a_forged_event_at_the_platform_endpoint_is_refused(connect, cast, platform_client, stripe_api):
    account = new_account(stripe_api)
    connected(cast.b.school, account)
    payload, _signature = stripe_api.signed(stripe_api.complete_onboarding(account))
    connected(cast.b.school, account)
    School.objects.filter(pk=cast.b.school.pk).update(payment_account_ready=False)

    response = platform_client.post(PLATFORM_WEBHOOK, data=payload, content_type="application/json",
                                    HTTP_STRIPE_SIGNATURE="t=1,v1=forged")

    assert response.status_code == 400
    assert School.objects.get(pk=cast.b.school.pk).payment_account_ready is False


def test_direct_mode_events_reach_their_school_through_the_platform_endpoint(
    alpha, enrollment, package, client_for, platform_client, stripe_api
):
    """Without Connect (the default, and billing 1/2's tests) the session's signed metadata names the school."""
    hosted = start_checkout(client_for(alpha, alpha.student), enrollment, package)
    stripe_api.pay(session_id_of(hosted))
    (event,) = stripe_api.events_of("checkout.session.completed")

    assert post_platform(platform_client, stripe_api, event).content == b"paid"
    with schema_context(alpha.school.schema_name):
        assert Payment.objects.get().status == "paid"


def test_the_connect_endpoints_own_signing_secret_is_accepted_too(connect, cast, platform_client, stripe_api, settings):
    settings.STRIPE_CONNECT_WEBHOOK_SECRET = "whsec_connect_endpoint"
    account = new_account(stripe_api)
    School.objects.filter(pk=cast.b.school.pk).update(payment_account_id=account)
    payload, signature = stripe_api.signed(stripe_api.complete_onboarding(account), secret="whsec_connect_endpoint")

    response = platform_client.post(PLATFORM_WEBHOOK, data=payload, content_type="application/json",
                                    HTTP_STRIPE_SIGNATURE=signature)

    assert response.status_code == 200
    assert School.objects.get(pk=cast.b.school.pk).payment_account_ready is True
