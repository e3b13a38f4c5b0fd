"""Removing a person with history in the school's admin: what goes, what stays (the ledger keeps its rows)."""

from datetime import time

import pytest
from django.urls import reverse
from django.utils import timezone

from billing.models import LedgerEntry, Product
from tenant_apps.accounts.models import User
from tenant_apps.notifications.models import Notification
from tenant_apps.scheduling.models import Lesson
from tests.scheduling.conftest import buy, make_plan, teacher_hours


@pytest.fixture
def history(alpha, enrollment, django_capture_on_commit_callbacks):
    package = Product.objects.create(name="8 lessons", lessons=8, price=1_990_00, currency="RUB")
    teacher_hours(alpha.teacher)
    make_plan(enrollment, slots=((0, time(19)),))
    with django_capture_on_commit_callbacks(execute=True):
        return buy(alpha, enrollment, package, now=timezone.now())


def test_removing_a_student_with_history_says_what_goes_and_what_stays_and_keeps_the_ledger(
    alpha, history, client_for
):
    url = reverse("school_admin:accounts_user_delete", args=[alpha.student.pk])
    ledger_before = list(LedgerEntry.objects.filter(lesson_pass=history).values_list("pk", "balance_after"))
    lessons_before = Lesson.objects.filter(student=alpha.student).count()
    assert Notification.objects.filter(recipient=alpha.student).exists() and lessons_before

    page = client_for(alpha, alpha.manager).get(url)

    text = " ".join(page.content.decode().split())
    assert page.status_code == 200
    assert "What goes" in text and "Notifications:" in text
    assert "What stays" in text and f"Lessons: {lessons_before}" in text and "Enrollments: 1" in text

    removed = client_for(alpha, alpha.manager).post(url)

    assert removed.status_code == 302
    person = User.objects.get(pk=alpha.student.pk)
    assert (person.is_active, person.has_usable_password()) == (False, False)
    assert alpha.student.email not in person.email and person.full_name.startswith("Removed person #")
    assert list(LedgerEntry.objects.filter(lesson_pass=history).values_list("pk", "balance_after")) == ledger_before
    assert Lesson.objects.filter(student=person).count() == lessons_before
    assert not Notification.objects.filter(recipient=person).exists()
    assert not client_for(alpha).login(username=alpha.student.email, password="whatever")


def test_a_person_without_history_is_deleted_as_usual(alpha, client_for):
    from tenant_apps.accounts.services import user_create

    newcomer = user_create(email="new@alpha.test", password="x-long-password-1", is_student=True)
    url = reverse("school_admin:accounts_user_delete", args=[newcomer.pk])

    page = client_for(alpha, alpha.manager).get(url)
    deleted = client_for(alpha, alpha.manager).post(url, {"post": "yes"})

    assert page.status_code == 200 and "What stays" not in page.content.decode()
    assert deleted.status_code == 302 and not User.objects.filter(pk=newcomer.pk).exists()


def test_the_deactivate_action_only_stops_logging_in(alpha, history, client_for):
    response = client_for(alpha, alpha.manager).post(
        reverse("school_admin:accounts_user_changelist"),
        {"action": "deactivate", "_selected_action": [alpha.student.pk, alpha.manager.pk]},
    )

    assert response.status_code == 302
    assert User.objects.get(pk=alpha.student.pk).is_active is False
    assert User.objects.get(pk=alpha.manager.pk).is_active is True  # never yourself
    assert Lesson.objects.filter(student=alpha.student).exists()
