"""Each role's home leads with what comes next: the student's next lesson and pass, the teacher's day."""

from datetime import timedelta

import pytest
from django.utils import timezone

from billing.models import Payment, Product
from billing.services import payment_mark_paid
from tenant_apps.scheduling.models import Lesson


def _lesson(enrollment, starts_in, **fields):
    starts = timezone.now().replace(second=0, microsecond=0) + starts_in
    return Lesson.objects.create(enrollment=enrollment, teacher=enrollment.teacher, student=enrollment.student,
                                 starts_at=starts, ends_at=starts + timedelta(hours=1), **fields)


def _pass(alpha, enrollment, *, lessons=8, validity_days=28, paid_days_ago=0):
    product = Product.objects.create(name="8 lessons", lessons=lessons, price=1_990_00, currency="RUB",
                                     validity_days=validity_days)
    Product.objects.create(name="Extension", lessons=8, price=1_990_00, currency="RUB", is_extension=True)
    payment = Payment.objects.create(student=alpha.student, enrollment=enrollment, product=product,
                                     amount=product.price, currency=product.currency)
    return payment_mark_paid(payment=payment, now=timezone.now() - timedelta(days=paid_days_ago))


def _page(client_for, alpha, user, path):
    response = client_for(alpha, user).get(path)
    assert response.status_code == 200
    return response.content.decode()


def test_the_students_home_leads_with_the_next_lesson_and_opens_join_with_the_room(client_for, alpha, enrollment):
    _lesson(enrollment, timedelta(days=2), note="Read the article about travel.")
    page = _page(client_for, alpha, alpha.student, "/student/")

    assert page.index("Your next lesson") < page.index("My pass") < page.index("My languages")
    assert "Starts <span data-countdown-left>in 1\xa0day, 23\xa0hours" in page
    assert "Read the article about travel." in page
    assert 'data-join hidden' in page  # the room opens 15 minutes before the start

    Lesson.objects.all().delete()
    soon = _lesson(enrollment, timedelta(minutes=10))
    page = _page(client_for, alpha, alpha.student, "/student/")
    assert f'href="/lessons/{soon.pk}/room/" data-join>' in page and "The room is open." in page


def test_the_students_home_says_what_to_do_without_a_lesson_or_a_pass(client_for, alpha, enrollment):
    page = _page(client_for, alpha, alpha.student, "/student/")

    assert "No lesson is booked yet." in page and "Book a free trial lesson" in page
    assert "You have no running pass." in page


def test_the_pass_card_counts_what_is_left_and_offers_the_extension_with_its_deadline(client_for, alpha, enrollment):
    lesson_pass = _pass(alpha, enrollment, paid_days_ago=27)
    page = _page(client_for, alpha, alpha.student, "/student/")

    until = timezone.localtime(lesson_pass.valid_until, alpha.school.zone)
    assert "8 lessons left" in page and "Extend before" in page
    assert f"{until:%-d} {until:%b} {until:%Y}, {until:%H:%M}" in page
    assert "Buy 8 more lessons and you will have 16" in page


def test_the_teachers_home_shows_today_and_the_lessons_waiting_to_be_marked(client_for, alpha, enrollment):
    today = _lesson(enrollment, timedelta(minutes=5))
    waiting = _lesson(enrollment, -timedelta(days=3))
    page = _page(client_for, alpha, alpha.teacher, "/teacher/")

    assert page.index("Today's lessons") < page.index("Waiting for you")
    assert f'href="/lessons/{today.pk}/room/"' in page
    assert f'href="/lessons/{waiting.pk}/mark/"' in page and "1 past lesson is not marked yet" in page


def test_an_empty_teachers_day_says_so(client_for, alpha):
    page = _page(client_for, alpha, alpha.teacher, "/teacher/")
    assert "No lessons today." in page and "Nothing waits for you" in page


@pytest.mark.parametrize(("who", "path"), [("student", "/student/"), ("teacher", "/teacher/")])
def test_a_home_costs_the_same_with_one_or_many_lessons(client_for, alpha, enrollment, who, path,
                                                        django_assert_max_num_queries):
    client = client_for(alpha, getattr(alpha, who))
    _pass(alpha, enrollment, paid_days_ago=27)
    _lesson(enrollment, timedelta(hours=1))
    _lesson(enrollment, -timedelta(days=2))
    client.get(path)
    with django_assert_max_num_queries(20) as few:
        client.get(path)
    for day in range(2, 12):
        _lesson(enrollment, timedelta(days=day))
        _lesson(enrollment, -timedelta(days=day + 2))
    with django_assert_max_num_queries(20) as many:
        client.get(path)
    assert len(many.captured_queries) == len(few.captured_queries)


def test_homes_are_their_roles_own(client_for, cast):
    assert client_for(cast.a, cast.a.teacher).get("/student/").status_code == 403
    assert client_for(cast.a, cast.a.student).get("/teacher/").status_code == 403
    # Another school's teacher, on that school's site: still not a student there.
    assert client_for(cast.b, cast.b.teacher).get("/student/").status_code == 403
    assert client_for(cast.a).get("/student/").status_code == 302  # to the login page
