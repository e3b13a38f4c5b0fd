"""A real worker delivers a school's notification with that school's data, through a real SMTP server.

The worker is started with Django's SMTP backend pointed at an aiosmtpd sink on 127.0.0.1 (the
one end-to-end mail test; the rest of the suite keeps mail in memory). The managers of alpha and
beta have the same id, so a worker that read the wrong schema would mail the other school's
manager, under the other school's name, with links to the other school's site.
"""

import email
import email.policy
import re
import socket
import threading
import time

import pytest
from aiosmtpd.controller import Controller
from django.db import IntegrityError, transaction
from django_tenants.utils import schema_context

from config.celery import app as celery_app
from tenant_apps.accounts.notification_kinds import INVITATION_ACCEPTED
from tenant_apps.notifications import kinds
from tenant_apps.notifications.models import Delivery, Notification
from tenant_apps.notifications.services import UnsubscribeInvalid, notify, unsubscribe_payload

pytestmark = pytest.mark.committed

TIMEOUT = 20
LINK = re.compile(r"https?://[^\s\"'<>]+")


class Sink:
    """An aiosmtpd handler that keeps every message it is given."""

    def __init__(self):
        self.messages: list[tuple[list[str], email.message.EmailMessage]] = []
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        message = email.message_from_bytes(envelope.original_content or envelope.content, policy=email.policy.default)
        with self._lock:
            self.messages.append((list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"

    def wait_for(self, recipient: str, about: str) -> email.message.EmailMessage:
        """The one message to `recipient` whose subject mentions `about`."""
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            with self._lock:
                found = [message for to, message in self.messages if recipient in to and about in message["Subject"]]
            if found:
                assert len(found) == 1, f"{recipient} got {len(found)} messages about {about}"
                return found[0]
            time.sleep(0.05)
        raise AssertionError(f"No message to {recipient} about {about} reached the SMTP sink in {TIMEOUT} s.")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def smtp_sink():
    """An SMTP server on 127.0.0.1, and the environment that sends the worker's mail to it."""
    sink = Sink()
    port = _free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        # Read by the worker subprocess at its start only; restored before other modules run.
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
            patch.setenv("EMAIL_HOST", "127.0.0.1")
            patch.setenv("EMAIL_PORT", str(port))
            yield sink
    finally:
        controller.stop()


@pytest.fixture(scope="module")
def worker(smtp_sink, worker):
    """The jobs worker (tests/jobs/conftest.py), started after the sink so that it mails there."""
    return worker


@pytest.fixture
def deliveries_go_to_the_worker(worker):
    # notify() queues its deliveries with `.delay`, on the default queue: make that the worker's.
    conf = celery_app.conf
    was = conf.task_default_queue
    conf.task_default_queue = worker.queue
    yield
    conf.task_default_queue = was


@pytest.fixture
def cleanup():
    """Deletes, after the test, the notifications it committed (their deliveries go with them).

    A test waits for the worker to record its deliveries first; one that failed before that
    may race the worker's delivery row, so the delete is tried again.
    """
    made: list[tuple[str, int]] = []
    yield made
    for schema, pk in made:
        for _attempt in range(50):
            try:
                with schema_context(schema):
                    Notification.objects.filter(pk=pk).delete()
                break
            except IntegrityError:  # a test that failed early: the worker was still recording
                time.sleep(0.1)


def _notify_committed(schema: str, user, name: str, cleanup) -> Notification:
    with schema_context(schema):
        with transaction.atomic():  # the delivery is queued when this commits, still in the school
            notification = notify(user, INVITATION_ACCEPTED, {"name": name, "roles": "Teacher"}, url="/manager/staff/")
        cleanup.append((schema, notification.pk))
    return notification


def _wait_until_sent(schema: str, notification: Notification) -> Delivery:
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        with schema_context(schema):
            delivery = Delivery.objects.filter(notification=notification, channel=kinds.EMAIL).first()
        if delivery is not None and delivery.status == Delivery.Status.SENT:
            return delivery
        time.sleep(0.05)
    raise AssertionError(f"The worker did not record the delivery in {schema} in {TIMEOUT} s.")


def _parts(message) -> tuple[str, str]:
    return message.get_body(("plain",)).get_content(), message.get_body(("html",)).get_content()


def _unsubscribe_token(message) -> str:
    header = message["List-Unsubscribe"].strip()  # a long header comes back folded
    match = re.fullmatch(r"<http://alpha\.localhost/notifications/unsubscribe/([^/]+)/>", header)
    assert match, header
    return match.group(1)


def test_the_worker_mails_alphas_manager_with_alphas_data_through_smtp(
    worker, smtp_sink, committed_cast, deliveries_go_to_the_worker, cleanup
):
    alpha_manager, beta_manager = committed_cast.a.manager, committed_cast.b.manager
    assert alpha_manager.pk == beta_manager.pk, "the test needs colliding ids"

    alpha_notification = _notify_committed("alpha", alpha_manager, "Nina New", cleanup)
    beta_notification = _notify_committed("beta", beta_manager, "Boris Beta", cleanup)
    message = smtp_sink.wait_for("manager@alpha.test", "Nina New")
    beta_message = smtp_sink.wait_for("manager@beta.test", "Boris Beta")

    assert message["To"] == "manager@alpha.test"
    assert message["Subject"] == "[Alpha School] Nina New accepted your invitation"
    text, html = _parts(message)
    assert "They joined the school as: Teacher." in text and "Nina New accepted your invitation" in html
    links = LINK.findall(text) + LINK.findall(html) + [message["List-Unsubscribe"].strip().strip("<>")]
    assert "http://alpha.localhost/manager/staff/" in links
    assert all(link.startswith("http://alpha.localhost/") for link in links), links
    whole = message.as_string()
    assert "Beta School" not in whole and "beta.localhost" not in whole and "Boris Beta" not in whole
    # The same ids, the other school: beta's message is beta's alone.
    assert beta_message["Subject"] == "[Beta School] Boris Beta accepted your invitation"
    assert "alpha.localhost" not in beta_message.as_string() and "Nina New" not in beta_message.as_string()
    # The worker recorded each delivery in its own school.
    assert _wait_until_sent("alpha", alpha_notification).attempts == 1
    assert _wait_until_sent("beta", beta_notification).attempts == 1


def test_the_mail_has_text_and_html_parts_and_a_one_click_unsubscribe_for_its_own_school(
    worker, smtp_sink, committed_cast, deliveries_go_to_the_worker, cleanup
):
    manager = committed_cast.a.manager
    notification = _notify_committed("alpha", manager, "Una Unsubscribe", cleanup)

    message = smtp_sink.wait_for("manager@alpha.test", "Una Unsubscribe")
    _wait_until_sent("alpha", notification)  # the worker is done with it (the cleanup deletes it)

    assert message.get_content_type() == "multipart/alternative"
    text, html = _parts(message)
    assert text.strip() and html.lstrip().startswith("<!doctype html>")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    token = _unsubscribe_token(message)
    assert f"http://alpha.localhost/notifications/unsubscribe/{token}/" in text
    assert f"http://alpha.localhost/notifications/unsubscribe/{token}/" in html
    with schema_context("alpha"):
        payload = unsubscribe_payload(token)
    assert payload == {"u": manager.pk, "k": INVITATION_ACCEPTED, "c": kinds.EMAIL, "s": "alpha"}
    with schema_context("beta"), pytest.raises(UnsubscribeInvalid):
        unsubscribe_payload(token)  # beta's manager 1 is another person: the link means nothing there

