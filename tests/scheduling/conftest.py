"""Scheduling fixtures: school A's schema, an English enrollment with a teacher, a paid pass."""

from datetime import UTC, datetime, time

import pytest

from billing.models import Payment, Product
from billing.services import payment_mark_paid
from tenant_apps.scheduling.models import PlanSlot, WeeklyPlan, WorkingHours

PAID_AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday, before both spring changes


@pytest.fixture
def package(alpha):
    return Product.objects.create(name="8 lessons", lessons=8, price=1_990_00, currency="RUB")


def make_plan(enrollment, zone="Europe/London", slots=((0, time(19)), (3, time(19))), minutes=60):
    plan = WeeklyPlan.objects.create(enrollment=enrollment, time_zone=zone, lesson_minutes=minutes)
    for weekday, at in slots:
        PlanSlot.objects.create(plan=plan, weekday=weekday, starts=at)
    return plan


def teacher_hours(teacher, zone="Europe/London", starts=time(8), ends=time(22)):
    for weekday in range(7):
        WorkingHours.objects.create(teacher=teacher, weekday=weekday, starts=starts, ends=ends, time_zone=zone)


def buy(alpha, enrollment, product, now=PAID_AT):
    payment = Payment.objects.create(student=alpha.student, enrollment=enrollment, product=product,
                                     amount=product.price, currency=product.currency)
    return payment_mark_paid(payment=payment, now=now)
