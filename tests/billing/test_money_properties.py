"""Properties of billing 2/2's money rules, over random sequences.

Refunds: whatever amounts a manager tries, what the provider is asked for and what we record agree,
never add up to more than the payment, and exactly the ones that fit what is left go through.
Promo codes: whatever order students redeem in, a code gives one grant per student and never more
grants than its uses. The application fee is never negative and never more than the payment.

The provider is a recording stand-in here (it is what leaves the machine; the fakes' own tests show
the real libraries agree with it); each example runs in a savepoint that is rolled back.
"""

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from billing.free_lessons import RedeemRefused, promo_code_create, promo_code_redeem
from billing.models import FreeLessonGrant, LedgerEntry, Payment, PromoCode, Refund
from billing.providers.stripe_provider import application_fee
from billing.refunds import payment_refund
from billing.services import free_credits, payment_mark_paid

PROPERTY_SETTINGS = settings(
    max_examples=50, deadline=None, database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


class RecordingProvider:
    def __init__(self):
        self.refunds: dict[str, int] = {}  # idempotency key → amount

    def refund(self, *, payment, amount, idempotency_key):
        # A key used again is the same refund (as at Stripe and YooKassa).
        self.refunds.setdefault(idempotency_key, amount)
        return f"re_{len(self.refunds)}"


@pytest.fixture
def provider(monkeypatch):
    recording = RecordingProvider()
    monkeypatch.setattr("billing.refunds.get_provider", lambda name: recording)
    return recording


@PROPERTY_SETTINGS
@given(attempts=st.lists(st.tuples(st.integers(-5, 2_100_00), st.integers(0, 10)), min_size=1, max_size=12))
def test_refunds_never_exceed_the_payment_and_both_sides_agree(alpha, enrollment, package, provider, attempts):
    with transaction.atomic():
        provider.refunds.clear()
        payment = Payment.objects.create(student=alpha.student, enrollment=enrollment, product=package,
                                         amount=package.price, currency="RUB", provider_payment_id="pi_1")
        lesson_pass = payment_mark_paid(payment=payment)
        left, lessons = payment.amount, package.lessons
        for amount, take in attempts:
            fits = 1 <= amount <= left and take <= lessons
            try:
                payment_refund(payment=payment, amount=amount, lessons_removed=take, by=alpha.manager, reason="r")
            except ValidationError:
                assert not fits
            else:
                assert fits
                left -= amount
                lessons -= take
        payment.refresh_from_db()
        recorded = list(Refund.objects.filter(payment=payment).values_list("amount", flat=True))
        assert sum(provider.refunds.values()) == sum(recorded) == payment.refunded_amount == payment.amount - left
        assert payment.refunded_amount <= payment.amount
        assert payment.status == ("refunded" if left == 0 else "paid")
        assert free_credits(lesson_pass) == lessons
        assert LedgerEntry.objects.filter(lesson_pass=lesson_pass, kind="refund").count() == len(recorded)
        transaction.set_rollback(True)


@PROPERTY_SETTINGS
@given(max_uses=st.integers(1, 4), order=st.lists(st.sampled_from(["student", "student2", "manager"]), max_size=10))
def test_a_code_gives_one_grant_per_student_and_never_more_than_its_uses(alpha, max_uses, order):
    with transaction.atomic():
        promo_code_create(code="PROP", lessons=1, max_uses=max_uses, expires_at=None, by=None)
        granted = set()
        for who in order:
            try:
                promo_code_redeem(student=getattr(alpha, who), code="prop")
            except RedeemRefused as refusal:
                assert refusal.code == ("twice" if who in granted else "used_up")
            else:
                assert who not in granted and len(granted) < max_uses
                granted.add(who)
        assert FreeLessonGrant.objects.count() == len(granted) == PromoCode.objects.get().uses <= max_uses
        transaction.set_rollback(True)


@given(amount=st.integers(0, 10**9), bps=st.integers(0, 5000))
def test_the_application_fee_is_a_share_rounded_down(amount, bps):
    class School:
        platform_fee_bps = bps

    fee = application_fee(amount, School)
    assert 0 <= fee <= amount
    assert fee * 10_000 <= amount * bps < (fee + 1) * 10_000
