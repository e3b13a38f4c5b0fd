"""The school admin's learning pages: managers only, and enrollment edits leave history."""

import pytest
from django.contrib import admin as django_admin
from django.urls import reverse
from django_tenants.utils import schema_context

from tenant_apps.accounts.admin_site import school_admin_site
from tenant_apps.learning.models import Enrollment, EnrollmentChange, Language, Level, TeacherProfile
from tenant_apps.learning.services import enrollment_create, enrollment_update, teacher_profile_update

MODELS = ["language", "level", "teacherprofile", "enrollment", "enrollmentchange"]
ADDABLE = ["language", "level", "teacherprofile", "enrollment"]


def url(model: str, view: str, *args) -> str:
    return reverse(f"school_admin:learning_{model}_{view}", args=args)


def no_history_forms(count: int = 0) -> dict:
    """The read-only history inline's management form, as the change page sends it."""
    return {
        "changes-TOTAL_FORMS": str(count), "changes-INITIAL_FORMS": str(count),
        "changes-MIN_NUM_FORMS": "0", "changes-MAX_NUM_FORMS": "0",
    }


@pytest.fixture
def enrollment(alpha, english, level):
    enrollment = enrollment_create(
        student=alpha.student, language=english, teacher=alpha.teacher, level=level("en", "A2"),
        goal="Pass IELTS", by=alpha.manager,
    )
    enrollment_update(enrollment=enrollment, by=alpha.manager, goal="Pass IELTS 6.5")
    return enrollment


def test_learning_models_are_on_the_school_admin_only():
    for model in (Language, Level, TeacherProfile, Enrollment, EnrollmentChange):
        assert model in school_admin_site._registry
        assert model not in django_admin.site._registry


@pytest.mark.parametrize("model", MODELS)
def test_a_manager_sees_every_learning_list(client_for, cast, enrollment, model):
    response = client_for(cast.a, cast.a.manager).get(url(model, "changelist"))

    assert response.status_code == 200


@pytest.mark.parametrize("model", ADDABLE)
def test_a_manager_opens_every_add_page(client_for, cast, model):
    response = client_for(cast.a, cast.a.manager).get(url(model, "add"))

    assert response.status_code == 200


def test_history_cannot_be_added_by_hand(client_for, cast):
    assert client_for(cast.a, cast.a.manager).get(url("enrollmentchange", "add")).status_code == 403


@pytest.mark.parametrize("who", ["teacher", "student", "methodologist"])
@pytest.mark.parametrize("model", MODELS)
def test_non_managers_are_sent_to_the_admin_login(client_for, cast, who, model):
    client = client_for(cast.a, getattr(cast.a, who))

    for view in ("changelist", "add"):
        response = client.get(url(model, view))
        assert response.status_code == 302, (view, response.status_code)
        assert response["Location"].startswith(reverse("school_admin:login"))


def test_the_enrollment_page_shows_its_history(client_for, cast, enrollment):
    response = client_for(cast.a, cast.a.manager).get(url("enrollment", "change", enrollment.pk))

    assert response.status_code == 200
    assert "Pass IELTS 6.5" in response.content.decode()
    assert response.context["inline_admin_formsets"][0].formset.queryset.count() == 1


def test_the_enrollment_list_costs_the_same_for_more_rows(
    client_for, cast, enrollment, chinese, django_assert_max_num_queries
):
    client = client_for(cast.a, cast.a.manager)
    client.get(url("enrollment", "changelist"))  # warm: session, content types
    with django_assert_max_num_queries(100) as one_row:
        client.get(url("enrollment", "changelist"))
    with schema_context(cast.a.school.schema_name):
        enrollment_create(student=cast.a.student2, language=chinese, teacher=cast.a.teacher2, by=cast.a.manager)
        enrollment_create(student=cast.a.student, language=chinese, teacher=cast.a.teacher, by=cast.a.manager)
    with django_assert_max_num_queries(100) as three_rows:
        client.get(url("enrollment", "changelist"))

    assert len(three_rows.captured_queries) == len(one_row.captured_queries)


def test_adding_an_enrollment_in_the_admin_goes_through_the_service(client_for, cast, english, level):
    response = client_for(cast.a, cast.a.manager).post(url("enrollment", "add"), {
        "student": cast.a.student2.pk, "language": english.pk, "teacher": cast.a.teacher2.pk,
        "level": level("en", "C1").pk, "goal": "Write papers", "is_active": "on", **no_history_forms(),
    })

    assert response.status_code == 302, response.context["adminform"].form.errors
    enrollment = Enrollment.objects.get(student=cast.a.student2)
    assert (enrollment.teacher, enrollment.level.code, enrollment.created_by) == (cast.a.teacher2, "C1", cast.a.manager)
    assert not enrollment.changes.exists()


def test_changing_an_enrollment_in_the_admin_writes_history(client_for, cast, enrollment, level):
    response = client_for(cast.a, cast.a.manager).post(url("enrollment", "change", enrollment.pk), {
        "teacher": cast.a.teacher2.pk, "level": level("en", "A2").pk, "goal": "Pass IELTS 6.5",
        "is_active": "on", **no_history_forms(1),
    })

    assert response.status_code == 302, response.context["adminform"].form.errors
    latest = enrollment.changes.order_by("-pk").first()
    assert (latest.field, latest.old_value, latest.new_value) == ("teacher", "Tom Teacher", "Tina Teacher")
    assert latest.changed_by == cast.a.manager
    assert enrollment.changes.count() == 2  # the fixture's goal change, then the teacher


def test_the_admin_refuses_a_level_of_another_language(client_for, cast, enrollment, level):
    response = client_for(cast.a, cast.a.manager).post(url("enrollment", "change", enrollment.pk), {
        "teacher": cast.a.teacher.pk, "level": level("zh", "HSK4").pk, "goal": "Pass IELTS 6.5",
        "is_active": "on", **no_history_forms(1),
    })

    assert response.status_code == 200
    assert "level" in response.context["adminform"].form.errors
    enrollment.refresh_from_db()
    assert enrollment.level.code == "A2"


def test_the_admin_refuses_a_teacher_who_does_not_teach_the_language(client_for, cast, enrollment, chinese):
    teacher_profile_update(teacher=cast.a.teacher2, languages=[chinese])

    response = client_for(cast.a, cast.a.manager).post(url("enrollment", "change", enrollment.pk), {
        "teacher": cast.a.teacher2.pk, "level": enrollment.level_id, "goal": "Pass IELTS 6.5",
        "is_active": "on", **no_history_forms(1),
    })

    assert response.status_code == 200
    assert "teacher" in response.context["adminform"].form.errors


def test_the_admin_refuses_reactivating_beside_another_active_enrollment(client_for, cast, enrollment, english):
    enrollment_update(enrollment=enrollment, by=cast.a.manager, is_active=False)
    enrollment_create(student=cast.a.student, language=english, by=cast.a.manager)

    response = client_for(cast.a, cast.a.manager).post(url("enrollment", "change", enrollment.pk), {
        "teacher": cast.a.teacher.pk, "level": enrollment.level_id, "goal": "Pass IELTS 6.5",
        "is_active": "on", **no_history_forms(2),
    })

    assert response.status_code == 200
    assert "already has an active enrollment" in response.content.decode()


def test_a_school_adds_a_language_in_the_admin(client_for, cast):
    response = client_for(cast.a, cast.a.manager).post(url("language", "add"), {
        "code": "es", "name": "Spanish", "is_active": "on", "ordering": "30",
        "levels-TOTAL_FORMS": "1", "levels-INITIAL_FORMS": "0", "levels-MIN_NUM_FORMS": "0",
        "levels-MAX_NUM_FORMS": "1000", "levels-0-code": "A1", "levels-0-name": "Beginner",
        "levels-0-position": "1",
    })

    assert response.status_code == 302
    with schema_context(cast.a.school.schema_name):
        assert list(Level.objects.filter(language__code="es").values_list("code", flat=True)) == ["A1"]


def test_a_manager_of_another_school_is_not_a_manager_here(client_for, cast):
    # Beta's manager has the same id as Alpha's: the session must not carry across hosts.
    beta_client = client_for(cast.b, cast.b.manager)
    alpha_client = client_for(cast.a)
    alpha_client.cookies["sessionid"] = beta_client.cookies["sessionid"].value

    assert alpha_client.get(url("enrollment", "changelist")).status_code == 302
