"""The demo school's packages and one paid pass (idempotent; runs inside the demo schema)."""

from datetime import timedelta

from django.utils import timezone

from billing.models import Pass, Payment, Product
from billing.services import payment_mark_paid
from tenant_apps.learning.models import Enrollment

PACKAGES = [
    # name, lessons, price (kopecks), old price, extension
    ("8 уроков", 8, 1_990_000, 2_400_000, False),
    ("16 уроков", 16, 3_790_000, 4_800_000, False),
    ("Продление: 8 уроков", 8, 1_890_000, None, True),
]


def seed_billing() -> None:
    for position, (name, lessons, price, old_price, is_extension) in enumerate(PACKAGES):
        Product.objects.get_or_create(
            name=name,
            defaults={"lessons": lessons, "price": price, "old_price": old_price, "currency": "RUB",
                      "is_extension": is_extension, "position": position},
        )
    enrollment = (
        Enrollment.objects.filter(student__email="student.ivan@example.com", language__code="en", is_active=True)
        .select_related("student")
        .first()
    )
    if enrollment is None or Pass.objects.filter(enrollment=enrollment).exists():
        return
    product = Product.objects.get(name=PACKAGES[0][0])
    payment = Payment.objects.create(student=enrollment.student, enrollment=enrollment, product=product,
                                     amount=product.price, currency=product.currency, provider="demo")
    # Bought 27 days ago: the demo shows the day-27 extension offer.
    payment_mark_paid(payment=payment, now=timezone.now() - timedelta(days=27, hours=2))
