"""`/media/<path>`: only what the school's public pages show is public; board images never are."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client
from django_tenants.utils import schema_context

from classroom.whiteboard.models import BoardImage
from tenant_apps.learning.models import TeacherProfile
from tenant_apps.website.models import SiteProfile
from tests.whiteboard.conftest import make_lesson

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


def body(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.fixture
def board_image(alpha, media):
    lesson = make_lesson(alpha)
    image = BoardImage(lesson=lesson, uploaded_by=alpha.teacher, content_type="image/png", width=1, height=1,
                       size=len(PNG))
    image.file.save("drawing.png", ContentFile(PNG), save=False)
    image.save()
    return image


@pytest.mark.access("whiteboard:image", who=("allowed", "wrong_role"))
def test_a_board_image_is_served_only_by_its_checked_url(alpha, cast, client_for, board_image):
    public_url = f"/media/{board_image.file.name}"
    checked_url = f"/lessons/{board_image.lesson_id}/board/images/{board_image.id}/"

    assert board_image.file.name.startswith(f"board/{board_image.lesson_id}/")
    for who in (None, alpha.student, alpha.teacher, alpha.manager):  # nobody, not even its people, via /media/
        assert client_for(alpha, who).get(public_url).status_code == 404
    assert body(client_for(alpha, alpha.student).get(checked_url)) == PNG
    assert client_for(alpha, alpha.student2).get(checked_url).status_code == 404  # not this student's lesson
    assert client_for(alpha).get(checked_url)["Location"].startswith("/accounts/login/")
    assert client_for(cast.b, cast.b.student).get(public_url).status_code == 404


def _photo(user, name=b"face") -> str:
    user.photo.save("face.png", ContentFile(PNG + name), save=False)
    user.save(update_fields=["photo"])
    return f"/media/{user.photo.name}"


@pytest.mark.access("media", who="public")
def test_a_teachers_photo_is_public_on_the_schools_own_site_only(alpha, cast, client_for, media):
    url = _photo(alpha.teacher)

    assert client_for(alpha).get(url).status_code == 200
    assert client_for(cast.b).get(url).status_code == 404  # another school's host has no such file
    with schema_context(alpha.school.schema_name):  # the request to beta's host left beta's schema active
        alpha.teacher.is_active = False  # a teacher who left is no longer on the home page
        alpha.teacher.save(update_fields=["is_active"])
    assert client_for(alpha).get(url).status_code == 404


@pytest.mark.access("media", who=("allowed", "wrong_role"))
def test_a_students_photo_is_seen_by_the_student_and_the_staff_only(alpha, client_for, media):
    url = _photo(alpha.student)

    for who in (alpha.student, alpha.teacher, alpha.manager, alpha.methodologist):
        assert body(client_for(alpha, who).get(url)).startswith(PNG), who
    for who in (None, alpha.student2):
        assert client_for(alpha, who).get(url).status_code == 404


def test_only_the_current_logo_and_active_teachers_videos_are_public(alpha, client_for, media):
    site = SiteProfile.objects.create(pk=1)
    site.logo.save("old.png", ContentFile(PNG), save=True)
    old_logo = f"/media/{site.logo.name}"
    site.logo.save("new.png", ContentFile(PNG), save=True)
    profile = TeacherProfile.objects.create(user=alpha.teacher)
    profile.intro_video.save("hi.mp4", ContentFile(b"video"), save=True)
    stray = default_storage.save("teachers/videos/left-behind.mp4", ContentFile(b"video"))
    visitor = client_for(alpha)

    assert visitor.get(f"/media/{site.logo.name}").status_code == 200
    assert visitor.get(old_logo).status_code == 404
    assert body(visitor.get(f"/media/{profile.intro_video.name}")) == b"video"
    assert visitor.get(f"/media/{stray}").status_code == 404


def test_an_unknown_folder_of_the_schools_media_is_never_public(alpha, client_for, media):
    name = default_storage.save("exports/report.csv", ContentFile(b"secret"))

    for who in (None, alpha.student, alpha.manager):
        assert Client(HTTP_HOST=alpha.host).get(f"/media/{name}").status_code == 404
        assert client_for(alpha, who).get(f"/media/{name}").status_code == 404
