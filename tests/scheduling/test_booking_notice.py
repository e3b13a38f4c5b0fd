"""Booking a single lesson (another time, after an in-time cancellation) tells both sides."""

from datetime import timedelta

from django.utils import timezone

from tenant_apps.notifications.models import Notification
from tenant_apps.scheduling.services import lesson_book
from tests.scheduling.conftest import buy, teacher_hours


def test_booking_a_lesson_notifies_the_student_and_the_teacher(alpha, enrollment, package):
    teacher_hours(alpha.teacher, zone="UTC")
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    buy(alpha, enrollment, package, now=now)
    starts_at = (now + timedelta(days=2)).replace(hour=10)

    lesson_book(enrollment=enrollment, starts_at=starts_at, by=alpha.student, now=now)

    booked = Notification.objects.filter(kind="scheduling.lesson_booked")
    assert sorted(booked.values_list("recipient_id", flat=True)) == sorted([alpha.student.pk, alpha.teacher.pk])
    assert all(n.title.startswith("Lesson booked:") for n in booked)
