"""Credits added any way (a manager, free lessons, the admin) book the agreed plan as a purchase does;
an occurrence the plan booked once (then cancelled, moved or frozen) is never booked again."""

from datetime import time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from billing.free_lessons import grant_place
from billing.models import FreeLessonGrant, LedgerEntry, Pass
from billing.services import credit_adjust, credits_grant_free, free_credits
from tenant_apps.scheduling.models import Lesson
from tenant_apps.scheduling.reschedule import lesson_move
from tenant_apps.scheduling.services import lesson_cancel, pass_freeze
from tests.scheduling.conftest import buy, make_plan, teacher_hours

MON_WED_FRI = ((0, time(19)), (2, time(19)), (4, time(19)))  # 12 occurrences in 28 days, 8 credits


@pytest.fixture
def booked(alpha, enrollment, package, django_capture_on_commit_callbacks):
    """A pass bought now and its plan booked by the pass-activated hook."""

    def make(slots=((0, time(19)), (3, time(19)))):
        teacher_hours(alpha.teacher)
        make_plan(enrollment, slots=slots)
        with django_capture_on_commit_callbacks(execute=True):
            return buy(alpha, enrollment, package, now=timezone.now())

    return make


def scheduled(lesson_pass):
    return Lesson.objects.filter(lesson_pass=lesson_pass, status="scheduled")


def ledger(lesson_pass):
    return list(LedgerEntry.objects.filter(lesson_pass=lesson_pass).order_by("seq").values_list("kind", "change",
                                                                                                   "balance_after"))


def test_a_managers_added_credits_book_the_next_lessons_of_the_plan(alpha, booked, django_capture_on_commit_callbacks):
    lesson_pass = booked(MON_WED_FRI)
    assert scheduled(lesson_pass).count() == 8 and free_credits(lesson_pass) == 0
    last_before = scheduled(lesson_pass).last().starts_at

    with django_capture_on_commit_callbacks(execute=True):
        credit_adjust(lesson_pass=lesson_pass, change=2, by=alpha.manager, reason="two lessons as a gift")

    assert scheduled(lesson_pass).count() == 10 and free_credits(lesson_pass) == 0
    assert scheduled(lesson_pass).filter(starts_at__gt=last_before).count() == 2
    rows = ledger(lesson_pass)
    assert rows[0] == ("purchase", 8, 8) and rows[9] == ("adjustment", 2, 2)
    assert rows[10:] == [("booked", -1, 1), ("booked", -1, 0)]


def test_free_lessons_on_a_running_pass_book_the_plan(alpha, enrollment, booked, django_capture_on_commit_callbacks):
    lesson_pass = booked(MON_WED_FRI)

    with django_capture_on_commit_callbacks(execute=True):
        credits_grant_free(lesson_pass=lesson_pass, lessons=1, by=alpha.manager, reason="sorry for the noise")
    with django_capture_on_commit_callbacks(execute=True):
        grant = FreeLessonGrant.objects.create(student=alpha.student, lessons=1, source="referral")
        grant_place(grant=grant, enrollment=enrollment)

    assert scheduled(lesson_pass).count() == 10 and free_credits(lesson_pass) == 0
    kinds = [kind for kind, _change, _balance in ledger(lesson_pass)]
    assert kinds.count("free_granted") == 2 and kinds.count("booked") == 10


def test_freezing_after_an_in_time_cancel_does_not_book_the_cancelled_lesson_again(
    alpha, booked, django_capture_on_commit_callbacks
):
    lesson_pass = booked()
    lessons = list(scheduled(lesson_pass))
    cancelled = lesson_cancel(lesson=lessons[2], by=alpha.student)
    assert cancelled.status == "cancelled_in_time" and free_credits(lesson_pass) == 1

    with django_capture_on_commit_callbacks(execute=True):
        pass_freeze(lesson_pass=lesson_pass, by=alpha.student, starts_at=lessons[4].starts_at - timedelta(hours=1))

    at_cancelled_time = Lesson.objects.filter(enrollment=lesson_pass.enrollment, starts_at=cancelled.starts_at)
    assert list(at_cancelled_time.values_list("status", flat=True)) == ["cancelled_in_time"]
    # 8 booked − 1 cancelled − 2 frozen + 2 in the week the freeze added: 7; the cancelled credit stays free.
    assert scheduled(lesson_pass).count() == 7 and free_credits(lesson_pass) == 1
    kinds = [kind for kind, _change, _balance in ledger(lesson_pass)]
    assert kinds.count("booked") == 10 and kinds.count("cancelled_in_time") == 3
    assert ledger(lesson_pass)[-1][2] == 1


def test_a_moved_lesson_is_not_booked_again_at_its_planned_time(alpha, booked, django_capture_on_commit_callbacks):
    lesson_pass = booked()
    lesson = list(scheduled(lesson_pass))[3]
    planned = lesson.starts_at
    lesson_move(lesson=lesson, starts_at=planned + timedelta(hours=1, minutes=30), by=alpha.teacher)

    with django_capture_on_commit_callbacks(execute=True):
        credit_adjust(lesson_pass=lesson_pass, change=1, by=alpha.manager, reason="a gift")

    assert not Lesson.objects.filter(enrollment=lesson_pass.enrollment, starts_at=planned).exists()
    assert scheduled(lesson_pass).count() == 8 and free_credits(lesson_pass) == 1


def test_a_pass_added_in_the_admin_has_its_lessons_and_books_the_plan(
    alpha, enrollment, package, client_for, django_capture_on_commit_callbacks
):
    teacher_hours(alpha.teacher)
    make_plan(enrollment)
    now = timezone.localtime(timezone.now())
    form = {
        "enrollment": enrollment.pk, "product": package.pk, "lessons": 8,
        "starts_at_0": now.strftime("%Y-%m-%d"), "starts_at_1": now.strftime("%H:%M:%S"),
        "valid_until_0": (now + timedelta(days=28)).strftime("%Y-%m-%d"), "valid_until_1": now.strftime("%H:%M:%S"),
        "ledger-TOTAL_FORMS": "0", "ledger-INITIAL_FORMS": "0", "ledger-MIN_NUM_FORMS": "0",
        "ledger-MAX_NUM_FORMS": "0",
    }
    client = client_for(alpha, alpha.manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("school_admin:billing_pass_add"), form)

    assert response.status_code == 302, response.content.decode()[:2000]
    lesson_pass = Pass.objects.get(enrollment=enrollment)
    assert ledger(lesson_pass)[0][:2] == ("adjustment", 8)
    assert scheduled(lesson_pass).count() == 8 and free_credits(lesson_pass) == 0

    change_url = reverse("school_admin:billing_pass_change", args=[lesson_pass.pk])
    assert client.get(change_url).status_code == 200

    def change_form(**fields):
        rows = list(LedgerEntry.objects.filter(lesson_pass=lesson_pass).order_by("seq").values_list("pk", flat=True))
        inline = {"ledger-TOTAL_FORMS": str(len(rows)), "ledger-INITIAL_FORMS": str(len(rows)),
                  "ledger-MIN_NUM_FORMS": "0", "ledger-MAX_NUM_FORMS": "1000"}
        for index, pk in enumerate(rows):
            inline |= {f"ledger-{index}-id": str(pk), f"ledger-{index}-lesson_pass": str(lesson_pass.pk)}
        until = timezone.localtime(lesson_pass.valid_until)
        return {"valid_until_0": until.strftime("%Y-%m-%d"), "valid_until_1": until.strftime("%H:%M:%S"),
                **inline, **fields}

    refused = client.post(change_url, change_form(credit_change="2", credit_reason=""))
    assert refused.status_code == 200 and "Say why the credits change." in refused.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        saved = client.post(change_url, change_form(credit_change="2", credit_reason="a gift"))

    assert saved.status_code == 302
    # The plan had no open occurrence left inside the pass: the two credits wait, free.
    assert ledger(lesson_pass)[-1] == ("adjustment", 2, 2) and scheduled(lesson_pass).count() == 8
