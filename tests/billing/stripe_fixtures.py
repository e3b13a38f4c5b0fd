"""The local Stripe (devtools/fake_stripe.py) for billing tests, and committed things to buy.

Import into a test module (kept out of conftest.py so that only the modules that pay start it):

    from tests.billing.stripe_fixtures import *  # noqa: F403 (the fixtures in __all__)

`stripe_fake` (one per session) sets STRIPE_API_BASE and STRIPE_WEBHOOK_SECRET in settings *and* in
os.environ, so a server process started after it (a browser test's Daphne) talks to it too.
`stripe_api` (per test) hands it over emptied: no sessions, no events, no webhook endpoints.
"""

import os
import secrets
from dataclasses import dataclass

import pytest
from django.db import connection
from django.test.utils import override_settings
from django.utils import timezone
from django_tenants.utils import schema_context

from devtools.fake_stripe import FakeStripe

__all__ = ["committed_shop", "stripe_api", "stripe_fake"]

WEBHOOK_SECRET = f"whsec_test_{secrets.token_hex(16)}"
_ENVIRONMENT = ("STRIPE_API_BASE", "STRIPE_WEBHOOK_SECRET")


@pytest.fixture(scope="session")
def stripe_fake():
    with FakeStripe(webhook_secret=WEBHOOK_SECRET) as fake:
        saved = {name: os.environ.get(name) for name in _ENVIRONMENT}
        os.environ.update(STRIPE_API_BASE=fake.url, STRIPE_WEBHOOK_SECRET=WEBHOOK_SECRET)
        try:
            with override_settings(STRIPE_API_BASE=fake.url, STRIPE_WEBHOOK_SECRET=WEBHOOK_SECRET):
                yield fake
        finally:
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value


@pytest.fixture
def stripe_api(stripe_fake):
    stripe_fake.forget_webhooks()
    stripe_fake.reset()
    yield stripe_fake
    stripe_fake.forget_webhooks()
    stripe_fake.reset()


@dataclass
class Shop:
    """What alpha's student can buy: committed, so that servers and other threads see it."""

    school: object  # the SchoolCast
    enrollment: object
    product: object


@pytest.fixture
def committed_shop(committed_cast):
    """An English enrollment for alpha's student and an 8-lesson package, committed.

    Afterwards everything bought with them goes too: passes and their ledgers, payments, the
    webhook events and the student's notifications written meanwhile, then the two rows themselves.
    """
    from billing.models import LedgerEntry, Pass, Payment, Product, Reservation, WebhookEvent
    from tenant_apps.learning.models import Language
    from tenant_apps.learning.services import enrollment_create
    from tenant_apps.notifications.models import Notification

    alpha = committed_cast.a
    started = timezone.now()
    with schema_context(alpha.school.schema_name):
        english = Language.objects.get(code="en")
        enrollment = enrollment_create(student=alpha.student, language=english, teacher=alpha.teacher,
                                       by=alpha.manager)
        product = Product.objects.create(name="8 lessons", lessons=8, price=1_990_00, currency="RUB")
    connection.set_schema_to_public()
    try:
        yield Shop(school=alpha, enrollment=enrollment, product=product)
    finally:
        with schema_context(alpha.school.schema_name):
            passes = Pass.objects.filter(enrollment=enrollment)
            LedgerEntry.objects.filter(lesson_pass__in=passes).delete()
            Reservation.objects.filter(lesson_pass__in=passes).delete()
            passes.delete()
            Payment.objects.filter(enrollment=enrollment).delete()
            WebhookEvent.objects.filter(received_at__gte=started).delete()
            Notification.objects.filter(recipient=alpha.student, created_at__gte=started).delete()
            Product.objects.filter(pk=product.pk).delete()
            enrollment.delete()
        connection.set_schema_to_public()
