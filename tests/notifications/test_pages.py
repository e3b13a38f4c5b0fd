"""The notifications page, the bell in the header and the settings page."""

import pytest
from django.test import Client
from django_tenants.utils import schema_context

from tenant_apps.accounts.notification_kinds import INVITATION_ACCEPTED
from tenant_apps.notifications.models import Notification, Preference


def make(school_cast, user, count=1, url="/manager/staff/"):
    with schema_context(school_cast.school.schema_name):
        return [
            Notification.objects.create(recipient=user, kind=INVITATION_ACCEPTED, title=f"Note {i}", url=url)
            for i in range(count)
        ]


def test_the_bell_shows_the_unread_count(client_for, cast):
    make(cast.a, cast.a.manager, 3)

    page = client_for(cast.a, cast.a.manager).get("/manager/").content.decode()

    assert 'aria-label="Notifications, 3 unread"' in page
    assert 'data-bell-count>3<' in page


@pytest.mark.access("notifications:open", who="allowed")
def test_opening_a_notification_marks_it_read_and_follows_its_link(client_for, cast):
    (note,) = make(cast.a, cast.a.manager)
    client = client_for(cast.a, cast.a.manager)

    response = client.post(f"/notifications/{note.pk}/open/")

    assert response.status_code == 302 and response["Location"] == "/manager/staff/"
    with schema_context(cast.a.school.schema_name):
        assert Notification.objects.get(pk=note.pk).read_at is not None


def test_a_link_to_another_site_is_not_followed(client_for, cast):
    (note,) = make(cast.a, cast.a.manager, url="https://evil.example/")

    response = client_for(cast.a, cast.a.manager).post(f"/notifications/{note.pk}/open/")

    assert response["Location"] == "/notifications/"


@pytest.mark.access("notifications:open", who="wrong_role")
def test_someone_elses_notification_is_not_found(client_for, cast):
    (note,) = make(cast.a, cast.a.manager)

    response = client_for(cast.a, cast.a.student).post(f"/notifications/{note.pk}/open/")

    assert response.status_code == 404
    with schema_context(cast.a.school.schema_name):
        assert Notification.objects.get(pk=note.pk).read_at is None


def test_school_bs_user_with_a_colliding_id_sees_only_bs_notifications(client_for, cast):
    make(cast.a, cast.a.manager, 2)
    assert cast.a.manager.pk == cast.b.manager.pk

    page = client_for(cast.b, cast.b.manager).get("/notifications/").content.decode()

    assert "Note 0" not in page and "Nothing yet" in page


@pytest.mark.access("notifications:read_all", who="allowed")
def test_mark_all_read(client_for, cast):
    make(cast.a, cast.a.student, 4)
    client = client_for(cast.a, cast.a.student)

    client.post("/notifications/read-all/")

    with schema_context(cast.a.school.schema_name):
        assert not Notification.objects.filter(read_at__isnull=True).exists()


def test_the_list_costs_the_same_with_5_or_50_notifications(client_for, cast, django_assert_max_num_queries):
    client = client_for(cast.a, cast.a.manager)
    make(cast.a, cast.a.manager, 5)
    client.get("/notifications/")  # warms the host → school cache
    with django_assert_max_num_queries(8) as few:
        client.get("/notifications/")
    make(cast.a, cast.a.manager, 45)
    client.get("/notifications/")
    with django_assert_max_num_queries(8) as many:
        client.get("/notifications/")
    assert len(few.captured_queries) == len(many.captured_queries)


def test_settings_per_kind_and_channel(client_for, cast):
    client = client_for(cast.a, cast.a.manager)
    page = client.get("/notifications/preferences/").content.decode()
    assert "A colleague accepted your invitation" in page
    assert '<th scope="col">Telegram</th>' not in page  # the school has no bot

    client.post("/notifications/preferences/", {})  # every box unticked

    with schema_context(cast.a.school.schema_name):
        choices = dict(Preference.objects.filter(user=cast.a.manager).values_list("kind", "enabled"))
    assert choices[INVITATION_ACCEPTED] is False
    assert "accounts.password_changed" not in choices  # mandatory: never written


def test_notification_pages_need_a_login(cast):
    for url in ("/notifications/", "/notifications/preferences/"):
        assert Client(HTTP_HOST=cast.a.host).get(url)["Location"].startswith("/accounts/login/")
