"""Host → school: unknown hosts, suspended schools, and the cached lookup."""

from django.db import connection
from django.test import Client

from shared_apps.tenants.models import Domain
from shared_apps.tenants.services import school_reactivate, school_suspend


def test_an_unknown_subdomain_gets_a_friendly_404(db):
    response = Client(HTTP_HOST="nowhere.localhost").get("/")

    assert response.status_code == 404
    assert "There is no school at this address" in response.content.decode()


def test_a_suspended_school_shows_a_clear_suspended_page(client_for, cast):
    school_suspend(school=cast.a.school, reason="unpaid")
    try:
        response = client_for(cast.a, cast.a.manager).get("/")

        assert response.status_code == 503
        assert "Alpha School is suspended" in response.content.decode()
        assert client_for(cast.b).get("/").status_code == 200
    finally:
        school_reactivate(school=cast.a.school)

    assert client_for(cast.a).get("/").status_code == 200


def test_the_platform_site_is_served_on_the_bare_domain(platform_client):
    response = platform_client.get("/")

    assert response.status_code == 200
    assert "Start your school" in response.content.decode()


def test_a_warm_request_to_a_school_costs_no_sql_for_tenant_resolution(client_for, cast, django_assert_num_queries):
    client = client_for(cast.a)
    client.get("/")  # warms the host → school cache

    with django_assert_num_queries(0):
        response = client.get("/")
    assert response.status_code == 200


def test_a_new_domain_is_served_at_once_despite_the_cache(client_for, cast):
    assert Client(HTTP_HOST="alpha-school.example").get("/").status_code == 404  # cached as missing

    Domain.objects.create(domain="alpha-school.example", tenant=cast.a.school, is_primary=False)

    response = Client(HTTP_HOST="alpha-school.example").get("/")
    assert response.status_code == 200
    assert "Alpha School" in response.content.decode()
    connection.set_schema_to_public()


def test_a_school_changed_from_its_own_site_is_served_fresh_at_once(client_for, cast):
    from django_tenants.utils import schema_context

    from shared_apps.tenants.models import School

    client = client_for(cast.a)
    client.get("/")  # caches the school
    with schema_context(cast.a.school.schema_name):  # as a manager's settings page does
        school = School.objects.get(pk=cast.a.school.pk)
        school.name = "Alpha Renamed"
        school.save(update_fields=["name"])

    assert "Alpha Renamed" in client.get("/").content.decode()
