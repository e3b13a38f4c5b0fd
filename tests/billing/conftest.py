"""Billing fixtures: school A's schema active, an English enrollment for the student, packages."""

import pytest

from billing.models import Product


@pytest.fixture
def package(alpha):
    return Product.objects.create(name="8 lessons", lessons=8, price=1_990_00, old_price=2_400_00, currency="RUB")


@pytest.fixture
def extension(alpha):
    return Product.objects.create(name="Extension", lessons=8, price=1_790_00, currency="RUB", is_extension=True)
