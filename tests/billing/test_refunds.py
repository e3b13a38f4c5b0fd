"""A manager returns money through Stripe (the local fake) and corrects credits; the ledger says who and why."""

import html
import re

import pytest

from billing.models import LedgerEntry, Pass, Payment, Refund
from tests.billing.stripe_fixtures import *  # noqa: F403 (stripe_fake, stripe_api)
from tests.billing.test_checkout import local, session_id_of, start_checkout


def messages_on(response) -> list[str]:
    found = re.findall(r'<li class="message[^"]*">(.*?)</li>', response.content.decode())
    return [html.unescape(text) for text in found]


def errors_on(response) -> list[str]:
    """Field errors and the form's own errors (the alert above it)."""
    page = response.content.decode()
    found = re.findall(r'class="error"[^>]*>(.*?)</p>', page)
    for alert in re.findall(r'<div class="alert alert-error" role="alert">(.*?)</div>', page, re.S):
        found += re.findall(r"<p>(.*?)</p>", alert)
    return [html.unescape(text) for text in found]


@pytest.fixture
def paid(alpha, enrollment, package, client_for, stripe_api) -> Payment:
    """alpha's student paid 1 990 ₽ for 8 lessons through the fake Stripe."""
    student = client_for(alpha, alpha.student)
    hosted = start_checkout(student, enrollment, package)
    student.get(local(stripe_api.pay(session_id_of(hosted)).location))
    payment = Payment.objects.get()
    assert payment.status == "paid"
    return payment


@pytest.fixture
def manager(alpha, client_for):
    return client_for(alpha, alpha.manager)


def refund(manager, payment, amount, lessons=0, reason="Moved abroad"):
    return manager.post(f"/manager/payments/{payment.pk}/", {"amount": amount, "lessons_removed": lessons,
                                                             "reason": reason}, follow=True)


def test_a_partial_refund_goes_through_stripe_and_lands_in_the_ledger_with_who(alpha, paid, manager, stripe_api):
    page = refund(manager, paid, "500.00", lessons=2, reason="Two lessons not needed")

    assert messages_on(page) == ["The money is on its way back to the student."]
    assert "At most ₽1,490 can be refunded." in html.unescape(page.content.decode())
    paid.refresh_from_db()
    (at_stripe,) = stripe_api.refunds_of(paid.provider_payment_id)
    (ours,) = Refund.objects.all()
    assert at_stripe["amount"] == ours.amount == paid.refunded_amount == 500_00
    assert at_stripe["id"] == ours.provider_refund_id and at_stripe["status"] == "succeeded"
    assert paid.status == "paid" and paid.refundable_amount == 1_490_00
    entry = LedgerEntry.objects.get(kind="refund")
    assert (entry.change, entry.balance_after, entry.actor) == (-2, 6, alpha.manager)
    assert entry.reason == "₽500 returned: Two lessons not needed"
    assert ours.ledger_entry == entry and ours.by == alpha.manager
    assert "Two lessons not needed" in page.content.decode()


def test_refunding_the_rest_marks_the_payment_refunded_and_nothing_more_can_go(alpha, paid, manager, stripe_api):
    refund(manager, paid, "500.00")
    refund(manager, paid, "1490.00", lessons=8)

    paid.refresh_from_db()
    assert paid.status == "refunded" and paid.refunded_amount == paid.amount
    assert sum(r["amount"] for r in stripe_api.refunds_of(paid.provider_payment_id)) == paid.amount
    assert LedgerEntry.objects.filter(kind="refund").count() == 2
    page = manager.get(f"/manager/payments/{paid.pk}/").content.decode()
    assert 'id="refund-title"' not in page  # no refund form left
    assert refund(manager, paid, "0.01").status_code == 422


@pytest.mark.parametrize("amount, left_after_first", [("1990.01", None), ("1000.00", "990.00")])
def test_a_refund_larger_than_what_is_left_is_refused_on_both_sides(
    alpha, paid, manager, stripe_api, amount, left_after_first
):
    if left_after_first:
        refund(manager, paid, "1000.00")
    before = (list(stripe_api.refunds_of(paid.provider_payment_id)), LedgerEntry.objects.count())

    page = refund(manager, paid, amount if not left_after_first else "990.01")

    assert page.status_code == 422
    left = "₽1,990" if not left_after_first else "₽990"
    assert errors_on(page) == [f"This is more than what is left of the payment: at most {left} can be refunded."]
    assert (list(stripe_api.refunds_of(paid.provider_payment_id)), LedgerEntry.objects.count()) == before
    paid.refresh_from_db()
    assert paid.refunded_amount == (0 if not left_after_first else 1000_00)


def test_the_fake_stripe_itself_refuses_more_than_the_charge(paid, stripe_api):
    import stripe
    from django.conf import settings

    client = stripe.StripeClient(settings.STRIPE_SECRET_KEY, base_addresses={"api": stripe_api.url})
    with pytest.raises(stripe.InvalidRequestError, match="greater than unrefunded amount"):
        client.v1.refunds.create(params={"payment_intent": paid.provider_payment_id, "amount": paid.amount + 1})
    assert stripe_api.refunds_of(paid.provider_payment_id) == []


def test_a_refund_needs_a_reason_and_cannot_take_lessons_the_pass_does_not_have(alpha, paid, manager, stripe_api):
    no_reason = refund(manager, paid, "100.00", reason="")
    too_many = refund(manager, paid, "100.00", lessons=9)

    assert no_reason.status_code == too_many.status_code == 422
    assert "There are no free lessons left on this pass." in errors_on(too_many)
    assert stripe_api.refunds_of(paid.provider_payment_id) == [] and not Refund.objects.exists()


def test_a_retried_refund_after_a_lost_answer_is_one_refund_at_stripe(alpha, paid, stripe_api):
    from billing.providers import get_provider

    provider = get_provider("stripe")
    first = provider.refund(payment=paid, amount=100_00, idempotency_key="alpha.refund.x")
    second = provider.refund(payment=paid, amount=100_00, idempotency_key="alpha.refund.x")

    assert first == second and len(stripe_api.refunds_of(paid.provider_payment_id)) == 1


# Adjusting credits -----------------------------------------------------------------------------------
def test_a_manager_adjusts_credits_with_a_reason_and_the_ledger_keeps_who(alpha, paid, manager):
    lesson_pass = Pass.objects.get()

    page = manager.post(f"/manager/passes/{lesson_pass.pk}/", {"change": -3, "reason": "Lessons held offline"},
                        follow=True)

    assert messages_on(page) == ["Credits adjusted."]
    entry = LedgerEntry.objects.get(kind="adjustment")
    assert (entry.change, entry.balance_after, entry.actor, entry.reason) == (-3, 5, alpha.manager,
                                                                               "Lessons held offline")
    assert "Lessons held offline" in page.content.decode()


@pytest.mark.parametrize("data, message", [
    ({"change": 2, "reason": ""}, "This field is required."),
    ({"change": 0, "reason": "x"}, "The change cannot be zero."),
    ({"change": -9, "reason": "too many"}, "There are no free lessons left on this pass."),
])
def test_a_bad_adjustment_changes_nothing_and_says_why(alpha, paid, manager, data, message):
    lesson_pass = Pass.objects.get()

    page = manager.post(f"/manager/passes/{lesson_pass.pk}/", data)

    assert page.status_code == 422 and message in errors_on(page)
    assert not LedgerEntry.objects.filter(kind="adjustment").exists()


# Who may -------------------------------------------------------------------------------------------------
MANAGER_PAGES = ["/manager/payments/", "/manager/payments/{payment}/", "/manager/passes/", "/manager/passes/{pass}/",
                 "/manager/report/", "/manager/report.csv", "/manager/free-lessons/", "/manager/payment-account/",
                 "/manager/payment-account/connect/", "/manager/payment-account/return/",
                 "/manager/free-lessons/referrals/"]


# The same pages by URL name, for the access-test registry (tests/security/test_access_coverage.py).
MANAGER_PAGE_NAMES = ["billing:manager_payments", "billing:manager_payment", "billing:manager_passes",
                      "billing:manager_pass", "billing:manager_report", "billing:manager_report_csv",
                      "billing:manager_promo_codes", "billing:manager_payment_account",
                      "billing:manager_connect_start", "billing:manager_connect_return",
                      "billing:manager_referral_settings"]


@pytest.mark.access(*MANAGER_PAGE_NAMES, who="allowed")
@pytest.mark.parametrize("template", MANAGER_PAGES)
def test_a_manager_opens_the_money_pages(alpha, paid, client_for, template):
    path = template.format(payment=paid.pk, **{"pass": Pass.objects.get().pk})

    response = client_for(alpha, alpha.manager).get(path)

    # Connecting a payment account and the referral settings are forms (POST only, from their pages);
    # the return from the provider redirects to the payment account's page.
    posts_only = path.endswith(("/connect/", "/referrals/"))
    assert response.status_code == (405 if posts_only else 302 if "return" in path else 200)


@pytest.mark.access(*MANAGER_PAGE_NAMES, who="wrong_role")
@pytest.mark.parametrize("template", MANAGER_PAGES)
@pytest.mark.parametrize("role", ["student", "teacher", "methodologist"])
def test_only_managers_open_the_money_pages(alpha, paid, client_for, role, template):
    path = template.format(payment=paid.pk, **{"pass": Pass.objects.get().pk})
    client = client_for(alpha, getattr(alpha, role))
    school_fields = ["payment_account_id", "payment_provider", "referral_newcomer_lessons"]
    school_before = type(alpha.school).objects.values(*school_fields).get(pk=alpha.school.pk)

    assert client.get(path).status_code == 403
    assert client.post(path, {"amount": "1.00", "lessons_removed": 0, "reason": "x", "change": 1,
                              "referral_newcomer_lessons": 9, "referral_referrer_lessons": 9}).status_code in (403, 405)
    assert not Refund.objects.exists() and not LedgerEntry.objects.filter(kind="adjustment").exists()
    assert type(alpha.school).objects.values(*school_fields).get(pk=alpha.school.pk) == school_before


@pytest.mark.parametrize("template", MANAGER_PAGES + ["/student/free-lessons/"])
def test_another_schools_manager_is_a_stranger_here(alpha, cast, paid, client_for, template):
    path = template.format(payment=paid.pk, **{"pass": Pass.objects.get().pk})
    beta_manager = client_for(cast.b, cast.b.manager)
    beta_manager.defaults["HTTP_HOST"] = alpha.host  # beta's session cookie, alpha's site

    response = beta_manager.get(path)

    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("role", ["teacher", "manager"])
def test_staff_do_not_open_the_students_free_lessons(alpha, client_for, role):
    assert client_for(alpha, getattr(alpha, role)).get("/student/free-lessons/").status_code == 403
