"""What the calendars show: lessons as FullCalendar events, the teacher's hours and free time shaded.

The calendar runs in the viewer's named zone (FullCalendar's `timeZone`). Without a zone plugin
FullCalendar takes times without an offset as wall-clock times of that zone, so every time here
is served as the viewer's wall-clock time (no offset); `startUtc` carries the instant itself.
The range a calendar asks for is checked and bounded: a few queries, however long the history.
"""

import zoneinfo
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from tenant_apps.scheduling.models import OCCUPYING, ExtraHours, Lesson, TimeOff, WorkingHours
from tenant_apps.scheduling.selectors import _local_days, lessons_between
from tenant_apps.scheduling.timeslots import local_instant

MAX_RANGE = timedelta(days=62)  # a month view with its leading and trailing weeks fits with room to spare
Status = Lesson.Status


def parse_range(params, zone: zoneinfo.ZoneInfo) -> tuple[datetime, datetime]:
    """FullCalendar's ?start=&end= as instants: ISO dates or datetimes, with or without an offset
    (without one they are wall-clock times in `zone`). Refused: missing, unreadable, reversed, too long."""
    bounds = []
    for name in ("start", "end"):
        raw = (params.get(name) or "").strip().replace(" ", "+")  # a "+" in a query string arrives as a space
        try:
            value = parse_datetime(raw) or (parse_date(raw) and datetime.combine(parse_date(raw), datetime.min.time()))
        except ValueError:
            value = None
        if not value:
            raise ValidationError(_("Give the calendar's start and end as dates."), code="range")
        if value.tzinfo is None:
            value = value.replace(tzinfo=zone)
        bounds.append(value)
    start, end = bounds
    if end <= start:
        raise ValidationError(_("The calendar's end must come after its start."), code="range")
    if end - start > MAX_RANGE:
        raise ValidationError(_("A calendar shows at most %(days)s days at once.") % {"days": MAX_RANGE.days},
                              code="range")
    return start, end


def wall(instant: datetime, zone: zoneinfo.ZoneInfo) -> str:
    """The instant as a wall-clock time in `zone`, without offset (how FullCalendar reads it)."""
    return instant.astimezone(zone).replace(tzinfo=None).isoformat(timespec="minutes")


def calendar_lessons(*, start: datetime, end: datetime, teacher=None, student=None) -> list[Lesson]:
    """The person's lessons overlapping [start, end), every status, every kind (one query)."""
    lessons = lessons_between(start=start - timedelta(hours=6), end=end, teacher=teacher, student=student)
    return list(lessons.filter(ends_at__gt=start))


def lesson_events(lessons, *, zone, viewer, urls=None) -> list[dict]:
    """Lessons as events; `urls(lesson)`: where a click on it goes ("" for nowhere)."""
    events = []
    for lesson in lessons:
        other = lesson.student if viewer.pk == lesson.teacher_id else lesson.teacher
        if viewer.pk not in (lesson.teacher_id, lesson.student_id):  # a manager's view: the student
            other = lesson.student
        cancelled = lesson.status not in OCCUPYING
        language = lesson.enrollment.language.display_name if lesson.enrollment.language_id else ""
        title = other.get_full_name()
        if lesson.kind == Lesson.Kind.TRIAL:
            title = _("Trial: %(name)s") % {"name": title}
        elif language:
            title = f"{title} · {language}"
        classes = ["cal-lesson", f"cal-{lesson.status}", f"cal-kind-{lesson.kind}"]
        if cancelled:
            classes.append("cal-cancelled")
        event = {
            "id": str(lesson.pk),
            "title": title,
            "start": wall(lesson.starts_at, zone),
            "end": wall(lesson.ends_at, zone),
            "classNames": classes,
            "extendedProps": {
                "startUtc": lesson.starts_at.isoformat(),
                "status": lesson.status,
                "statusLabel": str(lesson.get_status_display()),
                "kind": lesson.kind,
                "person": other.get_full_name(),
                "language": language,
            },
        }
        url = urls(lesson) if urls else ""
        if url:
            event["url"] = url
        events.append(event)
    return events


def _subtract(pieces: list[tuple[datetime, datetime]], holes) -> list[tuple[datetime, datetime]]:
    for hole_start, hole_end in holes:
        rest = []
        for begins, ends in pieces:
            if hole_end <= begins or ends <= hole_start:
                rest.append((begins, ends))
                continue
            if begins < hole_start:
                rest.append((begins, hole_start))
            if hole_end < ends:
                rest.append((hole_end, ends))
        pieces = rest
    return pieces


def _wall_instant(day, at, zone) -> datetime:
    """`at` on `day` in `zone`; a wall time the clocks skip counts from just after the jump."""
    return local_instant(day, at, zone) or datetime.combine(day, at, tzinfo=zone)


def hours_between(teacher, start: datetime, end: datetime) -> tuple[list, list]:
    """The teacher's working time in [start, end) as (working, days off) instants (three queries).

    Weekly windows in their own zone (a window on a spring-forward gap starts when the clocks allow),
    less days off, plus one-off extra hours.
    """
    working = []
    for window in WorkingHours.objects.filter(teacher=teacher):
        for day in _local_days(start, end, window.zone):
            if day.weekday() != window.weekday:
                continue
            begins = _wall_instant(day, window.starts, window.zone)
            ends = _wall_instant(day, window.ends, window.zone)
            if begins < end and ends > start:
                working.append((max(begins, start), min(ends, end)))
    off = list(TimeOff.objects.filter(teacher=teacher, starts_at__lt=end, ends_at__gt=start)
               .values_list("starts_at", "ends_at"))
    working = _subtract(working, off)
    working += [(max(b, start), min(e, end)) for b, e in ExtraHours.objects.filter(
        teacher=teacher, starts_at__lt=end, ends_at__gt=start).values_list("starts_at", "ends_at")]
    return sorted(working), off


def background_events(*, teacher, start: datetime, end: datetime, zone, busy: list[tuple[datetime, datetime]],
                      labels: dict, now: datetime) -> list[dict]:
    """Working hours (shaded), the free part of them still ahead (shaded green, titled) and days off (grey)."""
    working, off = hours_between(teacher, start, end)
    free = _subtract(working, [*busy, (start, now)])
    events = [{"start": wall(b, zone), "end": wall(e, zone), "display": "background", "classNames": ["cal-hours"]}
              for b, e in working]
    events += [{"start": wall(b, zone), "end": wall(e, zone), "display": "background", "classNames": ["cal-free"],
                "title": labels["free"], "extendedProps": {"startUtc": b.isoformat(), "endUtc": e.isoformat()}}
               for b, e in free if e - b >= timedelta(minutes=15)]
    events += [{"start": wall(max(b, start), zone), "end": wall(min(e, end), zone), "display": "background",
                "classNames": ["cal-off"], "title": labels["off"]} for b, e in off]
    return events


def busy_periods(lessons) -> list[tuple[datetime, datetime]]:
    return [(lesson.starts_at, lesson.ends_at) for lesson in lessons if lesson.status in OCCUPYING]
