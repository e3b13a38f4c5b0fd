"""The money pages cost the same number of queries with one row as with many (no query per row)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from billing.free_lessons import promo_code_create, promo_code_redeem
from billing.models import Pass, Payment, Refund
from billing.services import credit_adjust, payment_mark_paid


def buy(alpha, enrollment, product) -> Payment:
    payment = Payment.objects.create(student=alpha.student, enrollment=enrollment, product=product,
                                     amount=product.price, currency=product.currency, provider="stripe")
    payment_mark_paid(payment=payment)
    return payment


def grow(alpha, enrollment, product, first: Payment, rounds: int) -> None:
    """More of every row the pages list: payments and passes, refunds, ledger rows, codes, grants."""
    lesson_pass = Pass.objects.get(payment=first)
    start = Refund.objects.count()
    for number in range(start, start + rounds):
        buy(alpha, enrollment, product)
        Refund.objects.create(payment=first, amount=1_00, reason=f"goodwill {number}", by=alpha.manager)
        credit_adjust(lesson_pass=lesson_pass, change=1, by=alpha.manager, reason=f"make-up {number}")
        promo_code_create(code=f"GROW{number}", lessons=1, max_uses=5, expires_at=None, by=alpha.manager)
        promo_code_redeem(student=alpha.student, code=f"GROW{number}")


@pytest.mark.parametrize("who, template", [
    ("manager", "/manager/payments/"),
    ("manager", "/manager/payments/{payment}/"),
    ("manager", "/manager/passes/"),
    ("manager", "/manager/passes/{pass}/"),
    ("manager", "/manager/free-lessons/"),
    ("student", "/student/free-lessons/"),
])
def test_a_money_page_costs_the_same_queries_as_the_school_grows(alpha, enrollment, package, client_for, who,
                                                                   template):
    first = buy(alpha, enrollment, package)
    path = template.format(payment=first.pk, **{"pass": Pass.objects.get(payment=first).pk})
    client = client_for(alpha, getattr(alpha, who))
    grow(alpha, enrollment, package, first, rounds=1)
    client.get(path)  # warm the per-session caches

    with CaptureQueriesContext(connection) as few:
        assert client.get(path).status_code == 200
    grow(alpha, enrollment, package, first, rounds=6)
    with CaptureQueriesContext(connection) as many:
        assert client.get(path).status_code == 200

    assert len(many) == len(few), [query["sql"] for query in many.captured_queries]
