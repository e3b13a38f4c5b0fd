"""Times as a person reads them: in their zone, in their language's conventions, naming the zone.

Babel (CLDR data) gives each locale's date conventions ("7 дек." / "7 Dec", 24-hour clock in both)
and the zone's city in the reader's language ("Нью-Йорк" / "New York"). English uses the British
conventions (day before month): no US 12/07/2026, no "11 a.m.".
"""

import zoneinfo
from datetime import datetime
from urllib.parse import unquote

from babel import dates as babel_dates
from django.utils import timezone, translation
from django.utils.translation import gettext as _

_LOCALES = {"ru": "ru", "en": "en_GB"}

# CLDR patterns per kind of text; the locale supplies month names and abbreviations.
PATTERNS = {
    "datetime": "EEE d MMM y, HH:mm",
    "date": "d MMM y",
    "day": "EEE d MMM",
    "short": "d MMM",
    "time": "HH:mm",
}


def zone_or_none(name: str | None) -> zoneinfo.ZoneInfo | None:
    """A zone from a profile, a form or the browser's cookie (which arrives URL-encoded), or None."""
    if not name:
        return None
    try:
        return zoneinfo.ZoneInfo(unquote(name).strip())
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None  # a stale or forged value


def _locale() -> str:
    return _LOCALES.get((translation.get_language() or "en")[:2], "en_GB")


def zone_city(zone: zoneinfo.ZoneInfo | str) -> str:
    """The zone's city in the active language: "Нью-Йорк", "New York", "UTC"."""
    key = zone if isinstance(zone, str) else zone.key
    try:
        return babel_dates.get_timezone_location(key, locale=_locale(), return_city=True)
    except LookupError:
        return key


def zone_label(zone: zoneinfo.ZoneInfo | str, at: datetime | None = None) -> str:
    """"New York time, UTC−05:00": the city and the offset at `at` (now by default)."""
    zone = zone if isinstance(zone, zoneinfo.ZoneInfo) else zoneinfo.ZoneInfo(zone)
    offset = (at or timezone.now()).astimezone(zone).strftime("%z")
    sign = "−" if offset.startswith("-") else "+"
    return _("%(city)s time, UTC%(sign)s%(hours)s:%(minutes)s") % {
        "city": zone_city(zone), "sign": sign, "hours": offset[1:3], "minutes": offset[3:5],
    }


def local_format(instant: datetime, kind: str = "datetime", zone: zoneinfo.ZoneInfo | None = None) -> str:
    """An instant (or a date) in the active language's conventions, in `zone` (default: the active one)."""
    if isinstance(instant, datetime):
        instant = timezone.localtime(instant, zone) if timezone.is_aware(instant) else instant
        return babel_dates.format_datetime(instant, PATTERNS[kind], locale=_locale())
    return babel_dates.format_date(instant, PATTERNS[kind], locale=_locale())


def when_for(user, instant: datetime, *, school) -> str:
    """An instant as `user` reads it in a message: their language, their zone, and which zone that is.

    "Mon 7 Dec 2026, 19:00 (New York time, UTC−05:00)". Profiles without a zone read the school's.
    """
    zone = zone_or_none(user.time_zone) or zoneinfo.ZoneInfo(school.time_zone)
    with translation.override(user.language or school.default_language):
        return f"{local_format(instant, 'datetime', zone)} ({zone_label(zone, instant)})"
