"""The school admin with the demo data: every registered model's list, add page and change page open, and
every change form saves as it is, without a 500."""

import datetime

import pytest
from django.core.management import call_command
from django.db import connection
from django.forms import MultiWidget
from django.urls import reverse
from django.utils import timezone
from django_tenants.utils import schema_context

from tenant_apps.accounts.admin_site import school_admin_site

MODELS = sorted(school_admin_site._registry, key=lambda model: model._meta.label)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo school, seeded once for this module (and removed afterwards)."""
    from shared_apps.platform.management.commands.seed_demo import DEMO_SUBDOMAIN
    from shared_apps.tenants.models import School
    from shared_apps.tenants.services import school_host

    with django_db_blocker.unblock():
        call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
        connection.set_schema_to_public()
        school = School.objects.get(domains__domain=school_host(DEMO_SUBDOMAIN))
        yield school
        connection.set_schema_to_public()
        # Looked up again: `seed_demo --reset` (below) makes the school anew.
        for made in School.objects.filter(schema_name=school.schema_name):
            made.delete(force_drop=True)


@pytest.fixture
def admin_client(committed_db, demo, client):
    from shared_apps.platform.management.commands.seed_demo import DEMO_SUBDOMAIN
    from shared_apps.tenants.services import school_host
    from tenant_apps.accounts.models import User

    client.defaults["HTTP_HOST"] = school_host(DEMO_SUBDOMAIN)  # not `demo.domains`: --reset makes a new school
    with schema_context(demo.schema_name):
        client.force_login(User.objects.get(email="manager@example.com"))
    return client


def _url(model, view, *args) -> str:
    return reverse(f"school_admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def _as_posted(form) -> dict:
    """What the browser would send for `form` left as it is."""
    data = {}
    for name, field in form.fields.items():
        if field.disabled:
            continue
        bound = form[name]
        value = bound.value()  # already prepared for the widget (a JSON field gives its text)
        key, widget = bound.html_name, field.widget
        if isinstance(widget, MultiWidget):
            parts = value if isinstance(value, list | tuple) else widget.decompress(value)
            for index, (part, sub) in enumerate(zip(parts, widget.widgets, strict=False)):
                data[f"{key}_{index}"] = "" if part is None else sub.format_value(part) or ""
        elif widget.input_type == "file" if hasattr(widget, "input_type") else False:
            continue
        elif isinstance(value, bool):
            if value:
                data[key] = "on"
        elif isinstance(value, list | tuple):
            data[key] = [str(item) for item in value]
        elif value is None:
            data[key] = ""
        elif isinstance(value, datetime.date | datetime.time):
            data[key] = widget.format_value(value) or ""
        else:
            data[key] = str(value)
    return data


def _change_form_data(response) -> dict:
    data = _as_posted(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        data |= _as_posted(formset.management_form)
        for form in formset.forms:
            data |= _as_posted(form)
    data["_save"] = "Save"
    return data


def _errors(response) -> str:
    context = response.context
    form = context["adminform"].form
    inlines = [formset.formset.errors for formset in context["inline_admin_formsets"]]
    return f"{form.errors.as_json()} {inlines}"


@pytest.mark.committed
@pytest.mark.parametrize("model", MODELS, ids=lambda model: model._meta.label)
def test_every_admin_page_opens_and_every_change_form_saves(committed_db, demo, admin_client, model):
    assert admin_client.get(_url(model, "changelist")).status_code == 200
    admin_class = school_admin_site._registry[model]
    add = admin_client.get(_url(model, "add"))
    assert add.status_code == (200 if admin_class.has_add_permission(_Request(add)) else 403)

    with schema_context(demo.schema_name):
        objects = list(model._default_manager.order_by("pk")[:3])
    connection.set_schema_to_public()
    for obj in objects:
        change = admin_client.get(_url(model, "change", obj.pk))
        assert change.status_code == 200, f"{model._meta.label} #{obj.pk}"
        if not change.context["has_change_permission"]:
            continue
        with timezone.override(demo.time_zone):  # the manager's zone (the school's): the form's times
            data = _change_form_data(change)
        saved = admin_client.post(_url(model, "change", obj.pk), data)
        assert saved.status_code == 302, f"{model._meta.label} #{obj.pk}: {_errors(saved)}"


class _Request:
    def __init__(self, response):
        self.user = response.wsgi_request.user


@pytest.mark.committed
def test_the_demo_shows_every_section_and_seeding_again_changes_nothing(committed_db, demo):
    from billing.models import Pass
    from tenant_apps.accounts.models import User
    from tenant_apps.learning.models import TeacherProfile
    from tenant_apps.scheduling.models import Freeze, Lesson
    from tenant_apps.vocabulary.models import Word

    def counts():
        with schema_context(demo.schema_name):
            return {model.__name__: model.objects.count() for model in (User, Lesson, Pass, Freeze, Word)}

    with schema_context(demo.schema_name):
        now = timezone.now()
        for code in ("en", "zh"):
            profiles = TeacherProfile.objects.filter(languages__code=code, user__is_active=True)
            assert profiles.count() >= 3
            assert all(profile.user.photo and profile.intro_video for profile in profiles)
        assert Lesson.objects.filter(status="scheduled", starts_at__gt=now,
                                     starts_at__lt=now + datetime.timedelta(minutes=30)).exists()
        assert Lesson.objects.filter(status="held", starts_at__lt=now).exists()
        assert Freeze.objects.exists()
        ivan = Pass.objects.filter(enrollment__student__email="student.ivan@example.com",
                                   enrollment__language__code="en").get()
        assert 26 <= (now - ivan.starts_at).days <= 27  # the day-27 extension offer shows
    before = counts()

    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115

    connection.set_schema_to_public()
    assert counts() == before


@pytest.mark.committed
def test_reset_brings_the_changed_demo_back_to_its_start_and_leaves_other_schools_alone(
    committed_db, demo, committed_cast, settings
):
    """What a user of `seed_demo --reset` relies on: whatever was done in the demo school (a lesson
    cancelled, a word added, a pass adjusted, a file stored) is gone, the demo is as seeded, its logins
    work; another school keeps its rows and files."""
    from collections import Counter
    from pathlib import Path

    from django.test import Client

    from billing.models import Pass
    from shared_apps.platform.management.commands.seed_demo import DEMO_CAST, DEMO_PASSWORD, DEMO_SUBDOMAIN
    from shared_apps.tenants.services import school_host
    from tenant_apps.accounts.models import User
    from tenant_apps.learning.models import Language
    from tenant_apps.scheduling.models import Lesson
    from tenant_apps.vocabulary.models import Word

    def facts(schema):
        with schema_context(schema):
            return {
                "lessons": Counter(Lesson.objects.values_list("status", flat=True)),
                "words": sorted(Word.objects.values_list("student__email", "language__code", "word")),
                "passes": sorted(Pass.objects.values_list(
                    "enrollment__student__email", "enrollment__language__code", "product__name", "lessons")),
                "users": sorted(User.objects.values_list("email", "is_active")),
            }

    beta = committed_cast.b.school.schema_name
    seeded, beta_before = facts(demo.schema_name), facts(beta)
    with schema_context(demo.schema_name):
        lesson = Lesson.objects.filter(status="scheduled", starts_at__gt=timezone.now()).order_by("starts_at").first()
        Lesson.objects.filter(pk=lesson.pk).update(status="cancelled")
        ivan = User.objects.get(email="student.ivan@example.com")
        Word.objects.create(student=ivan, language=Language.objects.get(code="en"), word="stale-after-reset")
        Pass.objects.filter(enrollment__student=ivan).update(lessons=99)
    changed = facts(demo.schema_name)
    assert changed != seeded
    stale = [Path(root) / demo.schema_name / "stale-after-reset.txt"
             for root in (settings.MEDIA_ROOT, settings.PRIVATE_MEDIA_ROOT)]
    beta_file = Path(settings.MEDIA_ROOT) / beta / "kept-by-reset.txt"
    for path in [*stale, beta_file]:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("left from before")
    try:
        call_command("seed_demo", "--reset", stdout=open("/dev/null", "w"))  # noqa: SIM115

        connection.set_schema_to_public()
        assert facts(demo.schema_name) == seeded
        assert not any(path.exists() for path in stale)
        assert beta_file.read_text() == "left from before"
        assert facts(beta) == beta_before
        with schema_context(demo.schema_name):  # the demo's own files are there again
            photos = [user.photo for user in User.objects.filter(is_teacher=True).exclude(photo="")]
            assert photos and all(photo.storage.exists(photo.name) for photo in photos)
        for email, *_ in DEMO_CAST:
            client = Client(HTTP_HOST=school_host(DEMO_SUBDOMAIN))
            response = client.post("/accounts/login/", {"login": email, "password": DEMO_PASSWORD})
            assert response.status_code == 302, email
            assert "/accounts/login/" not in response["Location"], email
    finally:
        for path in [*stale, beta_file]:
            path.unlink(missing_ok=True)
        connection.set_schema_to_public()
