"""Nothing of one school is visible to another: rows, sessions, files, cache entries."""

from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client
from django_tenants.utils import schema_context

from tenant_apps.accounts.models import User


def test_the_cast_has_colliding_user_ids_in_both_schools(cast):
    assert cast.a.manager.pk == cast.b.manager.pk == 1


def test_a_school_sees_only_its_own_rows_with_colliding_ids(cast):
    with schema_context(cast.a.school.schema_name):
        alpha_user_one = User.objects.get(pk=1)
        alpha_emails = set(User.objects.values_list("email", flat=True))
    with schema_context(cast.b.school.schema_name):
        beta_user_one = User.objects.get(pk=1)
        beta_emails = set(User.objects.values_list("email", flat=True))

    assert alpha_user_one.email == "manager@alpha.test"
    assert beta_user_one.email == "manager@beta.test"
    assert not alpha_emails & beta_emails


def test_school_b_pages_show_b_users_data_only(client_for, cast):
    response = client_for(cast.b, cast.b.manager).get("/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "Beta School" in page
    assert "Alpha" not in page


def test_a_session_cookie_of_school_a_is_anonymous_on_school_b(client_for, cast):
    alpha_client = client_for(cast.a, cast.a.manager)
    session_cookie = alpha_client.cookies["sessionid"].value
    beta_client = Client(HTTP_HOST=cast.b.host)
    beta_client.cookies["sessionid"] = session_cookie

    response = beta_client.get("/")

    assert response.status_code == 200
    assert not response.context["user"].is_authenticated
    assert alpha_client.get("/").context["user"].email == "manager@alpha.test"


def test_an_uploaded_file_of_school_a_is_not_served_on_school_b_host(client_for, cast):
    with schema_context(cast.a.school.schema_name):
        name = default_storage.save("avatars/secret.txt", ContentFile(b"alpha's secret"))
        teacher = cast.a.teacher  # a teacher's photo: public on the school's own site
        teacher.photo.name = name
        teacher.save(update_fields=["photo"])
    try:
        on_a = client_for(cast.a).get(f"/media/{name}")
        on_b = client_for(cast.b).get(f"/media/{name}")

        assert on_a.status_code == 200
        assert b"".join(on_a.streaming_content) == b"alpha's secret"
        assert on_b.status_code == 404
    finally:
        with schema_context(cast.a.school.schema_name):
            default_storage.delete(name)


def test_uploads_are_stored_under_the_schools_own_folder(cast):
    with schema_context(cast.a.school.schema_name):
        location = default_storage.path("x.txt")
    assert f"/{cast.a.school.schema_name}/x.txt" in location


def test_a_media_path_that_escapes_the_school_folder_is_refused(client_for, cast):
    response = client_for(cast.b).get("/media/../alpha/avatars/secret.txt")
    assert response.status_code == 404


def test_cache_entries_of_school_a_are_not_read_at_school_b(cast):
    with schema_context(cast.a.school.schema_name):
        cache.set("dashboard.counts", "alpha data")
    with schema_context(cast.b.school.schema_name):
        assert cache.get("dashboard.counts") is None
        cache.set("dashboard.counts", "beta data")
    with schema_context(cast.a.school.schema_name):
        assert cache.get("dashboard.counts") == "alpha data"
