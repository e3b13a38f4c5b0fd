"""The school's admin: every model of every school app is there, for managers only."""

import pytest
from django.apps import apps
from django.conf import settings
from django.urls import reverse

from tenant_apps.accounts.admin_site import platform_admin_site, school_admin_site

SCHOOL_ONLY_APPS = {app.split(".")[-1] for app in settings.TENANT_APPS if app not in settings.SHARED_APPS}
BOTH_APPS = {"accounts", "auth", "account", "mfa"}
# Models that are plumbing rather than school records (sessions, content types, admin log).
NOT_SCHOOL_RECORDS = {"session", "contenttype", "logentry", "permission"}


def school_models():
    labels = SCHOOL_ONLY_APPS | BOTH_APPS
    return [
        model
        for model in apps.get_models()
        if model._meta.app_label in labels and model._meta.model_name not in NOT_SCHOOL_RECORDS
    ]


def admin_urls(model):
    prefix = f"{school_admin_site.name}:{model._meta.app_label}_{model._meta.model_name}"
    return [reverse(f"{prefix}_changelist", urlconf="config.urls_tenant"),
            reverse(f"{prefix}_add", urlconf="config.urls_tenant")]


def is_append_only(model) -> bool:
    """History and ledger-like models refuse additions by hand; their add page says 403."""
    return not school_admin_site._registry[model].has_add_permission(_ManagerRequest())


class _ManagerRequest:
    class user:  # noqa: N801 - a stand-in with every permission
        is_active = is_authenticated = is_manager = True

        @staticmethod
        def has_perm(*args, **kwargs):
            return True


def test_every_school_model_is_registered_in_the_school_admin():
    missing = [model._meta.label for model in school_models() if model not in school_admin_site._registry]
    assert missing == []


def test_no_public_schema_model_leaks_into_the_school_admin():
    public_labels = {"tenants", "platform"}
    leaked = [model._meta.label for model in school_admin_site._registry if model._meta.app_label in public_labels]
    assert leaked == []


@pytest.mark.access("school_admin:*", who="allowed")
@pytest.mark.parametrize("model", school_models(), ids=lambda model: model._meta.label)
def test_a_manager_opens_the_list_and_add_pages_of_every_model(client_for, cast, model):
    client = client_for(cast.a, cast.a.manager)
    changelist, add = admin_urls(model)

    assert client.get(changelist).status_code == 200
    assert client.get(add).status_code == (403 if is_append_only(model) else 200)


@pytest.mark.access("school_admin:*", who="wrong_role")
@pytest.mark.parametrize("model", school_models(), ids=lambda model: model._meta.label)
@pytest.mark.parametrize("who", ["teacher", "student"])
def test_teachers_and_students_are_refused_every_admin_page(client_for, cast, model, who):
    client = client_for(cast.a, getattr(cast.a, who))
    for url in admin_urls(model):
        response = client.get(url)
        assert response.status_code == 302 and "/admin/login/" in response["Location"], url


def test_the_admin_lists_have_search_and_filters(client_for, cast):
    for model, model_admin in school_admin_site._registry.items():
        if model._meta.model_name in NOT_SCHOOL_RECORDS or model._meta.app_label in {"auth"}:
            continue
        assert model_admin.search_fields, f"{model._meta.label} has no search"


@pytest.mark.access("platform/platform_admin:*", who="allowed")
def test_the_platform_admin_lists_suspends_and_reactivates_schools(cast):
    from django.test import Client

    from shared_apps.tenants.models import School
    from tenant_apps.accounts.models import User

    operator = User.objects.create_superuser("operator@platform.test", "pw-operator-1")
    client = Client(HTTP_HOST="localhost")
    client.force_login(operator)

    listing = client.get("/admin/tenants/school/")
    assert listing.status_code == 200
    assert "Alpha School" in listing.content.decode() and "_school_template" not in listing.content.decode()

    client.post("/admin/tenants/school/", {"action": "suspend", "_selected_action": [cast.a.school.pk]})
    assert School.objects.get(pk=cast.a.school.pk).is_suspended
    assert Client(HTTP_HOST=cast.a.host).get("/").status_code == 503

    client.post("/admin/tenants/school/", {"action": "reactivate", "_selected_action": [cast.a.school.pk]})
    assert not School.objects.get(pk=cast.a.school.pk).is_suspended
    assert Client(HTTP_HOST=cast.a.host).get("/").status_code == 200


@pytest.mark.access("platform/platform_admin:*", who="wrong_role")
def test_the_platform_admin_is_closed_to_a_school_manager(cast):
    from django.test import Client

    client = Client(HTTP_HOST="localhost")
    response = client.post("/admin/login/", {"username": "manager@alpha.test", "password": "correct-horse-battery"})
    assert "_auth_user_id" not in client.session
    assert response.status_code == 200
    assert platform_admin_site.name == "platform_admin"
