"""Login throttling: a guesser is slowed, per account and per address, with growing delays; the owner on
a browser they have logged in from before is never locked out."""

import time

import pytest
from django.core import signing
from django.test import Client
from django_tenants.utils import schema_context

from tenant_apps.accounts import throttle
from tests.conftest import PASSWORD

LOGIN = "/accounts/login/"


def attempt(client, email, password):
    return client.post(LOGIN, {"login": email, "password": password})


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def guesses(client, email, count):
    for number in range(count):
        attempt(client, email, f"guess-{number}")


@pytest.fixture
def owners_browser(cast):
    """The teacher's own browser: logged in once (so it is a known device), then logged out."""
    browser = Client(HTTP_HOST=cast.a.host)
    assert attempt(browser, "teacher@alpha.test", PASSWORD).status_code == 302
    assert throttle.DEVICE_COOKIE in browser.cookies
    browser.post("/accounts/logout/")
    return browser


def test_after_three_free_failures_the_next_attempt_must_wait_even_with_the_right_password(cast):
    attacker = Client(HTTP_HOST=cast.a.host)
    guesses(attacker, "teacher@alpha.test", 3)
    assert not logged_in(attacker)

    attempt(attacker, "teacher@alpha.test", "guess-4")  # the fourth failure: one second to wait
    refused = attempt(attacker, "teacher@alpha.test", PASSWORD)

    assert "Too many failed login attempts. Try again in 1 second." in refused.content.decode()
    assert not logged_in(attacker)


def test_the_owner_on_a_known_device_logs_in_while_an_attacker_hammers_the_account(cast, owners_browser):
    attacker = Client(HTTP_HOST=cast.a.host)
    guesses(attacker, "teacher@alpha.test", 12)
    assert "Too many failed login attempts" in attempt(attacker, "teacher@alpha.test", PASSWORD).content.decode()

    response = attempt(owners_browser, "teacher@alpha.test", PASSWORD)

    assert response.status_code == 302 and logged_in(owners_browser)


def test_the_owner_without_the_cookie_gets_in_once_the_delay_has_passed(cast, monkeypatch):
    attacker = Client(HTTP_HOST=cast.a.host)
    guesses(attacker, "teacher@alpha.test", 5)  # 4 s to wait after the fifth failure
    later = time.time() + 5
    monkeypatch.setattr(throttle.time, "time", lambda: later)

    owner = Client(HTTP_HOST=cast.a.host)
    assert attempt(owner, "teacher@alpha.test", PASSWORD).status_code == 302 and logged_in(owner)


def test_delays_grow_with_each_failure_and_are_capped():
    account = [throttle.delay_after(failures, throttle.FREE_FAILURES_PER_ACCOUNT) for failures in range(0, 8)]

    assert account == [0, 0, 0, 1, 2, 4, 8, 16]
    assert throttle.delay_after(40, 3) == throttle.MAX_DELAY_SECONDS


def test_the_wait_counts_from_the_last_failure(alpha):
    guesser = throttle.Attempt(email="teacher@alpha.test", address="203.0.113.9", device=None)
    for _ in range(6):
        throttle.failure_recorded(guesser, now=1_000.0)

    assert throttle.seconds_to_wait(guesser, now=1_000.0) == 8
    assert throttle.seconds_to_wait(guesser, now=1_005.0) == 3
    assert throttle.seconds_to_wait(guesser, now=1_008.0) == 0


def test_one_address_guessing_many_accounts_is_slowed_after_ten_failures(cast):
    attacker = Client(HTTP_HOST=cast.a.host)
    for number in range(10):  # ten different accounts: no account reaches its own limit
        attempt(attacker, f"nobody{number}@alpha.test", "guess")

    refused = attempt(attacker, "student@alpha.test", PASSWORD)

    assert "Too many failed login attempts" in refused.content.decode() and not logged_in(attacker)


def test_a_known_device_guessing_is_slowed_too(cast, owners_browser):
    guesses(owners_browser, "teacher@alpha.test", 4)

    refused = attempt(owners_browser, "teacher@alpha.test", PASSWORD)

    assert "Too many failed login attempts" in refused.content.decode() and not logged_in(owners_browser)


def test_a_forged_or_other_schools_device_cookie_is_not_a_known_device(cast, client_for):
    attacker = Client(HTTP_HOST=cast.a.host)
    guesses(attacker, "teacher@alpha.test", 6)
    with schema_context(cast.b.school.schema_name):  # signed by the same key, for the other school
        foreign = signing.dumps({"e": "teacher@alpha.test", "d": "x"}, salt=throttle._salt())
    for cookie in (foreign, "forged:value"):
        browser = Client(HTTP_HOST=cast.a.host)
        browser.cookies[throttle.DEVICE_COOKIE] = cookie

        refused = attempt(browser, "teacher@alpha.test", PASSWORD)

        assert "Too many failed login attempts" in refused.content.decode() and not logged_in(browser)


def test_the_admin_login_is_throttled_as_well(cast):
    attacker = Client(HTTP_HOST=cast.a.host)
    for number in range(5):
        attacker.post("/admin/login/", {"username": "manager@alpha.test", "password": f"guess-{number}"})

    attacker.post("/admin/login/", {"username": "manager@alpha.test", "password": PASSWORD})

    assert not logged_in(attacker)
