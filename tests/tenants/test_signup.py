"""Signing a school up: the happy path, every refusal, and nothing left behind on failure."""

import pytest
from django.db import connection
from django_tenants.utils import schema_context, schema_exists

from shared_apps.tenants.models import Domain, School
from shared_apps.tenants.services import schema_name_for
from tenant_apps.accounts.models import User


def signup_data(**overrides):
    data = {
        "name": "Gamma School",
        "subdomain": "gamma",
        "time_zone": "Europe/Berlin",
        "currency": "EUR",
        "default_language": "en",
        "languages_taught": ["en", "zh"],
        "owner_name": "Greta Owner",
        "owner_email": "Greta@Gamma.test",
        "owner_password": "a-long-unusual-passphrase",
    }
    data.update(overrides)
    return data


def assert_nothing_left(subdomain):
    connection.set_schema_to_public()
    assert not School.objects.filter(schema_name=schema_name_for(subdomain)).exists()
    assert not Domain.objects.filter(domain__startswith=f"{subdomain}.").exists()
    assert not schema_exists(schema_name_for(subdomain))


def test_signup_page_shows_the_form(platform_client):
    response = platform_client.get("/signup/")
    assert response.status_code == 200
    assert b'name="subdomain"' in response.content


def test_signup_creates_the_school_with_its_manager_and_sends_them_to_a_login_link(platform_client):
    response = platform_client.post("/signup/", signup_data())

    assert response.status_code == 302
    assert response["Location"].startswith("http://gamma.localhost/accounts/login-link/")
    school = School.objects.get(schema_name="gamma")
    assert (school.name, school.time_zone, school.currency) == ("Gamma School", "Europe/Berlin", "EUR")
    assert school.languages_taught == ["en", "zh"]
    assert school.cancellation_window_hours == 8 and school.pass_validity_days == 28
    assert Domain.objects.get(tenant=school).domain == "gamma.localhost"
    with schema_context("gamma"):
        owner = User.objects.get()
        assert owner.email == "greta@gamma.test"
        assert owner.is_manager and not owner.is_student
        assert owner.check_password("a-long-unusual-passphrase")


def test_the_login_link_from_signup_logs_the_owner_in_on_the_new_host(platform_client):
    from django.test import Client

    login_url = platform_client.post("/signup/", signup_data())["Location"]
    school_client = Client(HTTP_HOST="gamma.localhost")

    response = school_client.get(login_url.removeprefix("http://gamma.localhost"), follow=True)

    assert response.status_code == 200
    assert response.context["user"].email == "greta@gamma.test"
    assert response.redirect_chain[-1][0] == "/manager/"
    assert "School overview" in response.content.decode()


def test_taken_subdomain_is_refused_with_a_clear_message(platform_client, cast):
    response = platform_client.post("/signup/", signup_data(subdomain="alpha", owner_email="x@y.test"))

    assert response.status_code == 422
    assert "already taken" in response.content.decode()
    assert School.objects.filter(schema_name="alpha").count() == 1


@pytest.mark.parametrize(
    "reserved", ["www", "admin", "api", "public", "static", "media", "mail", "school-template", "pg-data"]
)
def test_reserved_subdomains_are_refused(platform_client, reserved):
    response = platform_client.post("/signup/", signup_data(subdomain=reserved))

    assert response.status_code == 422
    assert "reserved" in response.content.decode()
    assert School.objects.count() == 4  # platform, template, and the cast's two schools
    assert not Domain.objects.filter(domain=f"{reserved}.localhost").exists()


@pytest.mark.parametrize(
    "invalid", ["ab", "Has Space", "under_score", "-lead", "trail-", "double--hyphen", "точка", "a.b", "1abc", "x" * 41]
)
def test_invalid_subdomains_are_refused(platform_client, invalid):
    response = platform_client.post("/signup/", signup_data(subdomain=invalid))

    assert response.status_code == 422
    assert "Use 3–40 lowercase Latin letters" in response.content.decode()
    assert School.objects.count() == 4  # platform, template, and the cast's two schools


def test_a_weak_password_is_refused_and_nothing_is_created(platform_client):
    response = platform_client.post("/signup/", signup_data(owner_password="12345678"))

    assert response.status_code == 422
    assert "password" in response.content.decode().lower()
    assert_nothing_left("gamma")


def test_a_filled_honeypot_creates_nothing(platform_client):
    response = platform_client.post("/signup/", signup_data(website="http://spam.example"))

    assert response.status_code == 422
    assert_nothing_left("gamma")


def test_a_failure_midway_leaves_no_schema_school_or_domain(platform_client, monkeypatch):
    # Fails after the School row, the Domain row and the cloned schema exist.
    def explode(*args, **kwargs):
        raise __import__("django.db", fromlist=["DatabaseError"]).DatabaseError("disk full")

    monkeypatch.setattr(User.objects, "create_user", explode)  # the owner's account

    response = platform_client.post("/signup/", signup_data())

    assert response.status_code == 422
    assert "Nothing was saved" in response.content.decode()
    assert_nothing_left("gamma")


def test_a_new_school_inherits_the_template_schema_tables(platform_client):
    platform_client.post("/signup/", signup_data())

    with schema_context("gamma"):
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM django_migrations")
            (applied,) = cursor.fetchone()
    assert applied > 10
