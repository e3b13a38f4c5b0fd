"""Each role lands on its own home with its sections; nobody opens an area that is not theirs."""

import pytest
from django.test import Client
from django_tenants.utils import schema_context

from tenant_apps.areas.navigation import AREAS

HOMES = {
    "student": "/student/",
    "teacher": "/teacher/",
    "methodologist": "/methodologist/",
    "manager": "/manager/",
}
WHO_HOLDS = {"student": "student", "teacher": "teacher", "methodologist": "methodologist", "manager": "manager"}


@pytest.mark.parametrize("role", list(HOMES))
def test_each_role_lands_on_its_own_home_with_its_sections(client_for, cast, role):
    user = getattr(cast.a, WHO_HOLDS[role])
    client = client_for(cast.a, user)

    landing = client.get("/me/")
    home = client.get(HOMES[role])

    assert landing.status_code == 302 and landing["Location"] == HOMES[role]
    assert home.status_code == 200
    page = home.content.decode()
    for section in AREAS[role]:
        assert str(section.label) in page


@pytest.mark.parametrize(
    ("role", "intruder"), [(role, intruder) for role in HOMES for intruder in HOMES if intruder != role]
)
def test_a_person_without_the_role_is_refused(client_for, cast, role, intruder):
    client = client_for(cast.a, getattr(cast.a, WHO_HOLDS[intruder]))

    assert client.get(HOMES[role]).status_code == 403


@pytest.mark.parametrize("role", list(HOMES))
def test_an_anonymous_visitor_is_sent_to_the_login_page(cast, role):
    response = Client(HTTP_HOST=cast.a.host).get(HOMES[role])

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("role", ["student", "teacher", "manager"])
def test_another_schools_user_gets_the_login_page_never_data(client_for, cast, role):
    beta_user = getattr(cast.b, role)
    beta_cookie = client_for(cast.b, beta_user).cookies["sessionid"].value
    client = Client(HTTP_HOST=cast.a.host)
    client.cookies["sessionid"] = beta_cookie

    response = client.get(HOMES[role])

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize(
    ("role", "slug"),
    [(role, section.slug) for role in ("student", "teacher") for section in AREAS[role] if not section.ready],
)
@pytest.mark.access("areas:student_section", "areas:teacher_section", who="allowed")
def test_sections_still_to_come_say_so_honestly(client_for, cast, role, slug):
    client = client_for(cast.a, getattr(cast.a, role))

    response = client.get(f"/{role}/{slug}/")

    assert response.status_code == 200
    assert "Coming soon" in response.content.decode()


@pytest.mark.access("areas:student_section", who="wrong_role")
def test_a_ready_or_unknown_section_is_not_a_coming_soon_page(client_for, cast):
    client = client_for(cast.a, cast.a.student)

    assert client.get("/student/nonsense/").status_code == 404
    assert client.get("/student/dashboard/").status_code == 404


def test_a_person_with_two_roles_opens_both_areas(client_for, cast):
    teacher = cast.a.teacher
    teacher.is_methodologist = True
    with schema_context(cast.a.school.schema_name):
        teacher.save(update_fields=["is_methodologist"])
    client = client_for(cast.a, teacher)

    assert client.get("/teacher/").status_code == 200
    assert client.get("/methodologist/").status_code == 200
    header = client.get("/teacher/").content.decode()
    assert 'href="/methodologist/"' in header and 'href="/teacher/"' in header


def test_a_student_cannot_open_the_school_admin(client_for, cast):
    response = client_for(cast.a, cast.a.student).get("/admin/")

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
