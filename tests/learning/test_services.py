"""Enrollments change through the services, and each change leaves exactly its history row."""

from datetime import UTC, datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from tenant_apps.accounts.models import User
from tenant_apps.accounts.services import user_create
from tenant_apps.learning.models import Enrollment, EnrollmentChange, TeacherProfile
from tenant_apps.learning.services import enrollment_create, enrollment_update, teacher_profile_update

NOW = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)


@pytest.fixture
def enrollment(alpha, english, level):
    return enrollment_create(
        student=alpha.student, language=english, teacher=alpha.teacher, level=level("en", "A2"),
        goal="Pass IELTS", by=alpha.manager,
    )


def history(enrollment) -> list[tuple]:
    return list(
        EnrollmentChange.objects.filter(enrollment=enrollment)
        .order_by("pk")
        .values_list("field", "old_value", "new_value", "old_id", "new_id")
    )


# --- creating -------------------------------------------------------------------------------------

def test_a_new_enrollment_remembers_who_made_it_and_has_no_history(alpha, enrollment):
    assert enrollment.created_by == alpha.manager
    assert enrollment.is_active
    assert history(enrollment) == []


def test_a_student_can_be_enrolled_without_teacher_or_level(alpha, chinese):
    enrollment = enrollment_create(student=alpha.student, language=chinese, goal="  Travel  ", by=None)

    assert (enrollment.teacher, enrollment.level, enrollment.goal) == (None, None, "Travel")


def test_a_level_of_another_language_is_refused_on_create(alpha, english, level):
    with pytest.raises(ValidationError) as refused:
        enrollment_create(student=alpha.student, language=english, level=level("zh", "HSK1"), by=alpha.manager)

    assert "level" in refused.value.message_dict
    assert not Enrollment.objects.exists()


def test_only_students_can_be_enrolled(alpha, english):
    with pytest.raises(ValidationError) as refused:
        enrollment_create(student=alpha.teacher2, language=english, by=alpha.manager)

    assert "student" in refused.value.message_dict


def test_only_teachers_can_be_assigned(alpha, english):
    with pytest.raises(ValidationError) as refused:
        enrollment_create(student=alpha.student, language=english, teacher=alpha.student2, by=alpha.manager)

    assert "teacher" in refused.value.message_dict


def test_a_teacher_whose_profile_names_other_languages_is_refused(alpha, english, chinese):
    teacher_profile_update(teacher=alpha.teacher2, languages=[chinese])

    with pytest.raises(ValidationError) as refused:
        enrollment_create(student=alpha.student, language=english, teacher=alpha.teacher2, by=alpha.manager)

    assert refused.value.message_dict["teacher"] == ["Tina Teacher does not teach English."]
    enrollment_create(student=alpha.student, language=chinese, teacher=alpha.teacher2, by=alpha.manager)


def test_the_database_allows_one_active_enrollment_per_student_and_language(alpha, english):
    Enrollment.objects.create(student=alpha.student, language=english)

    with pytest.raises(IntegrityError), transaction.atomic():
        Enrollment.objects.create(student=alpha.student, language=english)


def test_the_service_explains_a_second_active_enrollment(alpha, english, enrollment):
    with pytest.raises(ValidationError) as refused:
        enrollment_create(student=alpha.student, language=english, by=alpha.manager)

    assert "already has an active enrollment" in str(refused.value)
    assert Enrollment.objects.count() == 1


def test_a_lost_race_for_the_same_enrollment_is_a_validation_error(alpha, english, enrollment, monkeypatch):
    # Another request inserted its row after our check: the constraint decides.
    monkeypatch.setattr(Enrollment, "validate_constraints", lambda self, exclude=None: None)

    with pytest.raises(ValidationError):
        enrollment_create(student=alpha.student, language=english, by=alpha.manager)

    assert Enrollment.objects.count() == 1  # and the transaction is still usable


def test_an_ended_enrollment_does_not_block_a_new_one(alpha, english, enrollment):
    enrollment_update(enrollment=enrollment, by=alpha.manager, is_active=False)

    again = enrollment_create(student=alpha.student, language=english, by=alpha.manager)

    assert again.is_active
    with pytest.raises(ValidationError):
        enrollment_update(enrollment=enrollment, by=alpha.manager, is_active=True)
    assert history(enrollment) == [("is_active", "active", "inactive", None, None)]


def test_enrollment_clean_refuses_a_level_of_another_language(alpha, english, level):
    enrollment = Enrollment(student=alpha.student, language=english, level=level("zh", "HSK3"))

    with pytest.raises(ValidationError) as refused:
        enrollment.full_clean()

    assert refused.value.message_dict["level"] == ["HSK3 · Intermediate is a level of Chinese, not of English."]


# --- updating -------------------------------------------------------------------------------------

def test_each_changed_field_writes_one_history_row(alpha, enrollment, level):
    updated = enrollment_update(
        enrollment=enrollment, by=alpha.methodologist, now=NOW,
        teacher=alpha.teacher2, level=level("en", "B1"), goal="Speak at work",
    )

    assert (updated.teacher, updated.level.code, updated.goal) == (alpha.teacher2, "B1", "Speak at work")
    assert history(enrollment) == [
        ("teacher", "Tom Teacher", "Tina Teacher", alpha.teacher.pk, alpha.teacher2.pk),
        ("level", "A2 · Elementary", "B1 · Intermediate", level("en", "A2").pk, level("en", "B1").pk),
        ("goal", "Pass IELTS", "Speak at work", None, None),
    ]
    rows = EnrollmentChange.objects.filter(enrollment=enrollment)
    assert {(row.changed_by, row.changed_at) for row in rows} == {(alpha.methodologist, NOW)}


def test_fields_not_passed_are_left_alone(alpha, enrollment):
    updated = enrollment_update(enrollment=enrollment, by=alpha.manager, goal="Pass IELTS 7")

    assert (updated.teacher, updated.level.code, updated.goal) == (alpha.teacher, "A2", "Pass IELTS 7")
    assert [row[0] for row in history(enrollment)] == ["goal"]


def test_passing_the_current_values_writes_no_history(alpha, enrollment, level):
    enrollment_update(
        enrollment=enrollment, by=alpha.manager,
        teacher=alpha.teacher, level=level("en", "A2"), goal=" Pass IELTS ", is_active=True,
    )

    assert history(enrollment) == []


def test_removing_the_teacher_and_level_is_a_change_to_empty(alpha, enrollment):
    enrollment_update(enrollment=enrollment, by=alpha.manager, teacher=None, level=None)

    assert history(enrollment) == [
        ("teacher", "Tom Teacher", "", alpha.teacher.pk, None),
        ("level", "A2 · Elementary", "", enrollment.level_id, None),
    ]


def test_a_level_of_another_language_is_refused_on_update_and_nothing_is_written(alpha, enrollment, level):
    with pytest.raises(ValidationError) as refused:
        enrollment_update(enrollment=enrollment, by=alpha.manager, goal="New", level=level("zh", "HSK2"))

    assert "level" in refused.value.message_dict
    enrollment.refresh_from_db()
    assert (enrollment.level.code, enrollment.goal) == ("A2", "Pass IELTS")
    assert history(enrollment) == []


def test_a_teacher_who_does_not_teach_the_language_is_refused_on_update(alpha, enrollment, chinese):
    teacher_profile_update(teacher=alpha.teacher2, languages=[chinese])

    with pytest.raises(ValidationError):
        enrollment_update(enrollment=enrollment, by=alpha.manager, teacher=alpha.teacher2)

    assert history(enrollment) == []


def test_a_former_teacher_on_the_enrollment_does_not_block_other_changes(alpha, enrollment):
    # An update, not a save of the cast's object: the cast is shared by every test of the session.
    User.objects.filter(pk=alpha.teacher.pk).update(is_teacher=False)

    enrollment_update(enrollment=enrollment, by=alpha.manager, goal="Still learning", is_active=False)

    assert [row[0] for row in history(enrollment)] == ["goal", "is_active"]


def test_history_rows_cannot_be_rewritten(alpha, enrollment):
    enrollment_update(enrollment=enrollment, by=alpha.manager, goal="Changed")
    row = EnrollmentChange.objects.get(enrollment=enrollment)
    row.new_value = "Forged"

    with pytest.raises(ValueError):
        row.save()


# --- teacher profiles ---------------------------------------------------------------------------

def test_a_teacher_profile_is_created_on_first_update_and_keeps_what_is_not_passed(alpha, english, chinese):
    first = teacher_profile_update(teacher=alpha.teacher, languages=[english], is_native_speaker=True, bio="Hi")
    second = teacher_profile_update(teacher=alpha.teacher, languages=[english, chinese])

    assert first.pk == second.pk == alpha.teacher.teacher_profile.pk
    second.refresh_from_db()
    assert (second.is_native_speaker, second.bio) == (True, "Hi")
    assert set(second.languages.values_list("code", flat=True)) == {"en", "zh"}


def test_only_teachers_have_teacher_profiles(alpha):
    with pytest.raises(ValidationError):
        teacher_profile_update(teacher=alpha.student, bio="I am not a teacher")

    assert not TeacherProfile.objects.exists()


def test_a_bad_video_link_is_refused(alpha):
    with pytest.raises(ValidationError) as refused:
        teacher_profile_update(teacher=alpha.teacher, intro_video_url="not a link")

    assert "intro_video_url" in refused.value.message_dict
    assert not TeacherProfile.objects.exists()


def test_a_new_student_can_be_enrolled_by_the_service(alpha, chinese, level):
    newcomer = user_create(email="new@alpha.test", password=None, full_name="New Comer", is_student=True)

    enrollment = enrollment_create(student=newcomer, language=chinese, level=level("zh", "HSK1"), by=alpha.manager)

    assert enrollment.level.language == chinese
