"""A methodologist moves a trial not held yet, and records a trial that was held early."""

from datetime import time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from tenant_apps.notifications.models import Notification
from tenant_apps.scheduling.models import Lesson
from tenant_apps.website.services import trial_book


@pytest.fixture
def trial(alpha, english, free_slot):
    return trial_book(language=english, starts_at=free_slot, goal="Speak at work",
                      preferred_times=[(0, time(19))], time_zone="Europe/Moscow",
                      email="vera@example.com", full_name="Vera Visitor").booking


MOSCOW = ZoneInfo("Europe/Moscow")  # the school's zone: the methodologist's when they set none


def local_input(instant) -> str:
    """What a datetime-local field sends, in the viewer's zone."""
    return timezone.localtime(instant, MOSCOW).strftime("%Y-%m-%dT%H:%M")


@pytest.mark.access("areas:methodologist_trial_move", who="allowed")
def test_the_methodologist_moves_a_trial_and_the_student_is_told(alpha, trial, client_for, settings):
    lesson = trial.lesson
    later = lesson.starts_at + timedelta(days=1)
    client = client_for(alpha, alpha.methodologist)
    assert "Move the trial" in client.get(f"/methodologist/trials/{trial.pk}/").content.decode()

    response = client.post(f"/methodologist/trials/{trial.pk}/move/", {"starts_at": local_input(later)})

    assert response.status_code == 302, response.content.decode()[-3000:]
    assert response["Location"] == f"/methodologist/trials/{trial.pk}/"
    lesson.refresh_from_db()
    assert (lesson.starts_at, lesson.ends_at - lesson.starts_at) == (later, timedelta(minutes=30))
    told = Notification.objects.get(recipient=trial.student, kind="scheduling.lesson_moved")
    assert "moved your lesson" in told.body


def test_a_trial_cannot_be_moved_outside_the_methodologists_hours_or_into_the_past(alpha, trial, client_for):
    lesson = trial.lesson
    client = client_for(alpha, alpha.methodologist)
    night = timezone.localtime(lesson.starts_at, MOSCOW).replace(hour=23, minute=0)

    outside = client.post(f"/methodologist/trials/{trial.pk}/move/", {"starts_at": local_input(night)})
    past = client.post(f"/methodologist/trials/{trial.pk}/move/",
                       {"starts_at": local_input(timezone.now() - timedelta(hours=2))})
    garbage = client.post(f"/methodologist/trials/{trial.pk}/move/", {"starts_at": "soon"})

    assert outside.status_code == 422 and "outside the methodologist&#x27;s working hours" in outside.content.decode()
    assert past.status_code == 422 and "Choose a time that has not passed yet." in past.content.decode()
    assert garbage.status_code == 422 and "Enter a date and a time." in garbage.content.decode()
    assert Lesson.objects.get(pk=lesson.pk).starts_at == lesson.starts_at


@pytest.mark.access("areas:methodologist_trial_move", who="wrong_role")
def test_a_teacher_or_the_student_cannot_move_a_trial(alpha, trial, client_for):
    later = trial.lesson.starts_at + timedelta(days=1)
    for user in (alpha.teacher, trial.student):
        response = client_for(alpha, user).post(f"/methodologist/trials/{trial.pk}/move/",
                                                {"starts_at": local_input(later)})
        assert response.status_code == 403
    assert Lesson.objects.get(pk=trial.lesson_id).starts_at == trial.lesson.starts_at


def test_a_trial_held_early_is_recorded_and_its_later_time_is_freed(alpha, trial, client_for):
    from tenant_apps.learning.models import Level

    client = client_for(alpha, alpha.methodologist)
    planned = trial.lesson.starts_at
    b1 = Level.objects.get(language=trial.language, code="B1")
    assert "Held early? Record it now" in client.get(f"/methodologist/trials/{trial.pk}/").content.decode()

    absent = client.post(f"/methodologist/trials/{trial.pk}/", {"outcome": "no_show", "goal": "", "notes": ""})
    assert absent.status_code == 422 and "once the trial has started" in absent.content.decode()

    held = client.post(f"/methodologist/trials/{trial.pk}/",
                       {"outcome": "held", "level": b1.pk, "goal": "IELTS", "notes": "came early"})

    assert held.status_code == 302
    lesson = Lesson.objects.get(pk=trial.lesson_id)
    assert lesson.status == "held" and lesson.ends_at <= timezone.now() < planned
    trial.refresh_from_db()
    assert trial.outcome == "held" and trial.enrollment.level == b1
