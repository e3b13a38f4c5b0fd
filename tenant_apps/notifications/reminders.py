"""Reminders: notifications that time, not a change, sets off ("your lesson starts in 24 hours").

Notifications imports no domain app, so the apps that know what is due register a *source*
in their `AppConfig.ready()`:

    from tenant_apps.notifications import reminders

    def lesson_reminders(now):  # illustrative: no such source or kind exists yet
        for lesson in Lesson.objects.starting_between(now, now + timedelta(hours=24)):
            yield reminders.DueReminder(
                key=f"lesson.{lesson.pk}.24h",
                recipient=lesson.student,
                kind="scheduling.lesson_soon",
                context={"starts_at": ...},
                url=f"/lessons/{lesson.pk}/",
                subject_version=lesson_version(lesson),
                due_at=lesson.starts_at - timedelta(hours=24),
                current_version=lambda pk=lesson.pk: lesson_version_now(pk),
            )

    reminders.register("scheduling.lesson_reminders", lesson_reminders)

A source is called with `now` in a school's schema and yields what should go out by then. It
bounds its own look-back: the service sends every due reminder it has not sent yet, so after
a day without beat, a source that still yields yesterday's 24-hour reminders gets them sent.
`current_version()` re-reads the subject (it may lock it with `select_for_update`) and returns
its version now, or None when it is gone; a reminder whose subject moved or was cancelled since
it was listed is not sent. A source that wants a moved lesson reminded again for its new time
puts the time into the key; a key that was sent once is never sent again.

Beat runs `tasks.send_due_reminders` in every live school every few minutes (config/celery.py).
"""

import logging
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.db import connection, transaction
from django.utils import timezone
from django_tenants.utils import get_public_schema_name

from tenant_apps.notifications.models import Reminder
from tenant_apps.notifications.services import notify

logger = logging.getLogger(__name__)

# What happened to one due reminder in a run.
SENT = "sent"
ALREADY_SENT = "already_sent"
CHANGED = "changed"  # the subject moved, was cancelled or is gone: not sent
NOT_DUE = "not_due"
FAILED = "failed"  # nothing recorded: the next run tries again


@dataclass(frozen=True)
class DueReminder:
    key: str  # unique within the school, e.g. "lesson.42.24h"
    recipient: object  # a User of the current school
    kind: str  # a registered notification kind
    context: dict  # JSON-serialisable, passed to notify()
    url: str
    subject_version: str  # the subject's state when listed, e.g. its start time and status
    due_at: datetime
    current_version: Callable[[], str | None] = field(compare=False)

    def still_valid(self) -> bool:
        return self.current_version() == self.subject_version


ReminderSource = Callable[[datetime], Iterable[DueReminder]]

_SOURCES: dict[str, ReminderSource] = {}


def register(name: str, source: ReminderSource) -> ReminderSource:
    existing = _SOURCES.get(name)
    if existing is not None and existing is not source:
        raise ValueError(f"Reminder source {name!r} is registered twice, differently.")
    _SOURCES[name] = source
    return source


def unregister(name: str) -> None:
    _SOURCES.pop(name, None)


def registered_sources() -> list[tuple[str, ReminderSource]]:
    return sorted(_SOURCES.items())


def reminder_send(*, reminder: DueReminder, now: datetime | None = None) -> str:
    """Send one due reminder unless it was sent already or its subject changed; return what happened.

    Runs its own transaction (call it outside one): the Reminder row is inserted first, so of two
    runs racing on one key the second waits on the unique index and then finds the row; the
    notification and the row commit together, and the email leaves after the commit.
    """
    now = now or timezone.now()
    if reminder.due_at > now:
        return NOT_DUE
    with transaction.atomic():
        if not reminder.still_valid():
            # Not recorded: a moved lesson is listed again, as it is now, by the next run.
            return CHANGED
        record, created = Reminder.objects.get_or_create(
            key=reminder.key,
            defaults={
                "recipient": reminder.recipient,
                "kind": reminder.kind,
                "subject_version": reminder.subject_version,
                "due_at": reminder.due_at,
                "sent_at": now,
            },
        )
        if not created:
            return ALREADY_SENT
        record.notification = notify(reminder.recipient, reminder.kind, reminder.context, url=reminder.url)
        record.save(update_fields=["notification"])
    return SENT


def reminders_send_due(*, now: datetime | None = None) -> dict[str, int]:
    """Send every due reminder of the current school once; returns how many ended which way.

    Runs in a school's schema (the Celery task does), outside a transaction. A reminder that
    fails is logged and left unrecorded, and the others still go out.
    """
    if connection.schema_name == get_public_schema_name():
        raise RuntimeError("Reminders are sent in a school's schema, not the public one.")
    now = now or timezone.now()
    outcomes: Counter[str] = Counter()
    for name, source in registered_sources():
        try:
            due = [reminder for reminder in source(now) if reminder.due_at <= now]
        except Exception:
            logger.exception("Reminder source %s failed in %s", name, connection.schema_name)
            outcomes[FAILED] += 1
            continue
        # Most runs find mostly reminders sent earlier: one query skips them all.
        sent_before = set(Reminder.objects.filter(key__in=[r.key for r in due]).values_list("key", flat=True))
        for reminder in due:
            if reminder.key in sent_before:
                outcomes[ALREADY_SENT] += 1
                continue
            try:
                outcomes[reminder_send(reminder=reminder, now=now)] += 1
            except Exception:
                logger.exception("Reminder %s failed in %s", reminder.key, connection.schema_name)
                outcomes[FAILED] += 1
    return dict(outcomes)
