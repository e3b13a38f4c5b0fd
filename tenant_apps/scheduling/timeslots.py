"""Wall-clock times → instants: recurring times are computed in a named zone, then stored in UTC."""

import zoneinfo
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta


def local_instant(day: date, at: time, zone: zoneinfo.ZoneInfo) -> datetime | None:
    """`at` on `day` in `zone`, in UTC; None when that wall time does not exist (a spring-forward gap).

    An ambiguous wall time (autumn) is its first occurrence, the one before the clocks go back.
    """
    local = datetime.combine(day, at, tzinfo=zone)
    instant = local.astimezone(UTC)
    if instant.astimezone(zone).replace(tzinfo=None) != local.replace(tzinfo=None):
        return None
    return instant


def weekly_occurrences(
    slots: list[tuple[int, time]], zone: zoneinfo.ZoneInfo, start: datetime, end: datetime
) -> Iterator[datetime]:
    """Instants in [start, end) at which the weekly (weekday, time) slots fall, in time order."""
    day = start.astimezone(zone).date() - timedelta(days=1)
    last_day = end.astimezone(zone).date() + timedelta(days=1)
    while day <= last_day:
        for weekday, at in sorted(slots, key=lambda slot: slot[1]):
            if weekday != day.weekday():
                continue
            instant = local_instant(day, at, zone)
            if instant is not None and start <= instant < end:
                yield instant
        day += timedelta(days=1)
