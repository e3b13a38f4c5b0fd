"""The manager's report: money and lessons by month, in the school's time zone. A fixed number of queries."""

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from billing.models import LedgerEntry, Pass, Payment, Refund, Reservation
from billing.money import to_major

Kind = LedgerEntry.Kind


@dataclass
class MonthRow:
    month: date
    revenue: dict = field(default_factory=dict)  # currency → paid, minor units
    refunded: dict = field(default_factory=dict)  # currency → returned, minor units
    held: int = 0
    cancelled_late: int = 0
    no_show: int = 0
    expired: int = 0  # free lessons that burned when their pass ended

    @property
    def burned(self) -> int:
        return self.cancelled_late + self.no_show + self.expired

    def net(self, currency: str) -> int:
        return self.revenue.get(currency, 0) - self.refunded.get(currency, 0)


@dataclass
class Report:
    months: list[MonthRow]
    currencies: list[str]
    active_passes: int
    expiring: list  # passes ending within 7 days, with `free` and `reserved`


def _month_start(day: date) -> date:
    return day.replace(day=1)


def months_back(now: datetime, zone, count: int = 12) -> list[date]:
    """The first days of the last `count` months, oldest first, in `zone`."""
    current = _month_start(timezone.localtime(now, zone).date())
    months = []
    for _ in range(count):
        months.append(current)
        current = _month_start(current - timedelta(days=1))
    return list(reversed(months))


def _local_midnight(day: date, zone) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=zone)


def _month_of(value, zone) -> date:
    return (value.date() if isinstance(value, datetime) else value).replace(day=1)


def school_report(*, school, now: datetime | None = None, months: int = 12) -> Report:
    now = now or timezone.now()
    zone = school.zone
    firsts = months_back(now, zone, months)
    since = _local_midnight(firsts[0], zone)
    rows = {first: MonthRow(month=first) for first in firsts}

    def row(value) -> MonthRow | None:
        return rows.get(_month_of(value, zone))

    paid = (
        Payment.objects.filter(paid_at__gte=since, paid_at__isnull=False)
        .annotate(month=TruncMonth("paid_at", tzinfo=zone)).values("month", "currency")
        .annotate(total=Sum("amount")).order_by()
    )
    currencies = set()
    for item in paid:
        if (target := row(item["month"])) is not None:
            target.revenue[item["currency"]] = item["total"]
            currencies.add(item["currency"])
    refunded = (
        Refund.objects.filter(created_at__gte=since)
        .annotate(month=TruncMonth("created_at", tzinfo=zone)).values("month", "payment__currency")
        .annotate(total=Sum("amount")).order_by()
    )
    for item in refunded:
        if (target := row(item["month"])) is not None:
            target.refunded[item["payment__currency"]] = item["total"]
            currencies.add(item["payment__currency"])

    spent = (
        LedgerEntry.objects.filter(created_at__gte=since, kind__in=[Kind.HELD, Kind.CANCELLED_LATE, Kind.NO_SHOW])
        .annotate(month=TruncMonth("created_at", tzinfo=zone)).values("month", "kind")
        .annotate(count=Count("pk")).order_by()
    )
    attribute = {Kind.HELD: "held", Kind.CANCELLED_LATE: "cancelled_late", Kind.NO_SHOW: "no_show"}
    for item in spent:
        if (target := row(item["month"])) is not None:
            setattr(target, attribute[item["kind"]], item["count"])

    # What burned at a pass's end: its last balance (the free lessons nobody used), plus what an
    # "expired" row already took off (that job may or may not have run: nothing depends on it).
    last_balance = LedgerEntry.objects.filter(lesson_pass=OuterRef("pk")).order_by("-seq").values("balance_after")[:1]
    expired_rows = (
        LedgerEntry.objects.filter(lesson_pass=OuterRef("pk"), kind=Kind.EXPIRED).order_by()
        .values("lesson_pass").annotate(total=Sum("change")).values("total")
    )
    ended = (
        Pass.objects.filter(valid_until__gte=since, valid_until__lte=now)
        .annotate(month=TruncMonth("valid_until", tzinfo=zone),
                  burned=Coalesce(Subquery(last_balance, output_field=IntegerField()), Value(0))
                  - Coalesce(Subquery(expired_rows, output_field=IntegerField()), Value(0)))
        .values_list("month", "burned")
    )
    for month, burned in ended:
        if (target := row(month)) is not None:
            target.expired += burned

    running = Q(starts_at__lte=now, valid_until__gt=now)
    active = Pass.objects.filter(running).count()
    expiring = list(
        Pass.objects.filter(running, valid_until__lte=now + timedelta(days=7))
        .select_related("enrollment__student", "enrollment__language", "product")
        .annotate(
            free=Subquery(last_balance),
            reserved=Count("reservations", filter=Q(reservations__status=Reservation.Status.OPEN), distinct=True),
        )
        .order_by("valid_until", "pk")[:100]
    )
    return Report(months=list(rows.values()), currencies=sorted(currencies) or [school.currency],
                  active_passes=active, expiring=expiring)


def report_csv(report: Report, headers: list[str]) -> str:
    """The monthly table as CSV: amounts in major units with a dot, one column set per currency."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    for month in report.months:
        money = []
        for currency in report.currencies:
            money += [_major(month.revenue.get(currency, 0), currency),
                      _major(month.refunded.get(currency, 0), currency), _major(month.net(currency), currency)]
        writer.writerow([month.month.strftime("%Y-%m"), *money, month.held, month.cancelled_late, month.no_show,
                         month.expired])
    return out.getvalue()


def _major(minor: int, currency: str) -> str:
    return f"{to_major(minor, currency):f}"
