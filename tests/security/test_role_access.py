"""Access tests for pages whose own test modules prove what they do but not who may do it."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tenant_apps.scheduling.models import ExtraHours, TimeOff

# The teacher's own hours: other roles are refused and nothing is written.
TEACHER_POSTS = {
    "/teacher/hours/zone/": {"time_zone": "Asia/Shanghai"},
    "/teacher/hours/days-off/add/": {"first_day": "2031-01-06", "last_day": "2031-01-06", "reason": "x"},
    "/teacher/hours/extra/add/": {"day": "2031-01-06", "starts": "07:00", "ends": "08:00"},
}


@pytest.fixture
def teachers_periods(alpha):
    start = timezone.now() + timedelta(days=7)
    return (TimeOff.objects.create(teacher=alpha.teacher, starts_at=start, ends_at=start + timedelta(days=1)),
            ExtraHours.objects.create(teacher=alpha.teacher, starts_at=start, ends_at=start + timedelta(hours=1)))


@pytest.mark.access("schedule_setup:hours_zone", "schedule_setup:time_off_add", "schedule_setup:extra_hours_add",
                    "schedule_setup:time_off_remove", "schedule_setup:extra_hours_remove", who="wrong_role")
@pytest.mark.parametrize("who", ["student", "methodologist", "manager"])
def test_only_teachers_change_their_hours_days_off_and_extra_hours(alpha, client_for, teachers_periods, who):
    client = client_for(alpha, getattr(alpha, who))
    time_off, extra = teachers_periods

    for path, data in TEACHER_POSTS.items():
        assert client.post(path, data).status_code == 403, path
    assert client.post(f"/teacher/hours/days-off/{time_off.pk}/remove/").status_code == 403
    assert client.post(f"/teacher/hours/extra/{extra.pk}/remove/").status_code == 403
    assert TimeOff.objects.count() == ExtraHours.objects.count() == 1
    alpha.teacher.refresh_from_db()
    assert alpha.teacher.time_zone != "Asia/Shanghai"


@pytest.mark.access("schedule_setup:time_off_remove", "schedule_setup:extra_hours_remove", who="allowed")
def test_a_teacher_removes_their_own_days_off_and_extra_hours_not_a_colleagues(alpha, client_for, teachers_periods):
    time_off, extra = teachers_periods
    colleague, owner = client_for(alpha, alpha.teacher2), client_for(alpha, alpha.teacher)

    assert colleague.post(f"/teacher/hours/days-off/{time_off.pk}/remove/").status_code == 404
    assert colleague.post(f"/teacher/hours/extra/{extra.pk}/remove/").status_code == 404
    assert TimeOff.objects.count() == ExtraHours.objects.count() == 1
    assert owner.post(f"/teacher/hours/days-off/{time_off.pk}/remove/").status_code == 302
    assert owner.post(f"/teacher/hours/extra/{extra.pk}/remove/").status_code == 302
    assert not TimeOff.objects.exists() and not ExtraHours.objects.exists()
