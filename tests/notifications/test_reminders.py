"""Reminders: each due reminder goes out once, however often and however interleaved the runs;
a reminder whose subject moved or was cancelled does not go out; beat reaches every live school.

Notifications knows no domain app, so these tests register their own source over stand-in
lessons, and borrow a kind that accounts registers (any kind with email on will do).
"""

import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from unittest import mock

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection, transaction
from django.test import TestCase
from django_tenants.utils import schema_context
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from config.celery import app as celery_app
from shared_apps.tenants.services import school_create
from shared_apps.tenants.tasks import fan_out
from tenant_apps.accounts.models import User
from tenant_apps.accounts.notification_kinds import INVITATION_ACCEPTED
from tenant_apps.notifications import reminders
from tenant_apps.notifications.models import Notification, Reminder
from tenant_apps.notifications.tasks import send_due_reminders

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
SOURCE = "tests.lessons"


@dataclass
class Lesson:
    """A stand-in for a scheduled lesson: all a reminder source needs to know about one."""

    pk: int
    student: User
    starts_at: datetime
    status: str = "planned"


class LessonReminders:
    """A reminder source: 24 hours before each planned lesson, its student hears of it."""

    def __init__(self):
        self.lessons: dict[int, Lesson] = {}

    def add(self, pk: int, student: User, starts_at: datetime) -> Lesson:
        self.lessons[pk] = Lesson(pk, student, starts_at)
        return self.lessons[pk]

    @staticmethod
    def version(lesson: Lesson) -> str:
        return f"{lesson.starts_at.isoformat()}|{lesson.status}"

    def current_version(self, pk: int) -> str | None:
        lesson = self.lessons.get(pk)
        return None if lesson is None else self.version(lesson)

    def reminder(self, lesson: Lesson) -> reminders.DueReminder:
        return reminders.DueReminder(
            key=f"lesson.{lesson.pk}.24h",
            recipient=lesson.student,
            kind=INVITATION_ACCEPTED,
            context={"name": f"Lesson {lesson.pk}", "roles": lesson.starts_at.isoformat()},
            url=f"/lessons/{lesson.pk}/",
            subject_version=self.version(lesson),
            due_at=lesson.starts_at - timedelta(hours=24),
            current_version=partial(self.current_version, lesson.pk),
        )

    def __call__(self, now: datetime):
        for lesson in list(self.lessons.values()):
            if lesson.status == "planned" and lesson.starts_at - timedelta(hours=24) <= now < lesson.starts_at:
                yield self.reminder(lesson)


@pytest.fixture
def register_source(monkeypatch):
    """`register_source(name, source)`; only the test's own sources are registered meanwhile.

    The apps' real sources (billing's extension offer, ...) have tests of their own.
    """
    monkeypatch.setattr(reminders, "_SOURCES", {})
    return reminders.register


@pytest.fixture
def alpha(cast):
    with schema_context(cast.a.school.schema_name):
        yield cast.a


@pytest.fixture
def lessons(register_source) -> LessonReminders:
    return register_source(SOURCE, LessonReminders())


def sent_keys() -> list[str]:
    return sorted(Reminder.objects.values_list("key", flat=True))


def notifications_about(name: str) -> int:
    return Notification.objects.filter(context__name=name).count()


def test_running_the_task_twice_sends_each_reminder_once(alpha, lessons, django_capture_on_commit_callbacks):
    now = datetime.now(tz=UTC)
    lessons.add(1, alpha.student, now + timedelta(hours=3))
    lessons.add(2, alpha.student2, now + timedelta(hours=20))
    lessons.add(3, alpha.student, now + timedelta(hours=30))  # its reminder is due tomorrow

    with django_capture_on_commit_callbacks(execute=True):
        first = send_due_reminders.delay().get()
    with django_capture_on_commit_callbacks(execute=True):
        second = send_due_reminders.delay().get()

    assert first == {reminders.SENT: 2}
    assert second == {reminders.ALREADY_SENT: 2}
    assert sent_keys() == ["lesson.1.24h", "lesson.2.24h"]
    assert [notifications_about(f"Lesson {pk}") for pk in (1, 2, 3)] == [1, 1, 0]
    assert sorted(message.to[0] for message in mail.outbox) == ["student2@alpha.test", "student@alpha.test"]
    assert all(message.subject.startswith("[Alpha School] Lesson ") for message in mail.outbox)
    reminder = Reminder.objects.select_related("notification").get(key="lesson.1.24h")
    assert reminder.notification.recipient == alpha.student
    assert reminder.notification.url == "/lessons/1/"
    assert reminder.subject_version == LessonReminders.version(lessons.lessons[1])


def test_a_reminder_that_comes_due_later_goes_out_on_a_later_run(alpha, lessons):
    lessons.add(3, alpha.student, NOW + timedelta(hours=30))

    assert reminders.reminders_send_due(now=NOW) == {}
    assert reminders.reminders_send_due(now=NOW + timedelta(hours=6)) == {reminders.SENT: 1}
    assert Reminder.objects.get().due_at == NOW + timedelta(hours=6)


def test_a_reminder_whose_lesson_moved_after_it_was_listed_is_not_sent(alpha, lessons):
    lesson = lessons.add(1, alpha.student, NOW + timedelta(hours=3))
    [listed] = lessons(NOW)

    lesson.starts_at = NOW + timedelta(days=3)  # moved while the run was under way
    outcome = reminders.reminder_send(reminder=listed, now=NOW)

    assert outcome == reminders.CHANGED
    assert sent_keys() == []
    assert notifications_about("Lesson 1") == 0


def test_a_moved_lesson_is_reminded_of_once_at_its_new_time(alpha, lessons):
    lesson = lessons.add(1, alpha.student, NOW + timedelta(hours=3))
    [listed] = lessons(NOW)
    lesson.starts_at = NOW + timedelta(days=3)
    reminders.reminder_send(reminder=listed, now=NOW)

    later = lesson.starts_at - timedelta(hours=23)
    assert reminders.reminders_send_due(now=NOW) == {}
    assert reminders.reminders_send_due(now=later) == {reminders.SENT: 1}
    assert reminders.reminders_send_due(now=later) == {reminders.ALREADY_SENT: 1}
    assert Reminder.objects.get().subject_version.startswith(lesson.starts_at.isoformat())


def test_a_reminder_whose_lesson_was_cancelled_is_not_sent(alpha, lessons, django_capture_on_commit_callbacks):
    lesson = lessons.add(1, alpha.student, NOW + timedelta(hours=3))
    [listed] = lessons(NOW)

    lesson.status = "cancelled"
    with django_capture_on_commit_callbacks(execute=True):
        outcome = reminders.reminder_send(reminder=listed, now=NOW)
        rerun = reminders.reminders_send_due(now=NOW)

    assert (outcome, rerun) == (reminders.CHANGED, {})
    assert sent_keys() == []
    assert mail.outbox == []


def test_a_reminder_whose_lesson_is_gone_is_not_sent(alpha, lessons):
    lessons.add(1, alpha.student, NOW + timedelta(hours=3))
    [listed] = lessons(NOW)

    del lessons.lessons[1]

    assert reminders.reminder_send(reminder=listed, now=NOW) == reminders.CHANGED
    assert sent_keys() == []


def test_a_failing_source_does_not_stop_the_others(alpha, lessons, register_source):
    def broken(now):
        raise RuntimeError("the source is broken")

    register_source("tests.broken", broken)
    lessons.add(1, alpha.student, NOW + timedelta(hours=3))

    assert reminders.reminders_send_due(now=NOW) == {reminders.FAILED: 1, reminders.SENT: 1}
    assert sent_keys() == ["lesson.1.24h"]


def test_a_reminder_that_fails_to_send_is_not_recorded_and_goes_out_next_time(alpha, lessons):
    lessons.add(1, alpha.student, NOW + timedelta(hours=3))

    with mock.patch("tenant_apps.notifications.reminders.notify", side_effect=RuntimeError("template broken")):
        assert reminders.reminders_send_due(now=NOW) == {reminders.FAILED: 1}
    assert sent_keys() == []

    assert reminders.reminders_send_due(now=NOW) == {reminders.SENT: 1}
    assert notifications_about("Lesson 1") == 1


def test_reminders_are_never_sent_from_the_public_schema(db):
    with pytest.raises(RuntimeError, match="school"):
        reminders.reminders_send_due(now=NOW)


# Beat and the fan-out -----------------------------------------------------------------------
def test_beat_fans_the_reminders_out_every_five_minutes():
    entry = celery_app.conf.beat_schedule["notifications-send-due-reminders"]

    assert entry["task"] == fan_out.name
    assert entry["kwargs"] == {"task_name": send_due_reminders.name}
    assert entry["schedule"].minute == set(range(0, 60, 5))


def greet_the_managers(now):
    """A source that reads the current school: one reminder per manager of the school it runs in."""
    for manager in User.objects.filter(is_manager=True):
        yield reminders.DueReminder(
            key=f"tests.manager.{manager.pk}", recipient=manager, kind=INVITATION_ACCEPTED,
            context={"name": "Beat", "roles": connection.schema_name}, url="/", subject_version="1",
            due_at=now, current_version=lambda: "1",
        )


def test_the_fan_out_reaches_alpha_and_beta_but_not_a_suspended_school_nor_the_template(cast, register_source):
    register_source("tests.managers", greet_the_managers)
    suspended = school_create(
        name="Gamma School", subdomain="gamma", time_zone="UTC", currency="EUR", owner_name="Gamma Manager",
        owner_email="manager@gamma.test", owner_password="x", default_language="en",
    ).school
    suspended.is_suspended = True
    suspended.save(update_fields=["is_suspended"])
    ran_in = []

    def deliver_in_process(name, args=None, kwargs=None, **options):
        # The broker hop, replaced: run the task here, in the schema its header would carry, and
        # commit there as a worker would (notify's after-commit work reads the current schema).
        ran_in.append(connection.schema_name)
        with TestCase.captureOnCommitCallbacks(execute=True):
            return celery_app.tasks[name].apply(args=args, kwargs=kwargs, headers=options.get("headers"))

    with (
        schema_context("public"),
        mock.patch.object(celery_app, "send_task", side_effect=deliver_in_process),
    ):
        fan_out.apply(kwargs={"task_name": send_due_reminders.name}).get()

    assert ran_in == ["alpha", "beta"]
    assert settings.TENANT_TEMPLATE_SCHEMA not in ran_in and suspended.schema_name not in ran_in
    for schema, email in [("alpha", "manager@alpha.test"), ("beta", "manager@beta.test")]:
        with schema_context(schema):
            reminder = Reminder.objects.select_related("recipient", "notification").get()
            assert reminder.recipient.email == email
            assert reminder.notification.context["roles"] == schema
    with schema_context(suspended.schema_name):
        assert not Reminder.objects.exists()
    assert sorted(message.to[0] for message in mail.outbox) == ["manager@alpha.test", "manager@beta.test"]


# Any interleaving, any repetition: once -------------------------------------------------------
KEYS = 5
steps = st.lists(
    st.one_of(
        st.tuples(st.just("run"), st.integers(0, 120)),  # a whole run at NOW + minutes
        st.tuples(st.just("list"), st.integers(0, 120)),  # a run starts: it lists what is due then
        st.tuples(st.just("send"), st.integers(0, 3)),  # a started run sends its next reminder
    ),
    max_size=12,
)


@hypothesis_settings(
    max_examples=50, deadline=None, database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(lesson_minutes=st.lists(st.integers(0, 150), min_size=1, max_size=KEYS), schedule=steps)
def test_any_interleaving_of_runs_sends_each_due_reminder_exactly_once(alpha, lessons, lesson_minutes, schedule):
    lessons.lessons.clear()
    for pk, minutes in enumerate(lesson_minutes, start=1):
        # Due at NOW + minutes, and the lesson is still ahead at every run time drawn.
        lessons.add(pk, alpha.student, NOW + timedelta(hours=24, minutes=minutes))
    mail.outbox = []
    started: list[tuple[datetime, list]] = []  # runs under way: their time and what is left to send
    latest = None
    with transaction.atomic():  # each example starts from scratch
        with TestCase.captureOnCommitCallbacks(execute=True):
            for action, number in schedule:
                if action == "run":
                    now = NOW + timedelta(minutes=number)
                    reminders.reminders_send_due(now=now)
                    latest = max(latest or now, now)
                elif action == "list":
                    now = NOW + timedelta(minutes=number)
                    started.append((now, list(lessons(now))))
                    latest = max(latest or now, now)
                elif started:
                    now, left = started[number % len(started)]
                    if left:
                        reminders.reminder_send(reminder=left.pop(0), now=now)
                names = list(Notification.objects.values_list("context__name", flat=True))
                assert len(names) == len(set(names)), f"a reminder went out twice: {sorted(names)}"
            for now, left in started:  # every run under way finishes
                for reminder in left:
                    reminders.reminder_send(reminder=reminder, now=now)

            due = {
                f"lesson.{pk}.24h" for pk, minutes in enumerate(lesson_minutes, start=1)
                if latest is not None and NOW + timedelta(minutes=minutes) <= latest
            }
            assert set(sent_keys()) == due
            assert sorted(Notification.objects.values_list("context__name", flat=True)) == sorted(
                f"Lesson {key.split('.')[1]}" for key in due
            )
        assert len(mail.outbox) == len(due)  # the emails left after the commit, one per reminder
        transaction.set_rollback(True)


# Two workers at once --------------------------------------------------------------------------
@pytest.mark.committed
def test_two_runs_racing_on_one_reminder_send_it_once(committed_cast, register_source):
    """Both runs pass the version check at the same moment; the unique key lets one through."""
    alpha = committed_cast.a
    both_checked = threading.Barrier(2, timeout=10)

    def version_after_both_checked():
        both_checked.wait()
        return "1"

    def one_reminder(now):
        yield reminders.DueReminder(
            key="tests.race", recipient=alpha.student, kind=INVITATION_ACCEPTED,
            context={"name": "Race", "roles": "x"}, url="/", subject_version="1",
            due_at=now, current_version=version_after_both_checked,
        )

    register_source("tests.race", one_reminder)
    outcomes = []

    def run():
        try:
            with schema_context("alpha"):
                outcomes.append(reminders.reminders_send_due(now=NOW))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=20)
        with schema_context("alpha"):
            notifications = Notification.objects.filter(context__name="Race").count()
            keys = sent_keys()
    finally:
        with schema_context("alpha"):
            Reminder.objects.filter(key="tests.race").delete()
            Notification.objects.filter(context__name="Race").delete()

    assert sorted(outcomes, key=str) == [{reminders.ALREADY_SENT: 1}, {reminders.SENT: 1}]
    assert (notifications, keys) == (1, ["tests.race"])
    assert [message.to for message in mail.outbox] == [["student@alpha.test"]]
