"""Lesson reminders: 24 hours and 1 hour before, to the student and the teacher, each once; none for a
cancelled lesson; a moved lesson at its new time; an unmarked lesson to its teacher a day after its end."""

from datetime import UTC, timedelta

import pytest
from django.core import mail
from django.utils import timezone

from tenant_apps.accounts.localtime import when_for
from tenant_apps.notifications import reminders
from tenant_apps.notifications.models import Notification, Reminder
from tenant_apps.notifications.reminders import reminder_send, reminders_send_due
from tenant_apps.notifications.tasks import send_due_reminders
from tenant_apps.scheduling import notification_kinds as kinds
from tenant_apps.scheduling.models import Lesson
from tenant_apps.scheduling.reminders import lessons_soon

ONE_MINUTE = timedelta(minutes=1)


@pytest.fixture
def lesson(alpha, enrollment):
    """A lesson three days ahead, booked now (so both its reminders are still to come)."""
    starts_at = (timezone.now() + timedelta(days=3)).replace(second=0, microsecond=0)
    return Lesson.objects.create(enrollment=enrollment, teacher=alpha.teacher, student=alpha.student,
                                 starts_at=starts_at, ends_at=starts_at + timedelta(hours=1))


def sent(kind=kinds.LESSON_SOON) -> list[tuple[str, str]]:
    """(recipient's email, the lead they read) of each notification of this kind."""
    return sorted((n.recipient.email, n.context.get("lead", "")) for n in Notification.objects.filter(kind=kind))


def stamp(lesson) -> str:
    return f"{lesson.starts_at.astimezone(UTC):%Y%m%d%H%M}"


def test_running_the_schools_task_twice_sends_each_reminder_once(alpha, lesson, django_capture_on_commit_callbacks):
    # The task has no `now`: the lesson is moved to 23 h 30 min from now, booked two days ago.
    starts_at = timezone.now() + timedelta(hours=23, minutes=30)
    Lesson.objects.filter(pk=lesson.pk).update(starts_at=starts_at, ends_at=starts_at + timedelta(hours=1),
                                               created_at=timezone.now() - timedelta(days=2))
    lesson.refresh_from_db()

    with django_capture_on_commit_callbacks(execute=True):
        first = send_due_reminders.delay().get()
    with django_capture_on_commit_callbacks(execute=True):
        second = send_due_reminders.delay().get()

    assert first == {reminders.SENT: 2} and second == {reminders.ALREADY_SENT: 2}
    assert sorted(Reminder.objects.values_list("key", flat=True)) == sorted(
        f"lesson.{lesson.pk}.{stamp(lesson)}.24h.{user.pk}" for user in (alpha.student, alpha.teacher)
    )
    assert sent() == [("student@alpha.test", "24 hours"), ("teacher@alpha.test", "24 hours")]
    assert sorted(message.to[0] for message in mail.outbox) == ["student@alpha.test", "teacher@alpha.test"]


def test_each_side_reads_the_time_in_their_zone_with_the_other_persons_name(alpha, lesson):
    alpha.student.time_zone = "America/New_York"
    alpha.student.save(update_fields=["time_zone"])

    reminders_send_due(now=lesson.starts_at - timedelta(hours=24) + ONE_MINUTE)

    to_student = Notification.objects.get(recipient=alpha.student, kind=kinds.LESSON_SOON)
    to_teacher = Notification.objects.get(recipient=alpha.teacher, kind=kinds.LESSON_SOON)
    in_new_york = when_for(alpha.student, lesson.starts_at, school=alpha.school)
    in_moscow = when_for(alpha.teacher, lesson.starts_at, school=alpha.school)
    assert in_new_york.endswith("(New York time, UTC−05:00)") and in_moscow.endswith("(Moscow time, UTC+03:00)")
    common = {"language": "English", "lead": "24 hours"}
    assert to_student.context == {**common, "when": in_new_york, "other": "Tom Teacher"}
    assert to_teacher.context == {**common, "when": in_moscow, "other": "Sam Student"}
    assert to_student.title == f"Lesson {in_new_york}" and to_student.url == "/student/lessons/"
    assert to_student.body == "English with Tom Teacher, starting in 24 hours."
    assert to_teacher.url == "/teacher/lessons/"


def test_the_24_hour_and_the_1_hour_reminders_each_go_out_once_when_due(alpha, lesson):
    runs = [lesson.starts_at - timedelta(hours=24) - ONE_MINUTE, lesson.starts_at - timedelta(hours=24) + ONE_MINUTE,
            lesson.starts_at - timedelta(hours=12), lesson.starts_at - timedelta(hours=1) + ONE_MINUTE,
            lesson.starts_at - ONE_MINUTE]
    counts = []
    for now in runs:
        reminders_send_due(now=now)
        counts.append(len(sent()))

    assert counts == [0, 2, 2, 4, 4]
    assert sent() == [("student@alpha.test", "1 hour"), ("student@alpha.test", "24 hours"),
                      ("teacher@alpha.test", "1 hour"), ("teacher@alpha.test", "24 hours")]


def test_a_cancelled_lesson_is_not_reminded(alpha, lesson):
    lesson.status = Lesson.Status.CANCELLED_IN_TIME
    lesson.save(update_fields=["status"])

    reminders_send_due(now=lesson.starts_at - timedelta(hours=1) + ONE_MINUTE)

    assert sent() == [] and not Reminder.objects.exists()


def test_a_lesson_cancelled_after_it_was_listed_is_not_reminded(alpha, lesson):
    now = lesson.starts_at - timedelta(hours=24) + ONE_MINUTE
    listed = [reminder for reminder in lessons_soon(now) if reminder.due_at <= now]
    Lesson.objects.filter(pk=lesson.pk).update(status=Lesson.Status.CANCELLED_LATE)

    assert len(listed) == 2
    assert {reminder_send(reminder=reminder, now=now) for reminder in listed} == {reminders.CHANGED}
    assert sent() == [] and not Reminder.objects.exists()


def test_a_moved_lesson_is_reminded_at_its_new_time(alpha, lesson):
    old_stamp = stamp(lesson)
    reminders_send_due(now=lesson.starts_at - timedelta(hours=24) + ONE_MINUTE)
    old_start = lesson.starts_at
    lesson.starts_at, lesson.ends_at = lesson.starts_at + timedelta(days=2), lesson.ends_at + timedelta(days=2)
    lesson.save(update_fields=["starts_at", "ends_at"])

    reminders_send_due(now=old_start - timedelta(hours=1) + ONE_MINUTE)  # nothing for the old time
    reminders_send_due(now=lesson.starts_at - timedelta(hours=24) + ONE_MINUTE)

    keys = sorted(Reminder.objects.values_list("key", flat=True))
    assert keys == sorted(
        f"lesson.{lesson.pk}.{at}.24h.{user.pk}"
        for at in (old_stamp, stamp(lesson))
        for user in (alpha.student, alpha.teacher)
    )
    newest = Notification.objects.filter(recipient=alpha.student, kind=kinds.LESSON_SOON).order_by("-pk").first()
    assert newest.context["when"] == when_for(alpha.student, lesson.starts_at, school=alpha.school)


def test_a_lesson_booked_inside_the_24_hours_gets_only_the_1_hour_reminder(alpha, lesson):
    Lesson.objects.filter(pk=lesson.pk).update(created_at=lesson.starts_at - timedelta(hours=10))

    reminders_send_due(now=lesson.starts_at - timedelta(hours=9))
    reminders_send_due(now=lesson.starts_at - timedelta(hours=1) + ONE_MINUTE)

    assert sent() == [("student@alpha.test", "1 hour"), ("teacher@alpha.test", "1 hour")]


def test_after_a_gap_in_the_runs_the_stale_24_hour_reminder_is_skipped(alpha, lesson):
    reminders_send_due(now=lesson.starts_at - timedelta(minutes=30))  # the first run in a day

    assert sent() == [("student@alpha.test", "1 hour"), ("teacher@alpha.test", "1 hour")]


# Unmarked --------------------------------------------------------------------------------------
def test_an_unmarked_lesson_reaches_its_teacher_at_end_plus_24h_1min_not_23h_59min(alpha, lesson):
    reminders_send_due(now=lesson.ends_at + timedelta(hours=23, minutes=59))
    assert sent(kinds.LESSON_UNMARKED) == []

    reminders_send_due(now=lesson.ends_at + timedelta(hours=24, minutes=1))
    reminders_send_due(now=lesson.ends_at + timedelta(hours=30))

    notification = Notification.objects.get(kind=kinds.LESSON_UNMARKED)
    assert notification.recipient == alpha.teacher and notification.url == "/teacher/lessons/"
    assert notification.context["student"] == "Sam Student"
    assert Reminder.objects.filter(key=f"lesson.{lesson.pk}.{stamp(lesson)}.unmarked.{alpha.teacher.pk}").exists()


def test_a_marked_lesson_is_not_chased(alpha, lesson):
    lesson.status = Lesson.Status.HELD
    lesson.save(update_fields=["status"])

    reminders_send_due(now=lesson.ends_at + timedelta(hours=24, minutes=1))

    assert sent(kinds.LESSON_UNMARKED) == []


def test_an_unmarked_lesson_older_than_the_look_back_is_left_to_the_lists(alpha, lesson):
    reminders_send_due(now=lesson.ends_at + timedelta(days=4, minutes=1))

    assert sent(kinds.LESSON_UNMARKED) == []


def test_someone_who_left_the_school_is_not_reminded(alpha, lesson):
    alpha.teacher.is_active = False
    alpha.teacher.save(update_fields=["is_active"])

    reminders_send_due(now=lesson.starts_at - timedelta(hours=24) + ONE_MINUTE)
    reminders_send_due(now=lesson.ends_at + timedelta(hours=24, minutes=1))

    assert sent() == [("student@alpha.test", "24 hours")]
    assert sent(kinds.LESSON_UNMARKED) == []
