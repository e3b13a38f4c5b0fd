"""A manager invites staff by email; the invitee sets a password and lands in their area."""

import re

from django.core import mail
from django.test import Client
from django_tenants.utils import schema_context

from tenant_apps.accounts.models import Invitation, User


def invite(client, **overrides):
    data = {"email": "new.teacher@alpha.test", "full_name": "Nina New", "as_teacher": "on"}
    data.update(overrides)
    return client.post("/manager/staff/", data)


def link_from_last_email() -> str:
    match = re.search(r"http://[^/\s]+(/accounts/invitation/[^/\s]+/)", mail.outbox[-1].body)
    assert match, mail.outbox[-1].body
    return match.group(1)


def test_a_manager_invites_a_teacher_who_sets_a_password_and_lands_in_the_teacher_area(
    client_for, cast, django_capture_on_commit_callbacks
):
    manager = client_for(cast.a, cast.a.manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = invite(manager)
    assert response.status_code == 302
    assert mail.outbox[-1].to == ["new.teacher@alpha.test"]
    assert "Alpha School" in mail.outbox[-1].subject

    invitee = Client(HTTP_HOST=cast.a.host)
    url = link_from_last_email()
    form = invitee.get(url)
    done = invitee.post(
        url, {"full_name": "Nina New", "password1": "sturdy-passphrase-9", "password2": "sturdy-passphrase-9"}
    )

    assert form.status_code == 200
    assert done.status_code == 302 and done["Location"] == "/me/"
    assert invitee.get("/me/")["Location"] == "/teacher/"
    with schema_context(cast.a.school.schema_name):
        nina = User.objects.get(email="new.teacher@alpha.test")
        assert nina.is_teacher and not nina.is_manager and nina.check_password("sturdy-passphrase-9")


def test_an_invitation_link_works_once(client_for, cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invite(client_for(cast.a, cast.a.manager))
    url = link_from_last_email()
    data = {"full_name": "Nina", "password1": "sturdy-passphrase-9", "password2": "sturdy-passphrase-9"}
    Client(HTTP_HOST=cast.a.host).post(url, data)

    again = Client(HTTP_HOST=cast.a.host).get(url)

    assert again.status_code == 400
    assert "no longer works" in again.content.decode()


def test_an_invitation_needs_a_role(client_for, cast):
    response = client_for(cast.a, cast.a.manager).post("/manager/staff/", {"email": "x@alpha.test"})

    assert response.status_code == 422
    assert "Choose at least one role" in response.content.decode()
    assert not Invitation.objects.exists()


def test_one_person_may_hold_several_roles_through_an_invitation(client_for, cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invite(client_for(cast.a, cast.a.manager), email="student@alpha.test", as_methodologist="on")
    url = link_from_last_email()
    student_client = client_for(cast.a, cast.a.student)

    student_client.post(url)

    with schema_context(cast.a.school.schema_name):
        student = User.objects.get(pk=cast.a.student.pk)
        assert student.is_student and student.is_teacher and student.is_methodologist


def test_an_existing_account_must_log_in_before_accepting(client_for, cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invite(client_for(cast.a, cast.a.manager), email="student@alpha.test")
    url = link_from_last_email()

    response = Client(HTTP_HOST=cast.a.host).post(url)

    assert response.status_code == 200
    assert "Log in to accept" in response.content.decode()
    with schema_context(cast.a.school.schema_name):
        assert not User.objects.get(pk=cast.a.student.pk).is_teacher


def test_only_a_manager_may_invite(client_for, cast):
    for who in (cast.a.teacher, cast.a.student, cast.a.methodologist):
        assert invite(client_for(cast.a, who)).status_code == 403
    assert not Invitation.objects.exists()


def test_an_invitation_link_of_school_a_is_unknown_at_school_b(client_for, cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invite(client_for(cast.a, cast.a.manager))

    assert Client(HTTP_HOST=cast.b.host).get(link_from_last_email()).status_code == 400
