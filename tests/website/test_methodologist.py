"""After the trial: result, teacher and plan; reassigning; the student's next step; the funnel page."""

from datetime import time, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from billing.models import Payment, Product
from billing.services import payment_mark_paid
from tenant_apps.learning.models import EnrollmentChange, Level, TeacherProfile
from tenant_apps.scheduling.models import Lesson, WeeklyPlan, WorkingHours
from tenant_apps.website.models import TrialBooking
from tenant_apps.website.services import trial_book


@pytest.fixture
def booked(alpha, english, free_slot):
    result = trial_book(language=english, starts_at=free_slot, goal="Speak at work",
                        preferred_times=[(0, time(19)), (3, time(19))], time_zone="Europe/Moscow",
                        email="vera@example.com", full_name="Vera Visitor")
    # The trial is over: it started an hour ago.
    lesson = result.booking.lesson
    Lesson.objects.filter(pk=lesson.pk).update(starts_at=timezone.now() - timedelta(hours=1),
                                               ends_at=timezone.now() - timedelta(minutes=30))
    for teacher in (alpha.teacher, alpha.teacher2):
        for weekday in range(7):
            WorkingHours.objects.create(teacher=teacher, weekday=weekday, starts=time(9), ends=time(21),
                                        time_zone="Europe/Moscow")
    return result.booking


def _plan_post(teacher, slots=((0, "19:00"), (3, "19:00"))):
    data = {"teacher": str(teacher.pk), "time_zone": "Europe/Moscow", "lesson_minutes": "60",
            "slots-TOTAL_FORMS": str(len(slots)), "slots-INITIAL_FORMS": "0",
            "slots-MIN_NUM_FORMS": "0", "slots-MAX_NUM_FORMS": "14"}
    for n, (day, at) in enumerate(slots):
        data[f"slots-{n}-weekday"], data[f"slots-{n}-starts"] = str(day), at
    return data


def test_the_methodologist_sees_upcoming_trials_with_the_answers(alpha, english, free_slot, client_for):
    trial_book(language=english, starts_at=free_slot, goal="Pass IELTS", preferred_times=[(1, time(8))],
               time_zone="Europe/Moscow", email="ivy@example.com", full_name="Ivy Visitor", phone="+7 111")

    page = client_for(alpha, alpha.methodologist).get("/methodologist/").content.decode()

    assert "Ivy Visitor" in page and "Pass IELTS" in page and "+7 111" in page
    # Days ahead, the room is not open: when it opens, not a "Join" link that would answer 403.
    assert "/room/" not in page and "The room opens on" in page


@pytest.mark.access("areas:methodologist_trial", "areas:methodologist_assign", who="allowed")
def test_the_methodologist_records_b1_then_assigns_a_teacher_and_a_plan(alpha, booked, client_for):
    client = client_for(alpha, alpha.methodologist)
    b1 = Level.objects.get(language=booked.language, code="B1")

    recorded = client.post(f"/methodologist/trials/{booked.pk}/",
                           {"outcome": "held", "level": b1.pk, "goal": "IELTS 7", "notes": "Good listening"})
    waiting = client_for(alpha, booked.student).get("/student/").content.decode()
    page = client.get(recorded["Location"]).content.decode()
    assigned = client.post(recorded["Location"], _plan_post(alpha.teacher2))

    assert recorded["Location"] == f"/methodologist/enrollments/{booked.enrollment_id}/teacher/"
    assert "English: we are choosing your teacher" in waiting and "Your level is B1." in waiting
    assert "Tina Teacher" in page and "2 of 2 preferred times free" in page
    assert assigned.status_code == 302
    booked.refresh_from_db()
    enrollment = booked.enrollment
    enrollment.refresh_from_db()
    assert (booked.outcome, booked.notes, booked.lesson.status) == ("held", "Good listening", "held")
    assert (enrollment.level, enrollment.goal, enrollment.teacher) == (b1, "IELTS 7", alpha.teacher2)
    plan = WeeklyPlan.objects.get(enrollment=enrollment)
    assert sorted((s.weekday, s.starts) for s in plan.slots.all()) == [(0, time(19)), (3, time(19))]

    dashboard = client_for(alpha, booked.student).get("/student/").content.decode()
    expected = "Your teacher is Tina Teacher, your schedule is Mon 19:00, Thu 19:00 — choose a package and pay."
    assert expected in dashboard


def test_paying_books_the_plan_with_the_new_teacher(alpha, booked, client_for, django_capture_on_commit_callbacks):
    client = client_for(alpha, alpha.methodologist)
    client.post(f"/methodologist/trials/{booked.pk}/", {"outcome": "held", "level": Level.objects.get(
        language=booked.language, code="B1").pk, "goal": "", "notes": ""})
    client.post(f"/methodologist/enrollments/{booked.enrollment_id}/teacher/", _plan_post(alpha.teacher2))
    product = Product.objects.create(name="8 lessons", lessons=8, price=1_990_00, currency="RUB")
    payment = Payment.objects.create(student=booked.student, enrollment=booked.enrollment, product=product,
                                     amount=product.price, currency="RUB")

    with django_capture_on_commit_callbacks(execute=True):
        payment_mark_paid(payment=payment)

    lessons = Lesson.objects.filter(enrollment=booked.enrollment, kind="regular")
    assert lessons.count() == 8
    assert {lesson.teacher for lesson in lessons} == {alpha.teacher2}
    assert {timezone.localtime(lesson.starts_at, timezone.get_fixed_timezone(180)).strftime("%a %H:%M")
            for lesson in lessons} == {"Mon 19:00", "Thu 19:00"}
    assert "choose a package and pay" not in client_for(alpha, booked.student).get("/student/").content.decode()


def test_reassigning_keeps_the_history_and_moves_the_booked_lessons(alpha, booked, client_for,
                                                                    django_capture_on_commit_callbacks):
    client = client_for(alpha, alpha.manager)  # a manager may reassign too
    url = f"/methodologist/enrollments/{booked.enrollment_id}/teacher/"
    client.post(url, _plan_post(alpha.teacher))
    product = Product.objects.create(name="8 lessons", lessons=8, price=1_990_00, currency="RUB")
    payment = Payment.objects.create(student=booked.student, enrollment=booked.enrollment, product=product,
                                     amount=product.price, currency="RUB")
    with django_capture_on_commit_callbacks(execute=True):
        lesson_pass = payment_mark_paid(payment=payment)
    assert Lesson.objects.filter(enrollment=booked.enrollment, kind="regular", teacher=alpha.teacher).count() == 8

    page = client.get(url).content.decode()
    moved = client.post(url, _plan_post(alpha.teacher2, slots=((1, "10:00"), (4, "10:00"))))

    # Tina is ranked by the agreed times: Mon and Thu 19:00 are free in her hours.
    assert page.count("2 of 2 agreed times free") == 2  # Tom's own lessons with the student do not count

    assert moved.status_code == 302
    history = list(EnrollmentChange.objects.filter(enrollment=booked.enrollment, field="teacher")
                   .values_list("old_value", "new_value", "changed_by"))
    assert history == [("", "Tom Teacher", alpha.manager.pk), ("Tom Teacher", "Tina Teacher", alpha.manager.pk)]
    ahead = Lesson.objects.filter(enrollment=booked.enrollment, kind="regular", status="scheduled")
    assert ahead.count() == 8 and {lesson.teacher for lesson in ahead} == {alpha.teacher2}
    assert {timezone.localtime(lesson.starts_at, timezone.get_fixed_timezone(180)).strftime("%a %H:%M")
            for lesson in ahead} == {"Tue 10:00", "Fri 10:00"}
    cancelled = Lesson.objects.filter(enrollment=booked.enrollment, teacher=alpha.teacher,
                                      status="cancelled_by_teacher")
    assert cancelled.count() == 8
    from billing.services import free_credits
    assert free_credits(lesson_pass) == 0  # the 8 returned credits were booked again


def test_a_no_show_is_recorded_without_a_level(alpha, booked, client_for):
    response = client_for(alpha, alpha.methodologist).post(
        f"/methodologist/trials/{booked.pk}/", {"outcome": "no_show", "level": "", "goal": "", "notes": ""})

    assert response["Location"] == "/methodologist/"
    booked.refresh_from_db()
    assert (booked.outcome, booked.lesson.status, booked.enrollment.level) == ("no_show", "no_show", None)


def test_a_held_trial_needs_a_level(alpha, booked, client_for):
    response = client_for(alpha, alpha.methodologist).post(
        f"/methodologist/trials/{booked.pk}/", {"outcome": "held", "level": "", "goal": "x", "notes": "y"})

    assert response.status_code == 422
    assert "Choose the level the trial showed." in response.content.decode()
    assert 'value="x"' in response.content.decode()
    booked.refresh_from_db()
    assert booked.outcome == "booked"


def test_a_teacher_must_be_chosen(alpha, booked, client_for):
    data = _plan_post(alpha.teacher)
    data["teacher"] = ""

    client = client_for(alpha, alpha.methodologist)
    response = client.post(f"/methodologist/enrollments/{booked.enrollment_id}/teacher/", data)

    assert response.status_code == 422 and "Choose a teacher." in response.content.decode()
    assert not WeeklyPlan.objects.filter(enrollment=booked.enrollment).exists()


def test_a_teacher_of_another_language_cannot_be_assigned(alpha, booked, chinese, client_for):
    profile, _created = TeacherProfile.objects.get_or_create(user=alpha.teacher2)
    profile.languages.set([chinese])

    client = client_for(alpha, alpha.methodologist)
    response = client.post(f"/methodologist/enrollments/{booked.enrollment_id}/teacher/", _plan_post(alpha.teacher2))

    assert response.status_code == 422 and "Choose a teacher." in response.content.decode()
    booked.enrollment.refresh_from_db()
    assert booked.enrollment.teacher_id is None
    assert not WeeklyPlan.objects.filter(enrollment=booked.enrollment).exists()


@pytest.mark.access("areas:methodologist_trial", "areas:methodologist_assign", who="wrong_role")
@pytest.mark.parametrize("who", ["student", "teacher"])
def test_other_roles_are_refused(alpha, booked, client_for, who):
    client = client_for(alpha, getattr(alpha, who))
    b1 = Level.objects.get(language=booked.language, code="B1")

    assert client.get(f"/methodologist/trials/{booked.pk}/").status_code == 403
    assert client.get(f"/methodologist/enrollments/{booked.enrollment_id}/teacher/").status_code == 403
    assert client.get("/manager/funnel/").status_code == 403
    recorded = client.post(f"/methodologist/trials/{booked.pk}/", {"outcome": "held", "level": b1.pk, "goal": "x",
                                                                    "notes": "y"})
    assigned = client.post(f"/methodologist/enrollments/{booked.enrollment_id}/teacher/", _plan_post(alpha.teacher))
    assert recorded.status_code == assigned.status_code == 403
    booked.refresh_from_db()
    assert booked.outcome != "held" and booked.enrollment.teacher_id is None
    assert not WeeklyPlan.objects.filter(enrollment=booked.enrollment).exists()


def test_another_schools_manager_never_sees_the_trial(alpha, booked, cast, client_for):
    client = Client(HTTP_HOST=alpha.host)
    client.cookies["sessionid"] = client_for(cast.b, cast.b.manager).cookies["sessionid"].value

    response = client.get(f"/methodologist/trials/{booked.pk}/")

    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert client_for(cast.b, cast.b.manager).get(f"/methodologist/trials/{booked.pk}/").status_code == 404


def test_the_manager_funnel_counts_by_month_and_methodologist(alpha, booked, english, client_for,
                                                             django_assert_max_num_queries):
    b1 = Level.objects.get(language=english, code="B1")
    client_for(alpha, alpha.methodologist).post(f"/methodologist/trials/{booked.pk}/",
                                                {"outcome": "held", "level": b1.pk, "goal": "", "notes": ""})
    Payment.objects.create(student=booked.student, enrollment=booked.enrollment, amount=1, currency="RUB",
                           status="paid", product=Product.objects.create(name="p", lessons=1, price=1))
    client = client_for(alpha, alpha.manager)

    with django_assert_max_num_queries(12):
        page = client.get("/manager/funnel/").content.decode()

    assert "Olga Method" in page
    assert "<td>1</td><td>1</td><td>0</td><td>1</td><td>100 %</td>" in page.replace("\n", "")


def test_the_trials_page_keeps_its_query_count_as_trials_pile_up(alpha, english, methodologist_hours, client_for,
                                                                 django_assert_max_num_queries):
    from tenant_apps.scheduling.trials import methodologist_free_slots

    slots = [s for s in methodologist_free_slots() if s > timezone.now() + timedelta(days=1)]
    for n in range(6):
        trial_book(language=english, starts_at=slots[n], goal="g", preferred_times=[], time_zone="UTC",
                   email=f"p{n}@example.com", full_name=f"P{n}")
    client = client_for(alpha, alpha.methodologist)

    with django_assert_max_num_queries(12):
        page = client.get("/methodologist/").content.decode()

    assert page.count("The room opens on") == 6
    assert TrialBooking.objects.count() == 6


def test_the_trials_room_is_the_methodologists_and_the_students(alpha, english, free_slot, client_for):
    booking = trial_book(language=english, starts_at=free_slot, goal="g", preferred_times=[], time_zone="UTC",
                         email="ivy@example.com", full_name="Ivy Visitor").booking
    Lesson.objects.filter(pk=booking.lesson_id).update(starts_at=timezone.now() + timedelta(minutes=5),
                                                       ends_at=timezone.now() + timedelta(minutes=35))
    url = f"/lessons/{booking.lesson_id}/room/"

    assert client_for(alpha, alpha.methodologist).get(url).status_code == 200
    assert client_for(alpha, booking.student).get(url).status_code == 200
    assert client_for(alpha, alpha.teacher).get(url).status_code == 404
    assert f'href="{url}"' in client_for(alpha, alpha.methodologist).get("/methodologist/").content.decode()


def test_a_methodologist_waiting_for_the_room_keeps_their_own_menu(alpha, english, free_slot, client_for):
    booking = trial_book(language=english, starts_at=free_slot, goal="g", preferred_times=[], time_zone="UTC",
                         email="ivy@example.com", full_name="Ivy Visitor").booking

    page = client_for(alpha, alpha.methodologist).get(f"/lessons/{booking.lesson_id}/room/").content.decode()

    assert 'href="/methodologist/hours/"' in page and 'href="/teacher/lessons/"' not in page


def test_the_methodologist_sets_the_hours_visitors_book_trials_in(alpha, client_for):
    from tenant_apps.scheduling.trials import methodologist_free_slots

    client = client_for(alpha, alpha.methodologist)
    added = client.post("/methodologist/hours/", {"add": "1", "weekday": "2", "starts": "10:00", "ends": "12:00"})
    overlapping = client.post("/methodologist/hours/", {"add": "1", "weekday": "2", "starts": "11:00", "ends": "13:00"})

    assert added.status_code == 302
    assert overlapping.status_code == 422 and "This overlaps your Wednesday window" in overlapping.content.decode()
    (window,) = WorkingHours.objects.filter(teacher=alpha.methodologist)
    assert (window.weekday, window.starts, window.ends) == (2, time(10), time(12))
    moscow = timezone.get_fixed_timezone(180)
    assert {timezone.localtime(s, moscow).strftime("%a %H:%M") for s in methodologist_free_slots()} <= {
        "Wed 10:00", "Wed 10:30", "Wed 11:00", "Wed 11:30"}
    assert client_for(alpha, alpha.teacher).post("/methodologist/hours/", {"remove": window.pk}).status_code == 403
    assert client.post("/methodologist/hours/", {"remove": "not-a-number"}).status_code == 404
    assert client_for(alpha, alpha.methodologist).post("/methodologist/hours/", {"remove": ""}).status_code == 404
    removed = client.post("/methodologist/hours/", {"remove": window.pk})
    assert removed.status_code == 302 and not WorkingHours.objects.filter(teacher=alpha.methodologist).exists()
