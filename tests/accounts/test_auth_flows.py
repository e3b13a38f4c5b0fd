"""Login, self-registration with email verification, password reset, rate limits, staff 2FA."""

import re

from django.core import mail
from django.test import Client
from django_tenants.utils import schema_context

from tenant_apps.accounts.models import User
from tests.conftest import PASSWORD


def school_client(cast):
    return Client(HTTP_HOST=cast.a.host)


def test_login_with_email_and_password_lands_in_the_users_area(cast):
    client = school_client(cast)

    response = client.post("/accounts/login/", {"login": "student@alpha.test", "password": PASSWORD})

    assert response.status_code == 302 and response["Location"] == "/me/"
    assert client.get("/me/")["Location"] == "/student/"


def test_a_wrong_password_gets_a_clear_error(cast):
    response = school_client(cast).post("/accounts/login/", {"login": "student@alpha.test", "password": "nope"})

    assert response.status_code == 200
    assert "email address and/or password you specified are not correct" in response.content.decode()


def test_a_user_of_school_b_cannot_log_in_at_school_a(cast):
    response = school_client(cast).post("/accounts/login/", {"login": "student@beta.test", "password": PASSWORD})

    assert "not correct" in response.content.decode()


def test_failed_logins_are_rate_limited(cast):
    client = school_client(cast)
    for _attempt in range(5):
        client.post("/accounts/login/", {"login": "teacher@alpha.test", "password": "wrong"})

    response = client.post("/accounts/login/", {"login": "teacher@alpha.test", "password": PASSWORD})

    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_student_registers_and_must_verify_the_email_before_logging_in(cast):
    client = school_client(cast)
    response = client.post(
        "/accounts/signup/",
        {"full_name": "Vera Visitor", "email": "vera@visitor.test", "password1": "sturdy-passphrase-9",
         "password2": "sturdy-passphrase-9"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    with schema_context(cast.a.school.schema_name):
        vera = User.objects.get(email="vera@visitor.test")
        assert vera.is_student and not vera.is_teacher and vera.full_name == "Vera Visitor"

    refused = school_client(cast).post(
        "/accounts/login/", {"login": "vera@visitor.test", "password": "sturdy-passphrase-9"}
    )
    assert refused["Location"] == "/accounts/confirm-email/"

    key_url = re.search(r"http://[^/\s]+(/accounts/confirm-email/[^/\s]+/)", mail.outbox[-1].body).group(1)
    confirmed = client.post(key_url)
    assert confirmed.status_code == 302
    assert client.get("/me/")["Location"] == "/student/"


def test_the_platform_site_has_no_self_registration(platform_client):
    response = platform_client.get("/accounts/signup/")
    assert response.status_code == 404


def test_password_reset_works_once(cast):
    client = school_client(cast)
    client.post("/accounts/password/reset/", {"email": "student2@alpha.test"})
    reset_url = re.search(r"http://[^/\s]+(/accounts/password/reset/key/[^\s]+/)", mail.outbox[-1].body).group(1)

    form_page = client.get(reset_url, follow=True)
    set_url = form_page.redirect_chain[-1][0] if form_page.redirect_chain else reset_url
    done = client.post(set_url, {"password1": "brand-new-pass-77", "password2": "brand-new-pass-77"})
    assert done.status_code == 302
    with schema_context(cast.a.school.schema_name):
        assert User.objects.get(email="student2@alpha.test").check_password("brand-new-pass-77")

    reused = school_client(cast).get(reset_url, follow=True)
    assert "The password reset link was invalid" in reused.content.decode()


def test_a_school_can_require_two_factor_authentication_for_staff(client_for, cast):
    school = cast.a.school
    school.require_staff_mfa = True
    school.save(update_fields=["require_staff_mfa"])  # in the public schema, where School lives

    teacher_page = client_for(cast.a, cast.a.teacher).get("/teacher/")
    student_page = client_for(cast.a, cast.a.student).get("/student/")

    assert teacher_page.status_code == 302
    assert teacher_page["Location"] == "/accounts/2fa/totp/activate/"
    assert student_page.status_code == 200


def test_staff_can_turn_on_totp_from_their_profile(cast):
    client = school_client(cast)
    client.post("/accounts/login/", {"login": "teacher@alpha.test", "password": PASSWORD})
    asked = client.get("/accounts/2fa/totp/activate/")
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})  # a security change asks again

    page = client.get("/accounts/2fa/totp/activate/")

    assert asked["Location"].startswith("/accounts/reauthenticate/")

    assert page.status_code == 200
    assert "svg" in page.content.decode().lower()  # the QR code to scan
