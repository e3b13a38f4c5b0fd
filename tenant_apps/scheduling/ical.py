"""Private iCal feeds: a user's lessons for Google, Apple or any calendar that subscribes to a URL.

Each lesson is one VEVENT whose UID never changes (its id and the school's schema); moving it keeps
the UID and raises SEQUENCE (the lesson's `sequence`); a cancelled lesson stays in the feed with
STATUS:CANCELLED, so subscribed calendars drop it. Times are UTC instants.
"""

import secrets
from datetime import datetime, timedelta

import icalendar
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from billing.services import locked
from shared_apps.tenants.services import school_url
from tenant_apps.scheduling.models import OCCUPYING, CalendarFeed, Lesson

FEED_PAST = timedelta(days=60)
FEED_AHEAD = timedelta(days=366)
FEED_LIMIT = 1000


def feed_token() -> str:
    return secrets.token_urlsafe(32)


@transaction.atomic
def feed_enable(user) -> CalendarFeed:
    """The user's feed, made if there is none (its token stays as it was otherwise)."""
    feed, _created = CalendarFeed.objects.get_or_create(user=user, defaults={"token": feed_token()})
    return feed


@transaction.atomic
def feed_regenerate(user) -> CalendarFeed:
    """A new secret: the old URL stops working at once."""
    feed, created = locked(CalendarFeed.objects).get_or_create(user=user, defaults={"token": feed_token()})
    if not created:
        feed.token = feed_token()
        feed.save(update_fields=["token"])
    return feed


def feed_revoke(user) -> None:
    CalendarFeed.objects.filter(user=user).delete()


def lesson_uid(lesson: Lesson, schema: str | None = None) -> str:
    return f"lesson-{lesson.pk}@{schema or connection.schema_name}.panda"


def room_url(host: str, lesson: Lesson) -> str:
    return school_url(host, f"/lessons/{lesson.pk}/room/")


def feed_lessons(user, *, now: datetime) -> list[Lesson]:
    """The user's lessons as student or teacher, from FEED_PAST ago to FEED_AHEAD on (one query)."""
    return list(
        Lesson.objects.filter(Q(student=user) | Q(teacher=user))
        .filter(starts_at__gte=now - FEED_PAST, starts_at__lt=now + FEED_AHEAD)
        .select_related("student", "teacher", "enrollment__language")
        .order_by("starts_at", "pk")[:FEED_LIMIT]
    )


def feed_calendar(user, *, school, host: str, now: datetime | None = None) -> bytes:
    """The feed's text, in the user's language."""
    now = now or timezone.now()
    with translation.override(user.language or school.default_language):
        calendar = icalendar.Calendar()
        calendar.add("prodid", "-//Panda//Lessons//EN")
        calendar.add("version", "2.0")
        calendar.add("calscale", "GREGORIAN")
        calendar.add("method", "PUBLISH")
        name = _("%(school)s: lessons") % {"school": school.name}
        calendar.add("x-wr-calname", name)
        # Times are UTC instants, which every calendar app shows in its own zone; this names the
        # person's zone for apps that display a feed's zone.
        calendar.add("x-wr-timezone", user.time_zone or school.time_zone)
        calendar.add("name", name)
        calendar.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", "PT1H")
        for lesson in feed_lessons(user, now=now):
            calendar.add_component(_event(lesson, user, host=host, now=now))
        return calendar.to_ical()


def _event(lesson: Lesson, user, *, host: str, now: datetime) -> icalendar.Event:
    language = lesson.enrollment.language.display_name if lesson.enrollment.language_id else ""
    as_teacher = user.pk == lesson.teacher_id
    other = lesson.student if as_teacher else lesson.teacher
    if lesson.kind == Lesson.Kind.TRIAL:
        summary = _("Trial lesson with %(name)s") % {"name": other.get_full_name()}
    elif language:
        summary = _("%(language)s lesson with %(name)s") % {"language": language, "name": other.get_full_name()}
    else:
        summary = _("Lesson with %(name)s") % {"name": other.get_full_name()}
    join = room_url(host, lesson)
    lines = [
        _("Teacher: %(name)s") % {"name": lesson.teacher.get_full_name()},
        _("Student: %(name)s") % {"name": lesson.student.get_full_name()},
    ]
    if language:
        lines.append(_("Language: %(language)s") % {"language": language})
    lines.append(_("Join the lesson: %(url)s") % {"url": join})
    event = icalendar.Event()
    event.add("uid", lesson_uid(lesson))
    event.add("dtstamp", now)
    event.add("created", lesson.created_at)
    event.add("dtstart", lesson.starts_at)
    event.add("dtend", lesson.ends_at)
    event.add("sequence", lesson.sequence)
    event.add("summary", summary)
    event.add("description", "\n".join(lines))
    event.add("url", join)
    event.add("location", join)
    event.add("status", "CONFIRMED" if lesson.status in OCCUPYING else "CANCELLED")
    event.add("transp", "OPAQUE" if lesson.status in OCCUPYING else "TRANSPARENT")
    return event
