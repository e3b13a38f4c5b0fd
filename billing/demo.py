"""The demo school's packages and one paid pass (idempotent; runs inside the demo schema)."""

from datetime import timedelta

from django.utils import timezone

from billing.models import Pass, Payment, Product, PromoCode
from billing.services import payment_mark_paid
from tenant_apps.learning.models import Enrollment

PACKAGES = [
    # name, lessons, price (kopecks), old price, extension
    ("8 уроков", 8, 1_990_000, 2_400_000, False),
    ("16 уроков", 16, 3_790_000, 4_800_000, False),
    ("Продление: 8 уроков", 8, 1_890_000, None, True),
]


def _buy(email: str, language: str, days_ago: float) -> None:
    enrollment = (
        Enrollment.objects.filter(student__email=email, language__code=language, is_active=True)
        .select_related("student")
        .first()
    )
    if enrollment is None or Pass.objects.filter(enrollment=enrollment).exists():
        return
    product = Product.objects.get(name=PACKAGES[0][0])
    payment = Payment.objects.create(student=enrollment.student, enrollment=enrollment, product=product,
                                     amount=product.price, currency=product.currency, provider="demo")
    payment_mark_paid(payment=payment, now=timezone.now() - timedelta(days=days_ago))


def seed_billing() -> None:
    for position, (name, lessons, price, old_price, is_extension) in enumerate(PACKAGES):
        Product.objects.get_or_create(
            name=name,
            defaults={"lessons": lessons, "price": price, "old_price": old_price, "currency": "RUB",
                      "is_extension": is_extension, "position": position},
        )
    # Ivan's English pass was bought 27 days ago: the demo shows the day-27 extension offer.
    _buy("student.ivan@example.com", "en", days_ago=27 + 2 / 24)
    # Fresh passes, so the teachers' weeks and the students' lists have lessons to show.
    _buy("student.maria@example.com", "en", days_ago=1)
    _buy("student.alex@example.com", "zh", days_ago=1)
    _buy("student.ivan@example.com", "zh", days_ago=2)

    # Free lessons: a promo code to try on the student's Free lessons page, and referral links that
    # give a friend one lesson and the student who invited one more after the friend's first payment.
    PromoCode.objects.get_or_create(code="PANDA2026", defaults={"lessons": 2, "max_uses": 100})
    from django.db import connection

    from shared_apps.tenants.models import School

    School.objects.filter(schema_name=connection.schema_name).update(referral_newcomer_lessons=1,
                                                                     referral_referrer_lessons=1)
