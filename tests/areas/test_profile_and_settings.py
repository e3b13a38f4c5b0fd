"""The profile page (everyone) and the school settings page (managers)."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django_tenants.utils import schema_context
from PIL import Image

from shared_apps.tenants.models import School
from tenant_apps.accounts.models import User


def png_bytes(size=(8, 8)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "teal").save(buffer, "PNG")
    return buffer.getvalue()


def profile_data(**overrides):
    data = {"profile-full_name": "Sam S.", "profile-time_zone": "Asia/Shanghai", "profile-language": "en"}
    data.update(overrides)
    return data


def test_a_student_edits_name_time_zone_language_and_photo(client_for, cast):
    client = client_for(cast.a, cast.a.student)
    photo = SimpleUploadedFile("me.png", png_bytes(), content_type="image/png")

    response = client.post("/profile/", {**profile_data(), "profile-photo": photo})

    assert response.status_code == 302
    with schema_context(cast.a.school.schema_name):
        student = User.objects.get(pk=cast.a.student.pk)
        assert (student.full_name, student.time_zone, student.language) == ("Sam S.", "Asia/Shanghai", "en")
        assert student.photo.name.startswith("avatars/")
        student.photo.delete(save=False)


def test_a_file_that_is_not_an_image_is_refused_and_nothing_changes(client_for, cast):
    client = client_for(cast.a, cast.a.student)
    fake = SimpleUploadedFile("me.png", b"not an image at all", content_type="image/png")

    response = client.post("/profile/", {**profile_data(), "profile-photo": fake})

    assert response.status_code == 422
    assert "Upload a valid image" in response.content.decode()
    with schema_context(cast.a.school.schema_name):
        assert User.objects.get(pk=cast.a.student.pk).full_name == "Sam Student"


def test_an_unknown_time_zone_is_refused(client_for, cast):
    response = client_for(cast.a, cast.a.student).post("/profile/", profile_data(**{"profile-time_zone": "Mars/Base"}))

    assert response.status_code == 422


def test_a_teacher_also_edits_the_teaching_profile(client_for, cast):
    from tenant_apps.learning.models import Language

    client = client_for(cast.a, cast.a.teacher)
    page = client.get("/profile/")
    assert "Languages I teach" in page.content.decode()
    with schema_context(cast.a.school.schema_name):
        english = Language.objects.get(code="en")

    response = client.post(
        "/profile/",
        {**profile_data(), "teaching-languages": [english.pk], "teaching-is_native_speaker": "on",
         "teaching-bio": "Ten years of teaching.", "teaching-intro_video_url": "https://videos.example/tom"},
    )

    assert response.status_code == 302
    with schema_context(cast.a.school.schema_name):
        profile = User.objects.get(pk=cast.a.teacher.pk).teacher_profile
        assert profile.is_native_speaker and list(profile.languages.values_list("code", flat=True)) == ["en"]


def test_a_student_has_no_teaching_profile(client_for, cast):
    assert "Languages I teach" not in client_for(cast.a, cast.a.student).get("/profile/").content.decode()


def test_the_profile_needs_a_login_and_ignores_another_schools_session(client_for, cast):
    assert Client(HTTP_HOST=cast.a.host).get("/profile/")["Location"].startswith("/accounts/login/")
    beta_cookie = client_for(cast.b, cast.b.student).cookies["sessionid"].value
    client = Client(HTTP_HOST=cast.a.host)
    client.cookies["sessionid"] = beta_cookie
    assert client.get("/profile/")["Location"].startswith("/accounts/login/")


def test_a_manager_changes_the_schools_policies(client_for, cast):
    client = client_for(cast.a, cast.a.manager)
    form = client.get("/manager/settings/")
    data = {
        "name": "Alpha School", "time_zone": "Europe/Moscow", "default_language": "en", "require_staff_mfa": "on",
        "cancellation_window_hours": 12, "pass_validity_days": 28, "extension_offer_days_before_end": 1,
        "extension_lessons": 8, "freeze_days": 7, "freezes_per_pass": 1, "homework_backlog_days": 14,
    }

    response = client.post("/manager/settings/", data)

    assert form.status_code == 200
    assert response.status_code == 302
    school = School.objects.get(pk=cast.a.school.pk)
    assert school.cancellation_window_hours == 12 and school.require_staff_mfa
    assert school.currency == "RUB"  # not on the form, untouched


def test_school_settings_refuse_bad_input_and_change_nothing(client_for, cast):
    response = client_for(cast.a, cast.a.manager).post("/manager/settings/", {"name": "", "pass_validity_days": -3})

    assert response.status_code == 422
    assert School.objects.get(pk=cast.a.school.pk).name == "Alpha School"


def test_only_managers_open_school_settings(client_for, cast):
    for who in (cast.a.teacher, cast.a.student, cast.a.methodologist):
        assert client_for(cast.a, who).get("/manager/settings/").status_code == 403
