"""Matching: teachers ranked by how many of the student's preferred weekly times fit their free hours."""

import zoneinfo
from datetime import UTC, datetime, time, timedelta

from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tenant_apps.learning.models import Level
from tenant_apps.learning.services import enrollment_create, teacher_profile_update
from tenant_apps.scheduling.models import Lesson, PlanSlot, WeeklyPlan, WorkingHours
from tenant_apps.scheduling.trials import rank_teachers

NOW = datetime(2026, 1, 12, 6, 0, tzinfo=UTC)  # a Monday morning, far from any clock change
MON, THU = 0, 3
ZONES = ["Europe/Moscow", "Asia/Shanghai", "America/New_York", "Europe/London", "Asia/Kolkata",
         "Pacific/Auckland", "America/Los_Angeles", "UTC"]


def _hours(teacher, zone, starts, ends, days=range(7)):
    for day in days:
        WorkingHours.objects.create(teacher=teacher, weekday=day, starts=starts, ends=ends, time_zone=zone)


def _names(matches):
    return [(m.teacher.full_name, m.fits) for m in matches]


def test_teachers_are_ranked_by_fitting_times_across_time_zones(alpha, english):
    # The student lives in Moscow and prefers Mon 12:00 and Thu 19:00 (Moscow).
    # Tom works from Shanghai 10:00–22:00: Mon 12:00 Moscow is 17:00 there (fits), Thu 19:00 is Fri 00:00 (no).
    # Tina works from London 09:00–21:00: 09:00 and 16:00 there, both fit.
    _hours(alpha.teacher, "Asia/Shanghai", time(10), time(22))
    _hours(alpha.teacher2, "Europe/London", time(9), time(21))

    matches = rank_teachers(language=english, preferred=[(MON, time(12)), (THU, time(19))],
                            time_zone="Europe/Moscow", now=NOW)

    assert _names(matches) == [("Tina Teacher", 2), ("Tom Teacher", 1)]
    assert matches[0].free_times == [(MON, time(12)), (THU, time(19))]


def test_a_booked_lesson_or_another_students_plan_takes_the_time(alpha, english):
    _hours(alpha.teacher, "Europe/Moscow", time(9), time(21))
    _hours(alpha.teacher2, "Europe/Moscow", time(9), time(21))
    other = enrollment_create(student=alpha.student2, language=english, teacher=alpha.teacher2, by=alpha.manager)
    plan = WeeklyPlan.objects.create(enrollment=other, time_zone="Europe/London", lesson_minutes=60)
    PlanSlot.objects.create(plan=plan, weekday=MON, starts=time(9, 30))  # 12:30 Moscow: overlaps 12:00–13:00
    thursday_19 = datetime(2026, 1, 29, 16, 0, tzinfo=UTC)  # the third Thursday ahead, 19:00 Moscow
    Lesson.objects.create(enrollment=other, teacher=alpha.teacher, student=alpha.student2, starts_at=thursday_19,
                          ends_at=thursday_19 + timedelta(hours=1))

    matches = rank_teachers(language=english, preferred=[(MON, time(12)), (THU, time(19))],
                            time_zone="Europe/Moscow", now=NOW)

    assert _names(matches) == [("Tina Teacher", 1), ("Tom Teacher", 1)]
    by_name = {m.teacher.full_name: m.free_times for m in matches}
    assert by_name == {"Tina Teacher": [(THU, time(19))], "Tom Teacher": [(MON, time(12))]}


def test_filters_language_level_and_native_speaker(alpha, english, chinese):
    b1 = Level.objects.get(language=english, code="B1")
    c1 = Level.objects.get(language=english, code="C1")
    teacher_profile_update(teacher=alpha.teacher, languages=[english], is_native_speaker=True)
    alpha.teacher.teacher_profile.levels.set([c1])
    teacher_profile_update(teacher=alpha.teacher2, languages=[chinese])

    everyone = rank_teachers(language=english, preferred=[], time_zone="UTC", now=NOW)
    at_b1 = rank_teachers(language=english, level=b1, preferred=[], time_zone="UTC", now=NOW)
    at_c1_native = rank_teachers(language=english, level=c1, native_only=True, preferred=[], time_zone="UTC", now=NOW)
    chinese_teachers = rank_teachers(language=chinese, preferred=[], time_zone="UTC", now=NOW)

    assert [m.teacher for m in everyone] == [alpha.teacher]
    assert at_b1 == []
    assert [m.teacher for m in at_c1_native] == [alpha.teacher]
    assert [m.teacher for m in chinese_teachers] == [alpha.teacher2]


def test_ranking_costs_the_same_queries_for_more_teachers(alpha, english, django_assert_max_num_queries):
    from tenant_apps.accounts.services import user_create

    for n in range(6):
        teacher = user_create(email=f"t{n}@alpha.test", password=None, full_name=f"T{n}", is_teacher=True)
        _hours(teacher, "Europe/Moscow", time(9), time(18))

    with django_assert_max_num_queries(7):
        matches = rank_teachers(language=english, preferred=[(MON, time(10))], time_zone="Europe/Moscow", now=NOW)

    assert len(matches) == 8


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(student_zone=st.sampled_from(ZONES), teacher_zone=st.sampled_from(ZONES),
       weekday=st.integers(0, 6), hour=st.integers(0, 22))
def test_a_window_exactly_at_the_preferred_time_fits_and_one_two_hours_later_does_not(
    alpha, english, student_zone, teacher_zone, weekday, hour
):
    """Whatever the two zones: the student's wall time, read in the teacher's zone, is what counts."""
    student_time = datetime(2026, 1, 12 + weekday, hour, tzinfo=zoneinfo.ZoneInfo(student_zone))
    there = student_time.astimezone(zoneinfo.ZoneInfo(teacher_zone))
    if there.hour >= 21:
        return  # a window two hours later would cross midnight: the rule is shown by the other cases
    with transaction.atomic():
        WorkingHours.objects.create(teacher=alpha.teacher, weekday=there.weekday(), starts=there.time(),
                                    ends=time(there.hour + 1, there.minute), time_zone=teacher_zone)
        WorkingHours.objects.create(teacher=alpha.teacher2, weekday=there.weekday(), starts=time(there.hour + 2),
                                    ends=time(there.hour + 3), time_zone=teacher_zone)

        matches = rank_teachers(language=english, preferred=[(weekday, time(hour))], time_zone=student_zone,
                                now=datetime(2026, 1, 11, 0, 0, tzinfo=UTC) - timedelta(days=1))

        assert _names(matches) == [("Tom Teacher", 1), ("Tina Teacher", 0)]
        transaction.set_rollback(True)
