"""Every page of the areas app: its role gets 200, the other roles 403, another school's user the login page."""

import pytest
from django.test import Client

PAGES = {
    "/student/": "student",
    "/teacher/": "teacher",
    "/teacher/students/": "teacher",
    "/methodologist/": "methodologist",
    "/manager/": "manager",
    "/manager/staff/": "manager",
    "/manager/students/": "manager",
    "/manager/settings/": "manager",
}
# The same pages by URL name, for the access-test registry (tests/security/test_access_coverage.py).
NAMES = ["areas:student", "areas:teacher", "areas:teacher_students", "areas:methodologist", "areas:manager",
         "areas:manager_staff", "areas:manager_students", "areas:manager_settings"]
ROLES = ["student", "teacher", "methodologist", "manager"]


@pytest.mark.access(*NAMES, who="allowed")
@pytest.mark.parametrize(("url", "role"), PAGES.items())
def test_the_pages_role_opens_it(client_for, cast, url, role):
    assert client_for(cast.a, getattr(cast.a, role)).get(url).status_code == 200


@pytest.mark.parametrize(
    ("url", "intruder"), [(url, other) for url, role in PAGES.items() for other in ROLES if other != role]
)
@pytest.mark.access(*NAMES, who="wrong_role")
def test_another_role_is_refused(client_for, cast, url, intruder):
    assert client_for(cast.a, getattr(cast.a, intruder)).get(url).status_code == 403


@pytest.mark.parametrize("url", [*PAGES, "/profile/"])
def test_another_schools_user_gets_the_login_page(client_for, cast, url):
    beta_role = PAGES.get(url, "student")
    beta_user = getattr(cast.b, beta_role if beta_role in ("student", "teacher", "manager") else "manager")
    client = Client(HTTP_HOST=cast.a.host)
    client.cookies["sessionid"] = client_for(cast.b, beta_user).cookies["sessionid"].value

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
