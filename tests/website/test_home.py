"""The public home page: what it shows, its cache per school, and the admin that edits it."""

import pytest
from django.test import Client
from django_tenants.utils import schema_context

from billing.models import Product
from tenant_apps.learning.models import Language
from tenant_apps.learning.services import teacher_profile_update
from tenant_apps.website.models import Review, SiteProfile


@pytest.fixture
def site(alpha):
    english = Language.objects.get(code="en")
    teacher_profile_update(teacher=alpha.teacher, languages=[english], is_native_speaker=True,
                           bio="Tom taught in Leeds for ten years.",
                           intro_video_url="https://www.youtube.com/watch?v=dQw4w9WgXcQ")
    Review.objects.create(author="Nina", about="IELTS 7.0", text="Finally I speak without fear.", rating=5)
    Review.objects.create(author="Hidden", text="Not shown", is_published=False)
    Product.objects.create(name="8 lessons", lessons=8, price=1_990_00, old_price=2_490_00, currency="RUB")
    SiteProfile.objects.create(pk=1, tagline="Speak from the first lesson", meta_description="Alpha teaches English.",
                               primary_colour="#1d4ed8", contact_email="hello@alpha.test")
    return alpha


def test_the_home_page_shows_reviews_teachers_prices_and_contact(site):
    page = Client(HTTP_HOST=site.host).get("/").content.decode()

    assert "<title>Alpha School — Speak from the first lesson</title>" in page
    assert '<meta name="description" content="Alpha teaches English.">' in page
    assert "Finally I speak without fear." in page and "Not shown" not in page
    assert "Tom Teacher" in page and "Native speaker" in page and "Tom taught in Leeds" in page
    assert 'src="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"' in page
    assert "RUB 1,990.00" in page or "1,990" in page or "1 990" in page
    assert "hello@alpha.test" in page
    assert "--brand: #1d4ed8" in page
    assert 'href="/trial/"' in page


def test_a_second_anonymous_request_for_the_home_page_runs_no_sql(site, django_assert_num_queries):
    client = Client(HTTP_HOST=site.host)
    client.get("/")

    with django_assert_num_queries(0):
        response = client.get("/")

    assert response.status_code == 200 and b"Finally I speak without fear." in response.content


def test_editing_a_review_refreshes_this_schools_page_only(site, cast, django_capture_on_commit_callbacks,
                                                          django_assert_num_queries):
    alpha_client, beta_client = Client(HTTP_HOST=site.host), Client(HTTP_HOST=cast.b.host)
    alpha_client.get("/")
    beta_client.get("/")

    with schema_context(site.school.schema_name), django_capture_on_commit_callbacks(execute=True):
        review = Review.objects.get(author="Nina")
        review.text = "Two months in, I chat with colleagues."
        review.save()

    assert b"Two months in, I chat with colleagues." in alpha_client.get("/").content
    with django_assert_num_queries(0):
        beta_client.get("/")


def test_the_page_is_cached_per_language(site):
    english = Client(HTTP_HOST=site.host).get("/").content.decode()
    client = Client(HTTP_HOST=site.host)
    client.cookies["django_language"] = "ru"
    russian = client.get("/").content.decode()

    assert "How it works" in english
    assert "Как это устроено" in russian


def test_another_schools_home_shows_its_own_content(site, cast):
    with schema_context(cast.b.school.schema_name):
        Review.objects.create(author="Bea", text="Beta is great.")

    alpha_page = Client(HTTP_HOST=site.host).get("/").content.decode()
    beta_page = Client(HTTP_HOST=cast.b.host).get("/").content.decode()

    assert "Beta is great." in beta_page and "Beta is great." not in alpha_page
    assert "Finally I speak" not in beta_page


def test_the_manager_edits_the_site_in_the_school_admin(site, client_for, django_capture_on_commit_callbacks):
    client = client_for(site, site.manager)
    Client(HTTP_HOST=site.host).get("/")

    to_form = client.get("/admin/website/siteprofile/")
    with django_capture_on_commit_callbacks(execute=True):
        saved = client.post("/admin/website/siteprofile/1/change/", {
            "tagline": "New headline", "about": "", "free_lessons": "Two free lessons for a friend.",
            "meta_description": "", "primary_colour": "#7c2d12", "accent_colour": "#b45309",
            "contact_email": "", "contact_phone": "", "contact_telegram": "@alpha",
        })
    bad_colour = client.post("/admin/website/siteprofile/1/change/",
                             {"primary_colour": "red", "accent_colour": "#b45309"})

    assert to_form.status_code == 200 and "/admin/website/siteprofile/1/change/" in to_form.content.decode()
    assert saved.status_code == 302
    page = Client(HTTP_HOST=site.host).get("/").content.decode()
    assert "New headline" in page and "Two free lessons for a friend." in page and "@alpha" in page
    assert bad_colour.status_code == 200 and "Use a colour like #0f766e." in bad_colour.content.decode()


def test_a_teacher_cannot_open_the_school_admin(site, client_for):
    response = client_for(site, site.teacher).get("/admin/website/review/")

    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_a_cold_home_page_reads_a_fixed_number_of_queries(site, django_assert_max_num_queries):
    from tenant_apps.accounts.services import user_create

    english = Language.objects.get(code="en")
    for n in range(6):
        teacher = user_create(email=f"t{n}@alpha.test", password=None, full_name=f"T{n}", is_teacher=True)
        teacher_profile_update(teacher=teacher, languages=[english], bio=f"Bio {n}")
        Review.objects.create(author=f"R{n}", text=f"Review {n}")

    with django_assert_max_num_queries(8):
        page = Client(HTTP_HOST=site.host).get("/").content.decode()

    assert "Bio 5" in page and "Review 5" in page


def test_a_teachers_new_name_shows_and_a_login_keeps_the_cache(site, client_for, django_capture_on_commit_callbacks,
                                                              django_assert_num_queries):
    visitor = Client(HTTP_HOST=site.host)
    visitor.get("/")
    with django_capture_on_commit_callbacks(execute=True):
        client_for(site, site.teacher).get("/teacher/")  # a login writes the teacher's last_login
    with django_assert_num_queries(0):
        visitor.get("/")

    with schema_context(site.school.schema_name), django_capture_on_commit_callbacks(execute=True):
        site.teacher.full_name = "Thomas Teacher"
        site.teacher.save(update_fields=["full_name"])

    assert b"Thomas Teacher" in visitor.get("/").content
