"""Website fixtures: alpha's methodologist works every day 09:00–18:00 Moscow time."""

from datetime import time

import pytest

from tenant_apps.learning.models import Language
from tenant_apps.scheduling.models import WorkingHours
from tenant_apps.scheduling.trials import methodologist_free_slots


@pytest.fixture
def methodologist_hours(alpha):
    for weekday in range(7):
        WorkingHours.objects.create(teacher=alpha.methodologist, weekday=weekday, starts=time(9), ends=time(18),
                                    time_zone="Europe/Moscow")
    return alpha.methodologist


@pytest.fixture
def english(alpha):
    return Language.objects.get(code="en")


@pytest.fixture
def chinese(alpha):
    return Language.objects.get(code="zh")


@pytest.fixture
def free_slot(methodologist_hours):
    """A free trial start in two or more days (so it is never too soon while the test runs)."""
    from django.utils import timezone

    now = timezone.now()
    return next(instant for instant in methodologist_free_slots(now=now) if (instant - now).days >= 2)


def booking_data(language, starts_at, **overrides):
    data = {
        "language": str(language.pk),
        "goal": "Speak at work",
        "preferred": ["0-19:00", "3-19:00"],
        "starts_at": starts_at.isoformat(),
        "full_name": "Vera Visitor",
        "email": "vera@example.com",
        "phone": "+7 900 000 00 00",
        "time_zone": "Europe/Moscow",
        "website": "",
    }
    data.update(overrides)
    return data
