"""Access tests for allauth's pages of one's own account security: reauthenticating by code, setting a
first password, and two-factor authentication (TOTP and recovery codes).

These pages belong to every signed-in user of the school whatever their role (like the profile): the
"wrong role" is nobody, who gets the login page and changes nothing; another school's user is swept by
tests/security/test_url_sweep.py.
"""

import re
import time

import pytest
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY, format_hotp_value, hotp_value
from django.core import mail
from django.test import Client

from tests.conftest import PASSWORD

REAUTH_BY_CODE = ["account_request_reauthentication_code", "account_confirm_reauthentication_code"]
TWO_FACTOR = ["mfa_reauthenticate", "mfa_activate_totp", "mfa_deactivate_totp", "mfa_view_recovery_codes",
              "mfa_generate_recovery_codes", "mfa_download_recovery_codes"]
PATHS = {
    "account_request_reauthentication_code": "/accounts/reauthenticate/code/",
    "account_confirm_reauthentication_code": "/accounts/reauthenticate/code/confirm/",
    "account_set_password": "/accounts/password/set/",
    "mfa_reauthenticate": "/accounts/2fa/reauthenticate/",
    "mfa_activate_totp": "/accounts/2fa/totp/activate/",
    "mfa_deactivate_totp": "/accounts/2fa/totp/deactivate/",
    "mfa_view_recovery_codes": "/accounts/2fa/recovery-codes/",
    "mfa_generate_recovery_codes": "/accounts/2fa/recovery-codes/generate/",
    "mfa_download_recovery_codes": "/accounts/2fa/recovery-codes/download/",
}


def totp_code(client) -> str:
    """The code an authenticator app shows now for the secret the activation page offered.

    allauth accepts only the current period's code, so a code made in a period's last seconds could
    expire before the POST lands: wait for the next period then, as a person would for a fresh code.
    """
    period = mfa_settings.TOTP_PERIOD
    left = period - time.time() % period
    if left < 5:
        time.sleep(left + 0.05)
    counter = int(time.time()) // period
    return format_hotp_value(hotp_value(client.session[SECRET_SESSION_KEY], counter))


def recovery_codes(user) -> list[str]:
    return Authenticator.objects.get(user=user, type=Authenticator.Type.RECOVERY_CODES).wrap().get_unused_codes()


@pytest.mark.access(*PATHS, who="wrong_role")
@pytest.mark.parametrize("name", list(PATHS))
def test_nobody_gets_the_login_page_and_changes_nothing(alpha, name):
    nobody = Client(HTTP_HOST=alpha.host)

    for method in (nobody.get, nobody.post):
        response = method(PATHS[name], {"code": "123456", "password1": "x-new-pass-1", "password2": "x-new-pass-1"})
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/"), method
    assert not Authenticator.objects.exists()
    assert not mail.outbox


@pytest.mark.access(*REAUTH_BY_CODE, who="allowed")
@pytest.mark.parametrize("role", ["student", "teacher"])
def test_a_signed_in_user_reauthenticates_with_a_code_from_their_email(alpha, client_for, role):
    user = getattr(alpha, role)
    client = client_for(alpha, user)
    assert client.get("/accounts/2fa/totp/activate/")["Location"].startswith("/accounts/reauthenticate/")

    page = client.get("/accounts/reauthenticate/code/")
    asked = client.post("/accounts/reauthenticate/code/", {"recipient": user.email})

    assert page.status_code == 200 and user.email in page.content.decode()
    assert asked.status_code == 302 and asked["Location"].startswith("/accounts/reauthenticate/code/confirm/")
    (sent,) = mail.outbox
    assert sent.to == [user.email]
    code = re.search(r"^\s*([A-Z0-9-]{6,})\s*$", sent.body, re.MULTILINE).group(1)
    assert client.get("/accounts/reauthenticate/code/confirm/").status_code == 200
    wrong = client.post("/accounts/reauthenticate/code/confirm/", {"code": "WRONG1"})
    assert wrong.status_code == 200 and client.get("/accounts/2fa/totp/activate/").status_code == 302

    confirmed = client.post("/accounts/reauthenticate/code/confirm/", {"code": code})

    assert confirmed.status_code == 302
    assert client.get("/accounts/2fa/totp/activate/").status_code == 200  # a security change no longer asks


@pytest.mark.access("account_set_password", who="allowed")
def test_a_user_without_a_password_sets_one_and_one_with_a_password_is_sent_to_change_it(alpha, client_for):
    alpha.student2.set_unusable_password()
    alpha.student2.save(update_fields=["password"])
    client = client_for(alpha, alpha.student2)

    assert client.get("/accounts/password/set/").status_code == 200
    new_password = {"password1": "brand-new-pass-77", "password2": "brand-new-pass-77"}
    response = client.post("/accounts/password/set/", new_password)

    assert response.status_code == 302
    alpha.student2.refresh_from_db()
    assert alpha.student2.check_password("brand-new-pass-77")
    # A user who has a password is sent to change it instead.
    assert client_for(alpha, alpha.student).get("/accounts/password/set/")["Location"] == "/accounts/password/change/"


@pytest.mark.access(*TWO_FACTOR, who="allowed")
def test_a_teacher_turns_on_totp_uses_the_recovery_codes_and_turns_it_off(alpha):
    teacher = alpha.teacher
    client = Client(HTTP_HOST=alpha.host)
    client.post("/accounts/login/", {"login": teacher.email, "password": PASSWORD})
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})

    page = client.get("/accounts/2fa/totp/activate/")
    assert page.status_code == 200 and "svg" in page.content.decode().lower()
    activated = client.post("/accounts/2fa/totp/activate/", {"code": totp_code(client)})

    assert activated.status_code == 302 and activated["Location"] == "/accounts/2fa/recovery-codes/"
    assert Authenticator.objects.filter(user=teacher, type=Authenticator.Type.TOTP).exists()
    codes = recovery_codes(teacher)
    shown = client.get("/accounts/2fa/recovery-codes/").content.decode()
    assert codes and all(code in shown for code in codes)
    download = client.get("/accounts/2fa/recovery-codes/download/")
    assert download.status_code == 200 and download.content.decode().split() == codes

    assert client.get("/accounts/2fa/recovery-codes/generate/").status_code == 200
    regenerated = client.post("/accounts/2fa/recovery-codes/generate/")
    assert regenerated.status_code == 302 and regenerated["Location"] == "/accounts/2fa/recovery-codes/"
    new_codes = recovery_codes(teacher)
    assert set(new_codes).isdisjoint(codes)

    # With 2FA on, a security change asks for the second factor: a recovery code answers it.
    assert client.get("/accounts/2fa/reauthenticate/").status_code == 200
    assert client.post("/accounts/2fa/reauthenticate/", {"code": "000000"}).status_code == 200  # wrong: asked again
    assert client.post("/accounts/2fa/reauthenticate/", {"code": new_codes[0]}).status_code == 302
    assert new_codes[0] not in recovery_codes(teacher)

    assert client.get("/accounts/2fa/totp/deactivate/").status_code == 200
    deactivated = client.post("/accounts/2fa/totp/deactivate/")

    assert deactivated.status_code == 302
    assert not Authenticator.objects.filter(user=teacher, type=Authenticator.Type.TOTP).exists()
