"""The site's own pages: how it works, the teachers (each with a page and video), the prices."""

import pytest
from django.test import Client

from tenant_apps.learning.services import teacher_profile_update
from tests.website.test_home import site  # noqa: F401 (the fixture: a teacher, a review, a package)

pytestmark = pytest.mark.access("website:process", "website:teachers", "website:teacher", "website:prices",
                                who="public")


def test_how_it_works_teachers_and_prices_are_pages_of_their_own(site):  # noqa: F811
    client = Client(HTTP_HOST=site.host)

    process = client.get("/process/").content.decode()
    teachers = client.get("/teachers/").content.decode()
    prices = client.get("/prices/").content.decode()

    assert "<title>How it works · Alpha School</title>" in process and "A free intro lesson" in process
    assert '<h1 id="teachers-title">Teachers</h1>' in teachers and "Tom taught in Leeds" in teachers
    assert f'href="/teachers/{site.teacher.pk}/"' in teachers
    assert "<title>Prices · Alpha School</title>" in prices and "8 lessons" in prices
    home = client.get("/").content.decode()
    assert 'href="/process/"' in home and 'href="/teachers/"' in home and 'href="/prices/"' in home


def test_a_teachers_page_shows_the_teacher_and_the_video(site):  # noqa: F811
    page = Client(HTTP_HOST=site.host).get(f"/teachers/{site.teacher.pk}/").content.decode()

    assert "<title>Tom Teacher · Alpha School</title>" in page
    assert '<meta name="description" content="Tom taught in Leeds for ten years.">' in page
    assert 'src="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"' in page


def test_only_the_schools_active_teachers_have_a_page(site):  # noqa: F811
    client = Client(HTTP_HOST=site.host)
    site.teacher2.is_active = False
    site.teacher2.save(update_fields=["is_active"])

    assert client.get(f"/teachers/{site.teacher2.pk}/").status_code == 404
    assert client.get(f"/teachers/{site.student.pk}/").status_code == 404


def test_the_teachers_page_reads_the_same_queries_for_more_teachers(site, django_assert_max_num_queries):  # noqa: F811
    from tenant_apps.learning.models import Language

    english = Language.objects.get(code="en")
    teacher_profile_update(teacher=site.teacher2, languages=[english], bio="Second teacher.")
    with django_assert_max_num_queries(8):
        assert Client(HTTP_HOST=site.host).get("/teachers/").status_code == 200
