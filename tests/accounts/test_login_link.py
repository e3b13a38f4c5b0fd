"""The signup's login link: once, briefly, and only on its own school's host."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from tenant_apps.accounts.services import LoginLinkInvalid, login_link_create, login_link_redeem


def link_for(school_cast, user, now=None):
    with schema_context(school_cast.school.schema_name):
        return f"/accounts/login-link/{login_link_create(user=user, now=now)}/"


def test_the_login_link_logs_the_user_in_once(client_for, cast):
    url = link_for(cast.a, cast.a.manager)

    first = client_for(cast.a).get(url)
    second = client_for(cast.a).get(url)

    assert first.status_code == 302 and first["Location"] == "/me/"
    assert second.status_code == 400
    assert "no longer works" in second.content.decode()


def test_the_login_link_expires(client_for, cast):
    url = link_for(cast.a, cast.a.manager, now=timezone.now() - timedelta(minutes=10))

    response = client_for(cast.a).get(url)

    assert response.status_code == 400
    assert not response.wsgi_request.user.is_authenticated


def test_the_login_link_works_only_on_its_own_schools_host(client_for, cast):
    url = link_for(cast.a, cast.a.manager)

    on_b = client_for(cast.b).get(url)
    on_a = client_for(cast.a).get(url)

    assert on_b.status_code == 400
    assert not on_b.wsgi_request.user.is_authenticated
    assert on_a.status_code == 302  # refusing it on B did not burn it


def test_a_forged_login_link_is_refused(client_for, cast):
    url = link_for(cast.a, cast.a.manager)
    forged = url[:-3] + ("x" if url[-3] != "x" else "y") + url[-2:]

    assert client_for(cast.a).get(forged).status_code == 400


def test_the_link_of_a_deactivated_user_does_not_log_in(cast):
    with schema_context(cast.a.school.schema_name):
        token = login_link_create(user=cast.a.student)
        cast.a.student.is_active = False
        cast.a.student.save(update_fields=["is_active"])
        with pytest.raises(LoginLinkInvalid):
            login_link_redeem(token=token)
