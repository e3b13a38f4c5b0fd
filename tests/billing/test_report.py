"""The manager's report: revenue by month, lessons held and burned, passes ending this week, CSV."""

import csv
import io
from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from billing.models import Payment, Refund
from billing.reports import school_report
from billing.services import credit_consume, credit_reserve, passes_record_expiry, payment_mark_paid
from tests.billing.test_free_lessons import buy


def month_of(moment, alpha):
    return timezone.localtime(moment, alpha.school.zone).date().replace(day=1)


def build(alpha, enrollment, package, now):
    """Three passes: one ended 12 days ago unused, one ending in 3 days, one fresh with lessons marked."""
    ended = buy(alpha.student, enrollment, package, now=now - timedelta(days=40))
    ending = buy(alpha.student, enrollment, package, now=now - timedelta(days=25))
    fresh = buy(alpha.student, enrollment, package, now=now - timedelta(hours=1))
    for lesson_id, kind in ((1, "held"), (2, "held"), (3, "cancelled_late"), (4, "no_show")):
        credit_reserve(lesson_pass=fresh, lesson_id=lesson_id, lesson_starts_at=now + timedelta(days=lesson_id))
        credit_consume(lesson_id=lesson_id, kind=kind)
    Refund.objects.create(payment=fresh.payment, amount=500_00, reason="x", by=alpha.manager, provider_refund_id="re_1")
    return ended, ending, fresh


def test_the_report_counts_money_and_lessons_by_month_in_the_schools_zone(alpha, enrollment, package):
    now = timezone.now()
    ended, ending, fresh = build(alpha, enrollment, package, now)

    report = school_report(school=alpha.school, now=now)

    rows = {row.month: row for row in report.months}
    assert len(report.months) == 12 and report.months[-1].month == month_of(now, alpha)
    expected_revenue = {}
    for lesson_pass in (ended, ending, fresh):
        month = month_of(lesson_pass.payment.paid_at, alpha)
        expected_revenue[month] = expected_revenue.get(month, 0) + 1_990_00
    assert {m: r.revenue.get("RUB", 0) for m, r in rows.items() if r.revenue} == expected_revenue
    this_month = rows[month_of(now, alpha)]
    assert this_month.refunded == {"RUB": 500_00}
    assert (this_month.held, this_month.cancelled_late, this_month.no_show) == (2, 1, 1)
    assert rows[month_of(ended.valid_until, alpha)].expired == 8
    assert sum(row.expired for row in report.months) == 8  # the ending and fresh passes burn nothing yet
    assert report.active_passes == 2
    assert [p.pk for p in report.expiring] == [ending.pk]

    passes_record_expiry(now=now)  # the history's "expired" row does not count the burn twice
    again = school_report(school=alpha.school, now=now)
    assert sum(row.expired for row in again.months) == 8


def test_the_page_and_csv_show_the_same_figures(alpha, enrollment, package, client_for):
    build(alpha, enrollment, package, timezone.now())
    manager = client_for(alpha, alpha.manager)

    page = manager.get("/manager/report/").content.decode()
    download = manager.get("/manager/report.csv")

    assert '<span class="stat-value">2</span> <span class="stat-label">active passes</span>' in page
    assert "Passes ending this week" in page
    alpha.manager.language = "ru"
    alpha.manager.save(update_fields=["language"])
    in_russian = manager.get("/manager/report/").content.decode()
    assert '<span class="stat-value">2</span> <span class="stat-label">действующих абонемента</span>' in in_russian
    assert download["Content-Type"] == "text/csv; charset=utf-8"
    assert download["Content-Disposition"] == f'attachment; filename="{alpha.school.schema_name}-report.csv"'
    rows = list(csv.reader(io.StringIO(download.content.decode())))
    assert rows[0] == ["Month", "Revenue, RUB", "Refunded, RUB", "Net, RUB", "Lessons held", "Late cancellations",
                       "No-shows", "Burned at the end of a pass"]
    assert len(rows) == 13
    last = rows[-1]
    assert last[0] == timezone.localtime(timezone.now(), alpha.school.zone).strftime("%Y-%m")
    assert last[2] == "500.00" and last[4:7] == ["2", "1", "1"]


def test_the_report_costs_the_same_number_of_queries_with_more_data(alpha, enrollment, package, client_for):
    manager = client_for(alpha, alpha.manager)
    build(alpha, enrollment, package, timezone.now())
    manager.get("/manager/report/")  # warm: the host's school is cached after the first request
    with CaptureQueriesContext(connection) as few:
        assert manager.get("/manager/report/").status_code == 200
    for days in range(0, 60, 2):
        payment = Payment.objects.create(student=alpha.student, enrollment=enrollment, product=package,
                                         amount=package.price, currency="RUB")
        payment_mark_paid(payment=payment, now=timezone.now() - timedelta(days=days))
    manager.get("/manager/report/")
    with CaptureQueriesContext(connection) as many:
        assert manager.get("/manager/report/").status_code == 200

    assert len(many) == len(few) <= 16
