"""Billing: how long a Stripe webhook takes to handle, and what the student's payments page costs.

(a) Webhooks: `checkout.session.completed` events signed exactly as Stripe signs them (HMAC-SHA256
    of "<timestamp>.<payload>" with settings.STRIPE_WEBHOOK_SECRET, header "t=<timestamp>,v1=<hex>"),
    each for its own pending payment. Timed three ways, RUNS events each:
      - direct: billing.payments.webhook_handle in the school's schema (verify, store the event once,
        mark the payment paid: the pass, its ledger row, the in-app notification, and after commit
        the bell publish and the email task queued on Redis);
      - HTTP: the same through the Django test client, POST /billing/webhooks/stripe/ on the school's
        host (the whole middleware stack, no network);
      - replay: every event of the direct run delivered again (found once, changes nothing).
(b) The payments page (/student/payments/, the test client, logged in as the student): SQL queries
    and render time with 1 pass, then with 100 passes and 10,000 ledger rows (bulk-made, consistent:
    seq 1..n, balance_after the running sum).

Self-contained: it makes its own database (panda_bench_billing) and drops it at the end, and uses
Redis db 7 (must be empty at the start; flushed at the end). The school's subdomain is run-unique,
because pub/sub channel names ignore the Redis db number. Run from the project root:

    .venv/bin/python -m bench.billing

Prints markdown table rows on stdout; progress goes to stderr.
"""

import hashlib
import hmac
import itertools
import json
import time
import uuid
from datetime import timedelta

from bench import harness

ROOT = harness.ROOT
BENCH_DB = "panda_bench_billing"
REDIS_URL = "redis://127.0.0.1:6379/7"
RUNS = 200  # events per series
WARMUP = 10
PAGE_RUNS = 30
PAGE = "/student/payments/"
WEBHOOK = "/billing/webhooks/stripe/"

harness.configure(database=BENCH_DB, redis_url=REDIS_URL)
ROWS, log, row, p95, ms, spread = harness.ROWS, harness.log, harness.row, harness.p95, harness.ms, harness.spread
bench_env, redis_check_empty = harness.bench_env, harness.redis_check_empty
database_recreate, database_drop, django_setup = harness.database_recreate, harness.database_drop, harness.django_setup


# The cast --------------------------------------------------------------------------------------
class School:
    def __init__(self):
        from django_tenants.utils import schema_context

        from billing.models import Product
        from shared_apps.tenants.services import school_create
        from tenant_apps.accounts.services import user_create
        from tenant_apps.learning.models import Language
        from tenant_apps.learning.services import enrollment_create

        subdomain = f"billbench{uuid.uuid4().hex[:8]}"
        new = school_create(
            name="Bench billing", subdomain=subdomain, time_zone="Europe/Moscow", currency="RUB",
            owner_name="Owner", owner_email=f"owner@{subdomain}.example.com",
            owner_password="correct-horse-battery-staple", default_language="en",
        )
        self.schema, self.host = new.school.schema_name, new.school.domains.get().domain
        with schema_context(self.schema):
            self.manager_id = new.owner_id
            teacher = user_create(email="teacher@bench.test", password=None, full_name="Tom", is_teacher=True)
            self.student = user_create(email="student@bench.test", password=None, full_name="Sam", is_student=True)
            self.enrollment = enrollment_create(student=self.student, language=Language.objects.get(code="en"),
                                                teacher=teacher, by=None)
            self.product = Product.objects.create(name="8 lessons", lessons=8, price=1_990_00, currency="RUB")

    def client(self, *, logged_in: bool):
        from django.test import Client
        from django_tenants.utils import schema_context

        client = Client(HTTP_HOST=self.host)
        if logged_in:
            with schema_context(self.schema):
                client.force_login(self.student)
        return client


# (a) Webhooks ---------------------------------------------------------------------------------
session_numbers = itertools.count(1)


def signed_event(session_id: str, payment_id: int, schema: str, amount: int) -> tuple[bytes, str]:
    """A completed-checkout event and its Stripe-Signature header, signed the way Stripe signs."""
    from django.conf import settings

    number = next(session_numbers)
    payload = json.dumps({
        "id": f"evt_bench_{number}",
        "object": "event",
        "type": "checkout.session.completed",
        "created": int(time.time()),
        "data": {"object": {
            "id": session_id, "object": "checkout.session", "status": "complete", "payment_status": "paid",
            "payment_intent": f"pi_bench_{number}", "client_reference_id": f"{schema}-{payment_id}",
            "metadata": {"schema": schema, "payment_id": str(payment_id)}, "amount_total": amount,
            "currency": "rub",
        }},
    }).encode()
    timestamp = str(int(time.time()))
    signature = hmac.new(settings.STRIPE_WEBHOOK_SECRET.encode(), f"{timestamp}.".encode() + payload,
                         hashlib.sha256).hexdigest()
    return payload, f"t={timestamp},v1={signature}"


def pending_payments(school: School, count: int) -> list[tuple[str, int, str, int]]:
    """`count` pending payments with their checkout sessions: (session id, payment id, schema, amount) each."""
    from billing.models import Payment

    payments = Payment.objects.bulk_create(
        Payment(student=school.student, enrollment=school.enrollment, product=school.product,
                amount=school.product.price, currency="RUB", provider_session_id=f"cs_bench_{uuid.uuid4().hex}")
        for _ in range(count)
    )
    return [(payment.provider_session_id, payment.pk, school.schema, payment.amount) for payment in payments]


def bench_webhooks(school: School) -> None:
    from django_tenants.utils import schema_context

    from billing.models import Pass
    from billing.payments import webhook_handle

    with schema_context(school.schema):
        events = [signed_event(*pending) for pending in pending_payments(school, WARMUP + RUNS)]
    direct, delivered = [], []
    with schema_context(school.schema):
        for index, (payload, signature) in enumerate(events):
            start = time.perf_counter()
            outcome = webhook_handle(provider_name="stripe", payload=payload, signature=signature)
            elapsed = time.perf_counter() - start
            assert outcome == "paid", outcome
            if index >= WARMUP:
                direct.append(elapsed)
                delivered.append((payload, signature))
        assert Pass.objects.count() == WARMUP + RUNS
    row("Stripe webhook, paid (webhook_handle: verify, store once, pass + ledger + notification)", spread(direct))

    replayed = []
    with schema_context(school.schema):
        for payload, signature in delivered:
            start = time.perf_counter()
            outcome = webhook_handle(provider_name="stripe", payload=payload, signature=signature)
            replayed.append(time.perf_counter() - start)
            assert outcome == "duplicate", outcome
        assert Pass.objects.count() == WARMUP + RUNS
    row("Stripe webhook, replayed (found once, changes nothing)", spread(replayed))

    with schema_context(school.schema):
        events = [signed_event(*pending) for pending in pending_payments(school, WARMUP + RUNS)]
    client = school.client(logged_in=False)
    over_http = []
    for index, (payload, signature) in enumerate(events):
        start = time.perf_counter()
        response = client.post(WEBHOOK, payload, content_type="application/json", HTTP_STRIPE_SIGNATURE=signature)
        elapsed = time.perf_counter() - start
        assert response.status_code == 200 and response.content == b"paid", response
        if index >= WARMUP:
            over_http.append(elapsed)
    forged = client.post(WEBHOOK, events[0][0], content_type="application/json",
                         HTTP_STRIPE_SIGNATURE=events[0][1].replace("v1=", "v1=0"))
    assert forged.status_code == 400
    row("Stripe webhook, paid, POST through the Django test client (middleware + view)", spread(over_http))


# (b) The payments page ------------------------------------------------------------------------
def add_ended_passes(school: School, *, count: int, rows_per_pass: int) -> None:
    """`count` paid, ended passes with `rows_per_pass` consistent ledger rows each (see the tests)."""
    from django.utils import timezone

    from billing.models import LedgerEntry, Pass, Payment, Reservation

    now = timezone.now()
    payments = Payment.objects.bulk_create(
        Payment(student=school.student, enrollment=school.enrollment, product=school.product,
                amount=school.product.price, currency="RUB", status=Payment.Status.PAID,
                paid_at=now - timedelta(days=28 * (k + 2)))
        for k in range(count)
    )
    passes = Pass.objects.bulk_create(
        Pass(enrollment=school.enrollment, product=school.product, payment=payment, lessons=8,
             starts_at=payment.paid_at, valid_until=payment.paid_at + timedelta(days=28))
        for payment in payments
    )
    lesson_ids = itertools.count(1_000_000)
    entries, reservations = [], []
    kind = LedgerEntry.Kind
    for lesson_pass in passes:
        entries.append(LedgerEntry(lesson_pass=lesson_pass, seq=1, change=8, balance_after=8, kind=kind.PURCHASE))
        for seq in range(2, rows_per_pass + 1, 2):
            lesson_id = next(lesson_ids)
            entries.append(LedgerEntry(lesson_pass=lesson_pass, seq=seq, change=-1, balance_after=7,
                                       kind=kind.BOOKED, lesson_id=lesson_id))
            entries.append(LedgerEntry(lesson_pass=lesson_pass, seq=seq + 1, change=1, balance_after=8,
                                       kind=kind.CANCELLED_IN_TIME, lesson_id=lesson_id))
            reservations.append(Reservation(lesson_pass=lesson_pass, lesson_id=lesson_id,
                                            lesson_starts_at=lesson_pass.starts_at + timedelta(days=1),
                                            status=Reservation.Status.RELEASED, closed_at=lesson_pass.starts_at))
    LedgerEntry.objects.bulk_create(entries, batch_size=5000)
    Reservation.objects.bulk_create(reservations, batch_size=5000)


def page_cost(client) -> tuple[int, list[float]]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    assert client.get(PAGE).status_code == 200  # sessions and the cached school, as on any later visit
    with CaptureQueriesContext(connection) as queries:
        assert client.get(PAGE).status_code == 200
    count = len(queries.captured_queries)  # now: the next request clears the log it reads lazily
    timings = []
    for _ in range(PAGE_RUNS):
        start = time.perf_counter()
        client.get(PAGE)
        timings.append(time.perf_counter() - start)
    return count, timings


def bench_payments_page() -> None:
    from django.utils import timezone
    from django_tenants.utils import schema_context

    from billing.models import LedgerEntry, Pass, Payment
    from billing.services import payment_mark_paid

    school = School()  # a student of their own: the webhook run's passes are not on this page
    with schema_context(school.schema):
        payment = Payment.objects.create(student=school.student, enrollment=school.enrollment,
                                         product=school.product, amount=school.product.price, currency="RUB")
        payment_mark_paid(payment=payment, now=timezone.now() - timedelta(days=3))
    client = school.client(logged_in=True)
    one_queries, one_times = page_cost(client)

    with schema_context(school.schema):
        add_ended_passes(school, count=99, rows_per_pass=101)
        passes, rows = Pass.objects.count(), LedgerEntry.objects.count()
    assert (passes, rows) == (100, 10_000), (passes, rows)
    many_queries, many_times = page_cost(client)
    row("Payments page, 1 pass: SQL queries", str(one_queries))
    row("Payments page, 100 passes + 10,000 ledger rows: SQL queries", str(many_queries))
    row("Payments page, 1 pass: render (test client)", spread(one_times))
    row("Payments page, 100 passes + 10,000 ledger rows: render (test client)", spread(many_times))


def main() -> None:
    redis_check_empty()
    database_recreate()
    try:
        django_setup()
        log("webhooks")
        bench_webhooks(School())
        log("payments page")
        bench_payments_page()
    finally:
        database_drop()
    print("\n".join(ROWS))


if __name__ == "__main__":
    main()
