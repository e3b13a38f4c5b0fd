"""Billing fixtures: school A's schema active, an English enrollment for the student, packages."""

import pytest
from django_tenants.utils import schema_context

from billing.models import Product
from tenant_apps.learning.models import Language
from tenant_apps.learning.services import enrollment_create


@pytest.fixture
def alpha(cast):
    with schema_context(cast.a.school.schema_name):
        yield cast.a


@pytest.fixture
def enrollment(alpha):
    english = Language.objects.get(code="en")
    return enrollment_create(student=alpha.student, language=english, teacher=alpha.teacher, by=alpha.manager)


@pytest.fixture
def package(alpha):
    return Product.objects.create(name="8 lessons", lessons=8, price=1_990_00, old_price=2_400_00, currency="RUB")


@pytest.fixture
def extension(alpha):
    return Product.objects.create(name="Extension", lessons=8, price=1_790_00, currency="RUB", is_extension=True)
