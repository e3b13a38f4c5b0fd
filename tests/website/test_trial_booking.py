"""Booking a free intro lesson: a visitor (who gets an account) or a signed-in student."""

import zoneinfo
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import Client
from django.utils import timezone
from django_tenants.utils import schema_context

from tenant_apps.accounts.models import User
from tenant_apps.notifications.models import Notification
from tenant_apps.scheduling.models import Lesson
from tenant_apps.scheduling.trials import methodologist_free_slots
from tenant_apps.website.models import TrialBooking
from tests.website.conftest import booking_data


def _post(alpha, data, client=None, address="203.0.113.7"):
    client = client or Client(HTTP_HOST=alpha.host)
    return client.post("/trial/", data, REMOTE_ADDR=address)


def _nothing_booked():
    assert not User.objects.filter(email="vera@example.com").exists()
    assert not Lesson.objects.filter(kind="trial").exists()
    assert not TrialBooking.objects.exists()


def test_the_booking_page_shows_the_methodologists_free_times_in_the_visitors_zone(alpha, free_slot):
    client = Client(HTTP_HOST=alpha.host)
    client.cookies["tz"] = "Asia/Shanghai"

    page = client.get("/trial/").content.decode()

    shanghai = free_slot.astimezone(zoneinfo.ZoneInfo("Asia/Shanghai"))
    assert f'value="{shanghai.isoformat()}"' in page
    assert "Asia/Shanghai" in page
    assert "<title>Book a free intro lesson · Alpha School</title>" in page


def test_a_visitor_books_a_trial_and_gets_an_account_to_confirm(
    alpha, english, free_slot, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(alpha, booking_data(english, free_slot))

    assert response.status_code == 302 and response["Location"] == "/trial/booked/"
    student = User.objects.get(email="vera@example.com")
    assert student.is_student and not student.has_usable_password() and student.full_name == "Vera Visitor"
    assert not EmailAddress.objects.get(user=student).verified
    lesson = Lesson.objects.get(student=student)
    assert (lesson.kind, lesson.teacher, lesson.lesson_pass) == ("trial", alpha.methodologist, None)
    assert lesson.starts_at == free_slot
    assert lesson.ends_at - lesson.starts_at == timedelta(minutes=30)
    booking = TrialBooking.objects.get(student=student)
    assert booking.preferred_times == [[0, "19:00"], [3, "19:00"]]
    assert (booking.goal, booking.phone, booking.time_zone) == ("Speak at work", "+7 900 000 00 00", "Europe/Moscow")
    assert booking.enrollment.teacher is None and booking.enrollment.language == english
    # Both sides are told; the visitor's email carries the link that confirms the address.
    assert Notification.objects.filter(recipient=student, kind="website.trial_booked").count() == 1
    assert Notification.objects.filter(recipient=alpha.methodologist, kind="website.trial_booked_staff").count() == 1
    (welcome,) = [message for message in mail.outbox if "Confirm your email" in message.subject]
    assert welcome.to == ["vera@example.com"]
    assert f"http://{alpha.host}/trial/welcome/" in welcome.body


def test_the_welcome_link_confirms_the_email_sets_the_password_and_logs_in(alpha, english, free_slot, client_for):
    from tenant_apps.website.services import welcome_token

    _post(alpha, booking_data(english, free_slot))
    student = User.objects.get(email="vera@example.com")
    client = Client(HTTP_HOST=alpha.host)
    url = f"/trial/welcome/{welcome_token(student)}/"

    weak = client.post(url, {"new_password1": "a", "new_password2": "b"})
    done = client.post(url, {"new_password1": "Lantern-river-42", "new_password2": "Lantern-river-42"})

    assert weak.status_code == 422
    assert done.status_code == 302 and done["Location"] == "/student/"
    student.refresh_from_db()
    assert student.check_password("Lantern-river-42")
    assert EmailAddress.objects.get(user=student).verified
    dashboard = client.get("/student/").content.decode()
    assert "Your free trial lesson" in dashboard and "Olga Method" in dashboard
    # Used once: the link now sends to the login page.
    assert client.get(url)["Location"].startswith("/accounts/login/")


def test_a_welcome_link_of_another_school_does_not_work(alpha, english, free_slot, cast):
    from tenant_apps.website.services import welcome_token

    _post(alpha, booking_data(english, free_slot))
    token = welcome_token(User.objects.get(email="vera@example.com"))

    response = Client(HTTP_HOST=cast.b.host).get(f"/trial/welcome/{token}/")

    assert response.status_code == 400
    assert b"This link does not work" in response.content


def test_an_invalid_email_keeps_the_input_and_books_nothing(alpha, english, free_slot):
    response = _post(alpha, booking_data(english, free_slot, email="vera-at-example"))

    assert response.status_code == 422
    page = response.content.decode()
    assert "Enter a valid email address" in page
    assert 'value="Vera Visitor"' in page and 'value="Speak at work"' in page
    moscow = free_slot.astimezone(zoneinfo.ZoneInfo("Europe/Moscow"))
    assert f'value="{moscow.isoformat()}" checked' in page
    assert 'value="0-19:00" checked' in page
    _nothing_booked()


def test_a_past_slot_is_refused_with_a_clear_message(alpha, english, methodologist_hours):
    past = (timezone.now() - timedelta(hours=3)).replace(minute=0, second=0, microsecond=0)

    response = _post(alpha, booking_data(english, past))

    assert response.status_code == 422
    assert "This time has passed or is too soon" in response.content.decode()
    _nothing_booked()


def test_a_taken_slot_is_refused_and_the_first_booking_stays(alpha, english, free_slot):
    first = _post(alpha, booking_data(english, free_slot, email="first@example.com"), address="198.51.100.1")
    second = _post(alpha, booking_data(english, free_slot))

    assert first.status_code == 302
    assert second.status_code == 422
    assert "This time has just been taken" in second.content.decode()
    assert not User.objects.filter(email="vera@example.com").exists()
    assert Lesson.objects.filter(kind="trial").count() == 1


def test_a_time_outside_the_methodologists_hours_is_refused(alpha, english, free_slot):
    night = free_slot.replace(hour=23, minute=0)  # 02:00 in Moscow

    response = _post(alpha, booking_data(english, night))

    assert response.status_code == 422
    _nothing_booked()


def test_one_free_trial_per_student_per_language(alpha, english, chinese, free_slot, client_for):
    client = client_for(alpha, alpha.student)
    later = next(s for s in methodologist_free_slots() if s > free_slot + timedelta(hours=2))
    data = booking_data(english, free_slot)
    for field in ("full_name", "email", "phone"):
        data.pop(field)

    first = _post(alpha, data, client=client)
    again = _post(alpha, {**data, "starts_at": later.isoformat()}, client=client)
    other_language = _post(alpha, {**data, "language": str(chinese.pk), "starts_at": later.isoformat()}, client=client)

    assert first.status_code == 302
    assert again.status_code == 422
    assert "You have already had a free trial lesson in English." in again.content.decode()
    assert other_language.status_code == 302
    assert list(TrialBooking.objects.filter(student=alpha.student).values_list("language__code", flat=True).order_by(
        "language__code")) == ["en", "zh"]


def test_an_existing_accounts_email_is_sent_to_log_in(alpha, english, free_slot):
    response = _post(alpha, booking_data(english, free_slot, email=alpha.student2.email.upper()))

    assert response.status_code == 422
    assert "There is already an account with this email" in response.content.decode()
    assert not Lesson.objects.filter(kind="trial").exists()


def test_a_filled_honeypot_creates_no_user_and_no_lesson(alpha, english, free_slot):
    response = _post(alpha, booking_data(english, free_slot, website="http://spam.example"))

    assert response.status_code == 302 and response["Location"] == "/trial/booked/"
    _nothing_booked()


@pytest.mark.parametrize("language", ["en", "ru"])
def test_the_sixth_booking_from_one_address_within_an_hour_is_refused_politely(
    alpha, english, methodologist_hours, language
):
    slots = [s for s in methodologist_free_slots() if s > timezone.now() + timedelta(days=1)]
    for n in range(5):
        response = _post(alpha, booking_data(english, slots[n * 2], email=f"v{n}@example.com"))
        assert response.status_code == 302, n
    client = Client(HTTP_HOST=alpha.host, HTTP_ACCEPT_LANGUAGE=language)
    client.cookies["django_language"] = language

    sixth = _post(alpha, booking_data(english, slots[11], email="v6@example.com"), client=client)
    other_address = _post(alpha, booking_data(english, slots[13], email="v7@example.com"), address="192.0.2.44")

    assert sixth.status_code == 429
    expected = "Слишком много записей" if language == "ru" else "Too many bookings"
    assert expected in sixth.content.decode()
    assert not User.objects.filter(email="v6@example.com").exists()
    assert other_address.status_code == 302


def test_the_rate_limit_key_is_per_school(alpha, cast):
    from tenant_apps.website.services import _address_key

    alpha_key = _address_key("203.0.113.7")
    with schema_context(cast.b.school.schema_name):
        beta_key = _address_key("203.0.113.7")

    assert alpha_key != beta_key and "alpha" in alpha_key


def test_staff_see_the_booking_page_but_cannot_book_for_themselves(alpha, english, free_slot, client_for):
    client = client_for(alpha, alpha.teacher)
    data = booking_data(english, free_slot)

    page = client.get("/trial/")

    assert page.status_code == 200 and "You are signed in as staff" in page.content.decode()
    assert _post(alpha, data, client=client).status_code == 403
    assert not Lesson.objects.filter(kind="trial").exists()


def test_the_booked_page_says_when_and_with_whom(alpha, english, free_slot):
    client = Client(HTTP_HOST=alpha.host)
    _post(alpha, booking_data(english, free_slot), client=client)

    page = client.get("/trial/booked/").content.decode()

    assert "Olga Method" in page and "vera@example.com" in page


def test_a_student_who_already_studies_the_language_is_told_so(alpha, english, free_slot, client_for, enrollment):
    data = booking_data(english, free_slot)
    for field in ("full_name", "email", "phone"):
        data.pop(field)

    response = _post(alpha, data, client=client_for(alpha, alpha.student))

    assert response.status_code == 422
    assert "You already study English with Tom Teacher." in response.content.decode()
    assert not Lesson.objects.filter(kind="trial").exists()
