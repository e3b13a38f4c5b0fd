"""The role matrix of every lesson page and action.

Seeing a lesson: its student, its teacher, a manager; anyone else gets 404, the same as for a lesson
that does not exist. Acting on it here: its student (cancel, book another time) and its teacher
(cancel, mark); a manager who sees it gets 403. Another school's session is no session here.
"""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import Client
from django.utils import timezone

from billing.models import Payment
from billing.services import payment_mark_paid
from tenant_apps.scheduling.models import Freeze, Lesson
from tenant_apps.scheduling.permissions import (
    can_rebook_lesson,
    get_lesson_for_user,
    get_lesson_to_cancel,
    get_lesson_to_mark,
    get_lesson_to_rebook,
)
from tenant_apps.scheduling.services import _create_lesson, lesson_cancel

PEOPLE = ["student", "teacher", "student2", "teacher2", "methodologist", "manager"]
OK, FORBIDDEN, NOT_FOUND, LOGIN = 200, 403, 404, "login"


@pytest.fixture
def lessons(alpha, enrollment, package):
    """Alpha's student with alpha's teacher: a future lesson, a started one, one cancelled in time."""
    now = timezone.now()
    payment = Payment.objects.create(student=alpha.student, enrollment=enrollment, product=package,
                                     amount=package.price, currency=package.currency)
    lesson_pass = payment_mark_paid(payment=payment, now=now - timedelta(days=2))

    def book(starts_at):
        return _create_lesson(enrollment=enrollment, lesson_pass=lesson_pass, starts_at=starts_at, minutes=60,
                              now=lesson_pass.starts_at)

    future = book(now + timedelta(days=2))
    started = book(now - timedelta(minutes=10))
    cancelled = lesson_cancel(lesson=book(now + timedelta(days=3)), by=alpha.student, now=now)
    return {"future": future, "started": started, "cancelled": cancelled, "pass": lesson_pass}


def outcome(response):
    if response.status_code == 302 and response["Location"].startswith("/accounts/login/"):
        return LOGIN
    return response.status_code


def client_as(client_for, alpha, who):
    return client_for(alpha, getattr(alpha, who)) if who else Client(HTTP_HOST=alpha.host)


# Area pages --------------------------------------------------------------------------------------
AREA_PAGES = {
    "/student/lessons/": {"student", "student2"},
    "/student/schedule/": {"student", "student2"},
    "/student/lessons/freeze/": {"student", "student2"},
    "/teacher/lessons/": {"teacher", "teacher2"},
    "/teacher/lessons/?week=2026-03-02": {"teacher", "teacher2"},
    "/teacher/schedule/": {"teacher", "teacher2"},
    "/manager/lessons/": {"manager"},
}


@pytest.mark.access(
    "lessons:student",
    "lessons:student_schedule",
    "lessons:freeze",
    "lessons:teacher",
    "lessons:teacher_schedule",
    "lessons:manager",
    who=("allowed", "wrong_role"),
)
@pytest.mark.parametrize("url", list(AREA_PAGES))
@pytest.mark.parametrize("who", PEOPLE)
def test_each_lessons_page_opens_for_its_role_only(client_for, alpha, url, who):
    response = client_as(client_for, alpha, who).get(url)

    assert outcome(response) == (OK if who in AREA_PAGES[url] else FORBIDDEN)


@pytest.mark.parametrize("url", list(AREA_PAGES))
def test_an_anonymous_visitor_is_sent_to_log_in(alpha, url):
    assert outcome(Client(HTTP_HOST=alpha.host).get(url)) == LOGIN


# One lesson's actions ------------------------------------------------------------------------------
# (action, lesson) → what each person gets on GET.
LESSON_ACTIONS = {
    ("cancel", "future"): {"student": OK, "teacher": OK, "student2": NOT_FOUND, "teacher2": NOT_FOUND,
                           "methodologist": NOT_FOUND, "manager": FORBIDDEN},
    ("mark", "started"): {"student": FORBIDDEN, "teacher": OK, "student2": NOT_FOUND, "teacher2": NOT_FOUND,
                          "methodologist": NOT_FOUND, "manager": FORBIDDEN},
    # Booking another time is in the student's area: other roles are refused before any lookup.
    ("rebook", "cancelled"): {"student": OK, "teacher": FORBIDDEN, "student2": NOT_FOUND, "teacher2": FORBIDDEN,
                              "methodologist": FORBIDDEN, "manager": FORBIDDEN},
}
MATRIX = [(action, lesson, who, expected) for (action, lesson), row in LESSON_ACTIONS.items()
          for who, expected in row.items()]


@pytest.mark.access("lessons:cancel", "lessons:mark", "lessons:rebook", who=("allowed", "wrong_role"))
@pytest.mark.parametrize(("action", "lesson", "who", "expected"), MATRIX)
def test_the_role_matrix_of_lesson_pages(client_for, alpha, lessons, action, lesson, who, expected):
    response = client_as(client_for, alpha, who).get(f"/lessons/{lessons[lesson].pk}/{action}/")

    assert outcome(response) == expected


POSTS = {
    "cancel": ("future", {"expected": "in_time"}),
    "mark": ("started", {"outcome": "held", "note": "x"}),
    "rebook": ("cancelled", {"starts_at": "2030-01-07T10:00:00+00:00"}),
}


@pytest.mark.parametrize(("action", "lesson", "who", "expected"),
                         [row for row in MATRIX if row[3] != OK])
def test_a_refused_post_changes_nothing(client_for, alpha, lessons, action, lesson, who, expected):
    target, data = POSTS[action]
    before = set(Lesson.objects.values_list("pk", "status"))

    response = client_as(client_for, alpha, who).post(f"/lessons/{lessons[target].pk}/{action}/", data)

    assert outcome(response) == expected
    assert set(Lesson.objects.values_list("pk", "status")) == before


@pytest.mark.parametrize("action", ["cancel", "mark", "rebook"])
def test_an_anonymous_visitor_is_sent_to_log_in_for_a_lesson(alpha, lessons, action):
    target, data = POSTS[action]
    client = Client(HTTP_HOST=alpha.host)

    assert outcome(client.get(f"/lessons/{lessons[target].pk}/{action}/")) == LOGIN
    assert outcome(client.post(f"/lessons/{lessons[target].pk}/{action}/", data)) == LOGIN


def test_the_lessons_own_people_may_act(client_for, alpha, lessons):
    cancelled = client_for(alpha, alpha.student).post(f"/lessons/{lessons['future'].pk}/cancel/",
                                                      {"expected": "in_time"})
    marked = client_for(alpha, alpha.teacher).post(f"/lessons/{lessons['started'].pk}/mark/", {"outcome": "held"})

    assert cancelled.status_code == 302 and marked.status_code == 302
    assert Lesson.objects.get(pk=lessons["future"].pk).status == "cancelled_in_time"
    assert Lesson.objects.get(pk=lessons["started"].pk).status == "held"


# Another school ------------------------------------------------------------------------------------
@pytest.mark.parametrize("who", ["student", "teacher", "manager"])
@pytest.mark.parametrize("path", ["/student/lessons/", "/teacher/lessons/", "/manager/lessons/", "cancel", "mark"])
def test_another_schools_session_is_no_session_here(client_for, cast, alpha, lessons, who, path):
    beta_cookie = client_for(cast.b, getattr(cast.b, who)).cookies["sessionid"].value
    client = Client(HTTP_HOST=alpha.host)
    client.cookies["sessionid"] = beta_cookie
    url = f"/lessons/{lessons['future' if path == 'cancel' else 'started'].pk}/{path}/" if "/" not in path else path

    assert outcome(client.get(url)) == LOGIN


@pytest.mark.parametrize(("who", "action"), [("student", "cancel"), ("teacher", "cancel"), ("teacher", "mark")])
def test_in_another_school_our_lessons_do_not_exist(client_for, cast, lessons, who, action):
    client = client_for(cast.b, getattr(cast.b, who))

    assert client.get(f"/lessons/{lessons['future'].pk}/{action}/").status_code == NOT_FOUND


def test_a_student_cannot_freeze_another_students_pass(client_for, alpha, lessons):
    tomorrow = timezone.localdate() + timedelta(days=1)

    response = client_for(alpha, alpha.student2).post("/student/lessons/freeze/",
                                                      {"lesson_pass": lessons["pass"].pk, "starts_on": tomorrow})

    assert response.status_code == 422
    assert not Freeze.objects.filter(lesson_pass=lessons["pass"]).exists()


# The rules themselves ------------------------------------------------------------------------------
def test_the_access_helpers(alpha, lessons):
    future, started, cancelled = lessons["future"], lessons["started"], lessons["cancelled"]

    assert get_lesson_for_user(alpha.student, future.pk) == future
    assert get_lesson_for_user(alpha.teacher, future.pk) == future
    assert get_lesson_for_user(alpha.manager, future.pk) == future
    for outsider in (alpha.student2, alpha.teacher2, alpha.methodologist):
        with pytest.raises(Http404):
            get_lesson_for_user(outsider, future.pk)
    with pytest.raises(Http404):
        get_lesson_for_user(alpha.manager, 10**9)
    with pytest.raises(PermissionDenied):
        get_lesson_to_cancel(alpha.manager, future.pk)
    with pytest.raises(PermissionDenied):
        get_lesson_to_mark(alpha.student, started.pk)
    assert get_lesson_to_mark(alpha.teacher, started.pk) == started
    assert get_lesson_to_rebook(alpha.student, cancelled.pk) == cancelled
    with pytest.raises(PermissionDenied):
        get_lesson_to_rebook(alpha.student, future.pk)  # still scheduled: nothing came back to book with
    assert not can_rebook_lesson(alpha.teacher, cancelled)
