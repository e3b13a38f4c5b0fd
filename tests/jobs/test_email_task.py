"""send_email_task: Django's mail, retried with backoff while the SMTP server is away."""

import smtplib
from unittest import mock

import pytest

from tenant_apps.accounts.tasks import send_email_task


@pytest.fixture(autouse=True)
def _eager_failures_stay_in_the_result():
    # The suite propagates eager failures; these tests read the retries off the result instead.
    conf = send_email_task.app.conf
    was = conf.task_eager_propagates
    conf.task_eager_propagates = False
    yield
    conf.task_eager_propagates = was


KWARGS = {"subject": "Your lesson", "body": "Starts at 10:00.", "to": ["sam@alpha.test"]}


def test_send_email_task_sends_one_message_through_django_mail(mailoutbox):
    result = send_email_task.apply(kwargs=KWARGS, throw=False)

    assert result.get() == 1
    assert [(m.subject, m.body, m.to) for m in mailoutbox] == [("Your lesson", "Starts at 10:00.", ["sam@alpha.test"])]


def test_send_email_task_retries_after_a_connection_error_and_then_sends(mailoutbox):
    with mock.patch("tenant_apps.accounts.tasks.send_mail", side_effect=[ConnectionRefusedError(), 1]) as send:
        result = send_email_task.apply(kwargs=KWARGS, throw=False)

    assert result.successful()
    assert send.call_count == 2


def test_send_email_task_gives_up_after_five_retries():
    failure = smtplib.SMTPServerDisconnected("gone")
    with mock.patch("tenant_apps.accounts.tasks.send_mail", side_effect=failure) as send:
        result = send_email_task.apply(kwargs=KWARGS, throw=False)

    assert result.failed()
    assert isinstance(result.result, smtplib.SMTPServerDisconnected)
    assert send.call_count == 1 + 5


def test_send_email_task_backs_off_between_retries():
    assert send_email_task.retry_backoff is True
    assert send_email_task.max_retries == 5
    assert set(send_email_task.autoretry_for) == {OSError, smtplib.SMTPException}
