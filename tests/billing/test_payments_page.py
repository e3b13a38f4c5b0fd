"""The student's payments page: only their own passes, in their own time zone, at a constant cost."""

import itertools
import zoneinfo
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

from django.db.models import F, Q, Sum, Window
from django.db.models.functions import RowNumber
from django.utils import timezone
from django_tenants.utils import schema_context

from billing.models import LedgerEntry, Pass, Payment, Product, Reservation
from billing.services import payment_mark_paid
from tenant_apps.accounts.models import User
from tenant_apps.accounts.services import user_create
from tenant_apps.learning.models import Language
from tenant_apps.learning.services import enrollment_create

PAGE = "/student/payments/"
Kind = LedgerEntry.Kind


def pay(student, enrollment, product, now):
    payment = Payment.objects.create(student=student, enrollment=enrollment, product=product, amount=product.price,
                                     currency=product.currency)
    return payment_mark_paid(payment=payment, now=now)


def history_link(lesson_pass) -> str:
    return f'href="/billing/passes/{lesson_pass.pk}/"'


def page_at(client, monkeypatch, moment):
    """The page as it looks at `moment` (the view reads the clock once)."""
    monkeypatch.setattr("billing.views.timezone", SimpleNamespace(now=lambda: moment))
    return client.get(PAGE)


# Who sees what ------------------------------------------------------------------------------------
def test_a_student_sees_their_own_passes_and_not_another_students(alpha, enrollment, package, client_for):
    theirs = pay(alpha.student, enrollment, package, timezone.now())
    english = Language.objects.get(code="en")
    other_enrollment = enrollment_create(student=alpha.student2, language=english, teacher=alpha.teacher,
                                         by=alpha.manager)
    someone_elses = pay(alpha.student2, other_enrollment, package, timezone.now())

    response = client_for(alpha, alpha.student).get(PAGE)

    assert response.status_code == 200
    assert [p.pk for p in response.context["passes"]] == [theirs.pk]
    html = response.content.decode()
    assert history_link(theirs) in html and history_link(someone_elses) not in html
    assert [p.pk for p in response.context["payments"]] == [theirs.payment_id]


def test_a_student_of_another_school_with_the_same_id_sees_nothing_of_alpha(cast, client_for):
    now = timezone.now()
    with schema_context(cast.a.school.schema_name):
        english = Language.objects.get(code="en")
        alpha_product = Product.objects.create(name="Alpha only package", lessons=8, price=1_990_00)
        alpha_enrollment = enrollment_create(student=cast.a.student, language=english, teacher=cast.a.teacher,
                                             by=cast.a.manager)
        alpha_pass = pay(cast.a.student, alpha_enrollment, alpha_product, now)
        alpha_product.is_active = False  # not for sale any more: its name could only come from the pass
        alpha_product.save(update_fields=["is_active"])
        colliding_id = cast.a.student.pk
    with schema_context(cast.b.school.schema_name):
        namesake = User.objects.filter(pk=colliding_id).first() or user_create(
            pk=colliding_id, email="namesake@beta.test", password=None, full_name="Same Id", is_student=True
        )
        User.objects.filter(pk=namesake.pk).update(is_student=True)
        namesake.refresh_from_db()
        beta_product = Product.objects.create(name="Beta package", lessons=4, price=990_00)
        beta_enrollment = enrollment_create(student=namesake, language=Language.objects.get(code="en"),
                                            teacher=cast.b.teacher, by=cast.b.manager)
        beta_pass = pay(namesake, beta_enrollment, beta_product, now)
    assert namesake.pk == cast.a.student.pk

    client = client_for(cast.b, namesake)
    own_page = client.get(PAGE)

    assert own_page.status_code == 200
    assert [p.pk for p in own_page.context["passes"]] == [beta_pass.pk]
    assert "Beta package" in own_page.content.decode()
    assert "Alpha only package" not in own_page.content.decode()
    # Beta's session means nothing on alpha's host: the login page, not alpha's student's passes.
    on_alpha = client.get(PAGE, HTTP_HOST=cast.a.host)
    assert on_alpha.status_code == 302 and "/accounts/login/" in on_alpha["Location"]
    assert alpha_pass.pk and "Alpha only package" not in on_alpha.content.decode()


# What it shows ------------------------------------------------------------------------------------
def test_the_pass_shows_8_lessons_valid_until_in_the_students_time_zone(alpha, enrollment, package, client_for,
                                                                       monkeypatch):
    User.objects.filter(pk=alpha.student.pk).update(time_zone="Asia/Tokyo")  # the school is in Moscow
    paid_at = datetime(2026, 11, 2, 16, 0, tzinfo=UTC)
    lesson_pass = pay(alpha.student, enrollment, package, paid_at)
    tokyo = timezone.localtime(lesson_pass.valid_until, zoneinfo.ZoneInfo("Asia/Tokyo"))
    assert tokyo.isoformat() == "2026-12-01T01:00:00+09:00"  # 30 November 16:00 UTC, 19:00 in Moscow

    html = page_at(client_for(alpha, alpha.student), monkeypatch, paid_at + timedelta(days=3)).content.decode()

    assert "<dt>Bought</dt><dd>8 lessons</dd>" in html
    assert '<dt>Valid until</dt><dd><time datetime="2026-12-01T01:00:00+09:00">1 Dec 2026, 01:00</time></dd>' in html
    assert "25 days left" in html


# What it costs ------------------------------------------------------------------------------------
def add_ended_passes(*, student, enrollment, product, count: int, rows_per_pass: int, before) -> None:
    """`count` paid passes that ended before `before`, each with `rows_per_pass` consistent ledger rows.

    Row 1 is the purchase (+8); then lessons booked (−1) and cancelled in time (+1) in turn, each
    pair with its released reservation, so seq runs 1..n and balance_after is the running sum.
    """
    payments = Payment.objects.bulk_create(
        Payment(student=student, enrollment=enrollment, product=product, amount=product.price,
                currency=product.currency, status=Payment.Status.PAID, paid_at=before - timedelta(days=28 * (k + 2)))
        for k in range(count)
    )
    passes = Pass.objects.bulk_create(
        Pass(enrollment=enrollment, product=product, payment=payment, lessons=8, starts_at=payment.paid_at,
             valid_until=payment.paid_at + timedelta(days=28))
        for payment in payments
    )
    lesson_ids = itertools.count(1_000_000)
    entries, reservations = [], []
    for lesson_pass in passes:
        entries.append(LedgerEntry(lesson_pass=lesson_pass, seq=1, change=8, balance_after=8, kind=Kind.PURCHASE))
        for seq in range(2, rows_per_pass + 1, 2):
            lesson_id = next(lesson_ids)
            entries.append(LedgerEntry(lesson_pass=lesson_pass, seq=seq, change=-1, balance_after=7, kind=Kind.BOOKED,
                                       lesson_id=lesson_id))
            entries.append(LedgerEntry(lesson_pass=lesson_pass, seq=seq + 1, change=1, balance_after=8,
                                       kind=Kind.CANCELLED_IN_TIME, lesson_id=lesson_id))
            reservations.append(Reservation(lesson_pass=lesson_pass, lesson_id=lesson_id,
                                            lesson_starts_at=lesson_pass.starts_at + timedelta(days=1),
                                            status=Reservation.Status.RELEASED,
                                            closed_at=lesson_pass.starts_at))
    LedgerEntry.objects.bulk_create(entries, batch_size=5000)
    Reservation.objects.bulk_create(reservations, batch_size=5000)


def assert_ledger_consistent() -> None:
    by_pass = {"partition_by": [F("lesson_pass")], "order_by": F("seq").asc()}
    rows = LedgerEntry.objects.annotate(running=Window(Sum("change"), **by_pass), n=Window(RowNumber(), **by_pass))
    assert not rows.filter(~Q(balance_after=F("running")) | ~Q(seq=F("n"))).exists()


def test_the_page_costs_the_same_with_100_passes_and_10000_ledger_rows_as_with_1(
    alpha, enrollment, package, client_for, django_assert_max_num_queries
):
    now = timezone.now()
    pay(alpha.student, enrollment, package, now - timedelta(days=3))
    client = client_for(alpha, alpha.student)
    client.get(PAGE)  # sessions and the cached school, as on any later visit
    with django_assert_max_num_queries(20) as one_pass:
        assert client.get(PAGE).status_code == 200

    add_ended_passes(student=alpha.student, enrollment=enrollment, product=package, count=99, rows_per_pass=101,
                     before=now)
    assert Pass.objects.count() == 100 and LedgerEntry.objects.count() == 10_000
    assert_ledger_consistent()
    with django_assert_max_num_queries(20) as many_passes:
        response = client.get(PAGE)

    assert response.status_code == 200
    assert len(response.context["passes"]) == 100
    assert len(many_passes.captured_queries) == len(one_pass.captured_queries)

