"""Whatever sequence of updates is made, the history replays to the enrollment's current state."""

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tenant_apps.accounts.services import user_create
from tenant_apps.learning.models import Enrollment, EnrollmentChange
from tenant_apps.learning.services import enrollment_create, enrollment_update, teacher_profile_update

TEACHERS = ["none", "teacher", "teacher2", "chinese_only"]  # the last one is refused on English
LEVELS = ["none", "A1", "B1", "C2", "HSK1"]  # HSK1 is refused on English
goals = st.text(st.characters(exclude_categories=("Cc", "Cs")), max_size=20)
updates = st.lists(
    st.fixed_dictionaries(
        {},
        optional={
            "teacher": st.sampled_from(TEACHERS),
            "level": st.sampled_from(LEVELS),
            "goal": goals,
            "is_active": st.booleans(),
        },
    ),
    max_size=8,
)


@pytest.fixture
def people(alpha, chinese, level):
    chinese_only = user_create(email="li@alpha.test", password=None, full_name="Li Only", is_teacher=True)
    teacher_profile_update(teacher=chinese_only, languages=[chinese])
    teachers = {"none": None, "teacher": alpha.teacher, "teacher2": alpha.teacher2, "chinese_only": chinese_only}
    levels = {"none": None, **{code: level("zh" if code == "HSK1" else "en", code) for code in LEVELS[1:]}}
    return teachers, levels


def state(enrollment: Enrollment) -> dict:
    enrollment.refresh_from_db()
    return {
        "teacher": enrollment.teacher_id,
        "level": enrollment.level_id,
        "goal": enrollment.goal,
        "is_active": "active" if enrollment.is_active else "inactive",
    }


def replay(initial: dict, rows) -> dict:
    """The state the history leads to from `initial`, checking each row starts where the last ended."""
    replayed = dict(initial)
    for row in rows:
        if row.field in ("teacher", "level"):
            old, new = row.old_id, row.new_id
        else:
            old, new = row.old_value, row.new_value
        assert replayed[row.field] == old, f"{row} does not start where the history was"
        replayed[row.field] = new
    return replayed


@settings(
    max_examples=60, deadline=None, database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=updates)
def test_history_replays_to_the_current_state(alpha, english, people, steps):
    teachers, levels = people
    with transaction.atomic():  # each example starts from scratch
        enrollment = enrollment_create(
            student=alpha.student, language=english, teacher=alpha.teacher, goal="Start", by=alpha.manager
        )
        initial = state(enrollment)
        for step in steps:
            arguments = {
                name: teachers[value] if name == "teacher" else levels[value] if name == "level" else value
                for name, value in step.items()
            }
            before = state(enrollment)
            rows_before = EnrollmentChange.objects.filter(enrollment=enrollment).count()
            try:
                enrollment_update(enrollment=enrollment, by=alpha.manager, **arguments)
            except ValidationError:
                assert step.get("teacher") == "chinese_only" or step.get("level") == "HSK1"
                assert state(enrollment) == before
                assert EnrollmentChange.objects.filter(enrollment=enrollment).count() == rows_before
                continue
            after = state(enrollment)
            new_rows = EnrollmentChange.objects.filter(enrollment=enrollment).order_by("pk")[rows_before:]
            # One row per field whose value moved, none for the rest.
            assert [row.field for row in new_rows] == [name for name in before if before[name] != after[name]]

        rows = EnrollmentChange.objects.filter(enrollment=enrollment).order_by("pk")
        assert replay(initial, rows) == state(enrollment)
        transaction.set_rollback(True)
