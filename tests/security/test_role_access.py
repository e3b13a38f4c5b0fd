"""Access tests for pages whose own test modules prove what they do but not who may do it."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tenant_apps.scheduling.models import ExtraHours, TimeOff

# The teacher's own hours: other roles are refused and nothing is written.
TEACHER_POSTS = {
    "/teacher/hours/zone/": {"time_zone": "Asia/Shanghai"},
    "/teacher/hours/days-off/add/": {"first_day": "2031-01-06", "last_day": "2031-01-06", "reason": "x"},
    "/teacher/hours/extra/add/": {"day": "2031-01-06", "starts": "07:00", "ends": "08:00"},
}


@pytest.fixture
def teachers_periods(alpha):
    start = timezone.now() + timedelta(days=7)
    return (TimeOff.objects.create(teacher=alpha.teacher, starts_at=start, ends_at=start + timedelta(days=1)),
            ExtraHours.objects.create(teacher=alpha.teacher, starts_at=start, ends_at=start + timedelta(hours=1)))


@pytest.mark.access("schedule_setup:hours_zone", "schedule_setup:time_off_add", "schedule_setup:extra_hours_add",
                    "schedule_setup:time_off_remove", "schedule_setup:extra_hours_remove", who="wrong_role")
@pytest.mark.parametrize("who", ["student", "methodologist", "manager"])
def test_only_teachers_change_their_hours_days_off_and_extra_hours(alpha, client_for, teachers_periods, who):
    client = client_for(alpha, getattr(alpha, who))
    time_off, extra = teachers_periods

    for path, data in TEACHER_POSTS.items():
        assert client.post(path, data).status_code == 403, path
    assert client.post(f"/teacher/hours/days-off/{time_off.pk}/remove/").status_code == 403
    assert client.post(f"/teacher/hours/extra/{extra.pk}/remove/").status_code == 403
    assert TimeOff.objects.count() == ExtraHours.objects.count() == 1
    alpha.teacher.refresh_from_db()
    assert alpha.teacher.time_zone != "Asia/Shanghai"


@pytest.mark.access("schedule_setup:time_off_remove", "schedule_setup:extra_hours_remove", who="allowed")
def test_a_teacher_removes_their_own_days_off_and_extra_hours_not_a_colleagues(alpha, client_for, teachers_periods):
    time_off, extra = teachers_periods
    colleague, owner = client_for(alpha, alpha.teacher2), client_for(alpha, alpha.teacher)

    assert colleague.post(f"/teacher/hours/days-off/{time_off.pk}/remove/").status_code == 404
    assert colleague.post(f"/teacher/hours/extra/{extra.pk}/remove/").status_code == 404
    assert TimeOff.objects.count() == ExtraHours.objects.count() == 1
    assert owner.post(f"/teacher/hours/days-off/{time_off.pk}/remove/").status_code == 302
    assert owner.post(f"/teacher/hours/extra/{extra.pk}/remove/").status_code == 302
    assert not TimeOff.objects.exists() and not ExtraHours.objects.exists()


# Area pages of one role --------------------------------------------------------------------------
ROLE_PAGES = {"/methodologist/hours/": "methodologist", "/manager/funnel/": "manager"}
ROLES = ["student", "teacher", "methodologist", "manager"]


@pytest.mark.access("areas:methodologist_hours", "areas:manager_funnel", who=("allowed", "wrong_role"))
@pytest.mark.parametrize("path", list(ROLE_PAGES))
def test_a_roles_page_opens_for_that_role_and_refuses_the_others(alpha, client_for, path):
    for role in ROLES:
        expected = 200 if role == ROLE_PAGES[path] else 403
        assert client_for(alpha, getattr(alpha, role)).get(path).status_code == expected, role


@pytest.mark.access("areas:teacher_section", who="wrong_role")
def test_a_teachers_section_is_refused_to_a_student(alpha, client_for):
    assert client_for(alpha, alpha.student).get("/teacher/no-such-section/").status_code == 403


@pytest.mark.access("notifications:read_all", who="wrong_role")
def test_nobody_marks_notifications_read(alpha, client_for):
    response = client_for(alpha).post("/notifications/read-all/")

    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


# Billing: the manager's packages and the student's own pass ----------------------------------------
@pytest.fixture
def product(alpha):
    from billing.models import Product

    return Product.objects.create(name="8 lessons", lessons=8, price=1_990_00, currency="RUB")


@pytest.mark.access("billing:manager_products", "billing:manager_product_new", "billing:manager_product_edit",
                    who="allowed")
def test_a_manager_opens_the_packages_pages(alpha, client_for, product):
    manager = client_for(alpha, alpha.manager)

    listing = manager.get("/manager/products/")

    assert listing.status_code == 200 and "8 lessons" in listing.content.decode()
    assert manager.get("/manager/products/new/").status_code == 200
    assert manager.get(f"/manager/products/{product.pk}/").status_code == 200


@pytest.mark.access("billing:pass_history", who="allowed")
def test_a_student_opens_the_history_of_their_own_pass(alpha, client_for, enrollment, product):
    from tests.billing.test_access import buy

    bought = buy(alpha, alpha.student, product, enrollment)

    response = client_for(alpha, alpha.student).get(f"/billing/passes/{bought.lesson_pass.pk}/")

    assert response.status_code == 200 and "8 lessons" in response.content.decode()


@pytest.mark.access("billing:student_free_lessons", who=("allowed", "wrong_role"))
def test_the_free_lessons_page_is_the_students(alpha, client_for):
    assert client_for(alpha, alpha.student).get("/student/free-lessons/").status_code == 200
    for role in ("teacher", "methodologist", "manager"):
        assert client_for(alpha, getattr(alpha, role)).get("/student/free-lessons/").status_code == 403
