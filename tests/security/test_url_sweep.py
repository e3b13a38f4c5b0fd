"""Every URL of both sites, asked by nobody and by another school's signed-in user.

The routes are read from the urlconfs, so a URL added tomorrow is swept too. Outside the short list of
pages that are public on purpose (each with its reason), nobody and another school's session get the
login page, a refusal or "not found" — never the page, never a server error.
"""

import pytest
from django.test import Client

from tests.security.url_patterns import platform_routes, tenant_routes

# Open to a visitor of the school on purpose. Another school's visitor sees this school's public page,
# which is the point of a public page.
PUBLIC = {
    "home": "the school's home page",
    "website:trial": "booking a free trial lesson is how visitors become students",
    "website:process": "the school's public page: how it works",
    "website:teachers": "the school's public page: its teachers",
    "website:teacher": "the school's public page: one teacher and their video",
    "website:prices": "the school's public page: its prices",
    "website:trial_booked": "the trial's confirmation page (shows only the visitor's own booking, from the session)",
    "website:trial_welcome": "a signed one-time link from the trial's email",
    "billing:referral_join": "a student's referral link, opened by friends",
    "billing:stripe_webhook": "Stripe's signed webhook (only POSTs with a valid signature change anything)",
    "lessons:calendar_feed": "a calendar app fetches the feed with its secret token",
    "accounts:login_link": "a signed one-time login link",
    "accounts:invitation": "a staff invitation's signed link",
    "notifications:unsubscribe": "a signed unsubscribe link from an email",
    "notifications:telegram_webhook": "Telegram's webhook, with the school bot's secret in the path",
    "set_language": "switching the interface language",
    "media": "the school's public files (logo, public teachers' photos); everything else answers 404",
    "account_login": "the login page",
    "account_signup": "student sign-up",
    "account_inactive": "allauth's page for a deactivated account",
    "account_reset_password": "password reset",
    "account_reset_password_done": "password reset",
    "account_reset_password_from_key": "password reset (signed key)",
    "account_reset_password_from_key_done": "password reset",
    "account_email_verification_sent": "sign-up: check your inbox",
    "account_confirm_email": "sign-up: the email's confirmation key",
    "account_confirm_login_code": "allauth's login-by-code step (answers only inside a pending login)",
    "mfa_authenticate": "the second step of a staff login (answers only inside a pending login)",
    "account_logout": "logging out asks nothing of nobody",
    "school_admin:login": "the admin's login page",
    "school_admin:logout": "logging out asks nothing of nobody",
    "platform/landing": "the platform's home page",
    "platform/signup": "a new school signs up",
    "platform/set_language": "switching the interface language",
    "platform/stripe_platform_webhook": "Stripe's signed webhook",
    "platform/yookassa_webhook": "YooKassa's webhook (verified against YooKassa's API)",
    "platform/platform_admin:login": "the admin's login page",
    "platform/platform_admin:logout": "logging out asks nothing of nobody",
}
REFUSED = {403, 404, 405}


def _refused(response) -> bool:
    if response.status_code in REFUSED:
        return True
    location = response.headers.get("Location", "") if response.status_code == 302 else ""
    return location.startswith(("/accounts/login/", "/admin/login/"))


def _not_public(routes):
    return [pytest.param(route, id=route.key) for route in routes if route.name not in PUBLIC]


@pytest.mark.access(*(route.name for route in tenant_routes() if route.name), who="other_school")
@pytest.mark.parametrize("route", _not_public(tenant_routes()))
def test_nobody_and_another_schools_user_get_no_school_page(cast, client_for, route):
    foreign = Client(HTTP_HOST=cast.a.host)
    foreign.cookies["sessionid"] = client_for(cast.b, cast.b.manager).cookies["sessionid"].value
    for client in (Client(HTTP_HOST=cast.a.host), foreign):
        for method in (client.get, client.post):
            response = method(route.path)
            assert _refused(response), f"{method.__name__.upper()} {route.path}: {response.status_code}"


@pytest.mark.access(*(route.name for route in platform_routes() if route.name), who="other_school")
@pytest.mark.parametrize("route", _not_public(platform_routes()))
def test_nobody_and_a_schools_user_get_no_platform_page(cast, client_for, platform_client, route):
    school_cookie = client_for(cast.a, cast.a.manager).cookies["sessionid"].value
    signed_in_elsewhere = Client(HTTP_HOST="localhost")
    signed_in_elsewhere.cookies["sessionid"] = school_cookie
    for client in (platform_client, signed_in_elsewhere):
        for method in (client.get, client.post):
            response = method(route.path)
            assert _refused(response), f"{method.__name__.upper()} {route.path}: {response.status_code}"


@pytest.mark.access(*PUBLIC, who="public")
@pytest.mark.parametrize("route", [pytest.param(r, id=r.key) for r in tenant_routes() if r.name in PUBLIC])
def test_public_pages_answer_nobody_without_a_server_error(cast, route):
    response = Client(HTTP_HOST=cast.a.host).get(route.path)

    assert response.status_code < 500


# Pages of one's own account, for every signed-in user of the school whatever their role: here the
# "wrong role" is nobody, which the sweep above refuses.
EVERY_SIGNED_IN = {
    "areas:me": 302,  # sends each person to their own area's home
    "areas:profile": 200,
    "notifications:list": 200,
    "notifications:preferences": 200,
    "account_email": 200,
    "account_change_password": 200,
    "account_reauthenticate": 200,
    "mfa_index": 200,
}


@pytest.mark.access(*EVERY_SIGNED_IN, who="wrong_role")
@pytest.mark.parametrize("route", [pytest.param(r, id=r.key) for r in tenant_routes() if r.name in EVERY_SIGNED_IN])
def test_nobody_is_refused_the_pages_of_ones_own_account(cast, route):
    response = Client(HTTP_HOST=cast.a.host).get(route.path)

    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@pytest.mark.access(*EVERY_SIGNED_IN, who="allowed")
@pytest.mark.parametrize("role", ["student", "teacher", "methodologist", "manager"])
@pytest.mark.parametrize("route", [pytest.param(r, id=r.key) for r in tenant_routes() if r.name in EVERY_SIGNED_IN])
def test_every_role_opens_the_pages_of_its_own_account(cast, client_for, route, role):
    response = client_for(cast.a, getattr(cast.a, role)).get(route.path)

    assert response.status_code == EVERY_SIGNED_IN[route.name], response.headers.get("Location")
