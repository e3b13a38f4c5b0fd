"""notify(): the in-app row now, the email after commit, each person's choices respected."""

import re

import pytest
from django.core import mail
from django.db import transaction
from django.test import Client
from django_tenants.utils import schema_context

from tenant_apps.accounts.notification_kinds import INVITATION_ACCEPTED, PASSWORD_CHANGED
from tenant_apps.notifications import kinds
from tenant_apps.notifications.models import Delivery, Notification, Preference
from tenant_apps.notifications.services import notify, preference_set
from tenant_apps.notifications.tasks import deliver_notification

CONTEXT = {"name": "Nina New", "roles": "Teacher"}


def test_notify_writes_the_row_at_once_and_emails_after_commit(alpha, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notification = notify(alpha.manager, INVITATION_ACCEPTED, CONTEXT, url="/manager/staff/")
        assert mail.outbox == []  # nothing leaves before the commit

    assert notification.title == "Nina New accepted your invitation"
    assert notification.body == "They joined the school as: Teacher."
    assert len(callbacks) == 1
    message = mail.outbox[-1]
    assert message.to == ["manager@alpha.test"]
    assert message.subject == "[Alpha School] Nina New accepted your invitation"
    assert "http://alpha.localhost/manager/staff/" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and "Nina New accepted your invitation" in html
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert Delivery.objects.get(notification=notification).status == Delivery.Status.SENT


def test_a_rolled_back_change_sends_nothing(alpha, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        try:
            with transaction.atomic():
                notify(alpha.manager, INVITATION_ACCEPTED, CONTEXT)
                raise RuntimeError("the change failed")
        except RuntimeError:
            pass

    assert callbacks == []  # nothing queued to run after a commit that never came
    assert not Notification.objects.filter(recipient=alpha.manager).exists()
    assert mail.outbox == []


def test_the_email_is_in_the_recipients_language(alpha, django_capture_on_commit_callbacks):
    manager = alpha.manager
    manager.language = "ru"
    manager.save(update_fields=["language"])

    with django_capture_on_commit_callbacks(execute=True):
        notification = notify(manager, INVITATION_ACCEPTED, CONTEXT)

    assert "приглашение" in notification.title
    assert "приглашение" in mail.outbox[-1].subject and "Открыть" in mail.outbox[-1].body


def test_a_kind_switched_off_for_email_stays_in_app_only(alpha, django_capture_on_commit_callbacks):
    preference_set(user=alpha.manager, kind=INVITATION_ACCEPTED, channel=kinds.EMAIL, enabled=False)

    with django_capture_on_commit_callbacks(execute=True):
        notify(alpha.manager, INVITATION_ACCEPTED, CONTEXT)

    assert mail.outbox == []
    assert Notification.objects.filter(recipient=alpha.manager).count() == 1


def test_a_mandatory_kind_cannot_be_switched_off(alpha, django_capture_on_commit_callbacks):
    assert preference_set(user=alpha.student, kind=PASSWORD_CHANGED, channel=kinds.EMAIL, enabled=False) is None
    assert not Preference.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        notify(alpha.student, PASSWORD_CHANGED)

    assert mail.outbox[-1].to == ["student@alpha.test"]
    assert "List-Unsubscribe" not in mail.outbox[-1].extra_headers


def test_an_unknown_kind_is_refused(alpha):
    with pytest.raises(kinds.UnknownKind):
        notify(alpha.student, "nobody.registered.this")


def test_a_delivery_retried_after_success_sends_nothing_more(alpha, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notification = notify(alpha.manager, INVITATION_ACCEPTED, CONTEXT)

    deliver_notification.apply(args=[notification.pk, kinds.EMAIL])

    assert len(mail.outbox) == 1


def test_a_failed_send_is_recorded_and_raised_for_a_retry(alpha, monkeypatch):
    from tenant_apps.notifications import services

    notification = Notification.objects.create(recipient=alpha.manager, kind=INVITATION_ACCEPTED, title="t")

    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("smtp down")

    monkeypatch.setattr(services, "_send_email", refuse)
    with pytest.raises(ConnectionRefusedError):
        services.notification_deliver(notification_id=notification.pk, channel=kinds.EMAIL)

    delivery = Delivery.objects.get(notification=notification)
    assert delivery.status == Delivery.Status.FAILED and delivery.attempts == 1
    assert "smtp down" in delivery.last_error


def test_one_click_unsubscribe_from_the_email(alpha, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notify(alpha.manager, INVITATION_ACCEPTED, CONTEXT)
    url = re.search(r"http://alpha\.localhost(/notifications/unsubscribe/\S+/)", mail.outbox[-1].body).group(1)
    anonymous = Client(HTTP_HOST=alpha.host)

    confirm_page = anonymous.get(url)
    one_click = anonymous.post(url)

    assert confirm_page.status_code == 200
    assert one_click.status_code == 200
    assert Preference.objects.get(user=alpha.manager, kind=INVITATION_ACCEPTED, channel="email").enabled is False


def test_an_unsubscribe_link_of_school_a_does_nothing_at_school_b(cast, django_capture_on_commit_callbacks):
    with schema_context(cast.a.school.schema_name):
        with django_capture_on_commit_callbacks(execute=True):
            notify(cast.a.manager, INVITATION_ACCEPTED, CONTEXT)
    url = re.search(r"http://alpha\.localhost(/notifications/unsubscribe/\S+/)", mail.outbox[-1].body).group(1)

    response = Client(HTTP_HOST=cast.b.host).post(url)

    assert response.status_code == 400
    with schema_context(cast.b.school.schema_name):
        assert not Preference.objects.exists()
