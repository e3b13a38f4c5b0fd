"""The teacher's library pages: Materials (search, courses → lessons → materials), Links, Files, Topics."""

from datetime import timedelta

import pytest

from tenant_apps.learning.models import Language, Level
from tenant_apps.materials import library
from tenant_apps.materials.models import Course, Material, PlanItem
from tests.materials.conftest import make_lesson, pdf_bytes, png_bytes, upload

ROUTES = ["materials:library", "materials:library_search", "materials:course", "materials:course_lesson",
          "materials:material", "materials:links", "materials:files", "materials:topics", "materials:topic"]
ACTIONS = ["materials:course_new", "materials:course_lesson_new", "materials:course_share",
           "materials:course_duplicate", "materials:course_lesson_material_new", "materials:material_use",
           "materials:material_share", "materials:file_upload"]


@pytest.fixture
def shelf(alpha):
    """English for beginners (shared) with lesson 10 and its materials; a colleague's private draft."""
    english = Language.objects.get(code="en")
    course = library.course_create(owner=alpha.methodologist, title="English for beginners", language=english,
                                   level_from=Level.objects.get(language=english, code="A1"), shared=True)
    for number in range(1, 11):
        lesson = library.course_lesson_add(course=course, title=f"Lesson {number}")
    verbs = library.material_create(owner=alpha.methodologist, kind="link", title="Irregular verbs", lesson=lesson,
                                    url="https://example.com/verbs", topics=["Past Simple"])
    story = library.material_create(owner=alpha.methodologist, kind="text", title="Летние каникулы", lesson=lesson,
                                    text="Прошлым летом мы ездили на море.", topics=["Holidays"])
    draft = library.material_create(owner=alpha.teacher2, kind="text", title="Irregular verbs, my draft", text="x")
    return course, lesson, verbs, story, draft


def paths(shelf):
    course, lesson, verbs, _story, _draft = shelf
    topic = verbs.topics.get()
    return ["/teacher/materials/library/", "/teacher/materials/library/search/?q=verbs",
            f"/teacher/materials/courses/{course.pk}/", f"/teacher/materials/courses/{course.pk}/lessons/10/",
            f"/teacher/materials/library/{verbs.pk}/", "/teacher/links/", "/teacher/files/", "/teacher/topics/",
            f"/teacher/topics/{topic.pk}/"]


@pytest.mark.access(*ROUTES, who="allowed")
def test_every_library_page_opens_for_a_teacher(client_for, alpha, shelf):
    client = client_for(alpha, alpha.teacher)
    for path in paths(shelf):
        response = client.get(path)
        assert response.status_code == 200, path
    assert "Irregular verbs" in client.get(paths(shelf)[3]).content.decode()


@pytest.mark.access(*ROUTES, *ACTIONS, who="wrong_role")
@pytest.mark.parametrize("who", ["student", "manager"])
def test_other_roles_are_refused_and_nothing_changes(client_for, alpha, shelf, who):
    course, lesson, verbs, _story, _draft = shelf
    client = client_for(alpha, getattr(alpha, who))
    for path in paths(shelf):
        assert client.get(path).status_code == 403, path
    posts = ["/teacher/materials/courses/new/", f"/teacher/materials/courses/{course.pk}/lessons/new/",
             f"/teacher/materials/courses/{course.pk}/share/", f"/teacher/materials/courses/{course.pk}/duplicate/",
             f"/teacher/materials/courses/{course.pk}/lessons/10/materials/",
             f"/teacher/materials/library/{verbs.pk}/use/", f"/teacher/materials/library/{verbs.pk}/share/",
             "/teacher/files/upload/"]
    before = (Course.objects.count(), Material.objects.count(), PlanItem.objects.count())
    for path in posts:
        assert client.post(path, {"title": "x", "kind": "text", "text": "x"}).status_code == 403, path
    assert (Course.objects.count(), Material.objects.count(), PlanItem.objects.count()) == before


def test_a_colleagues_private_shelf_is_not_found(client_for, alpha, shelf):
    draft = shelf[4]
    assert client_for(alpha, alpha.teacher).get(f"/teacher/materials/library/{draft.pk}/").status_code == 404
    assert client_for(alpha, alpha.teacher2).get(f"/teacher/materials/library/{draft.pk}/").status_code == 200


def search(client, **params):
    return client.get("/teacher/materials/library/search/", params).content.decode()


def test_search_finds_by_a_word_with_a_typo_by_a_prefix_and_in_russian(client_for, alpha, shelf):
    client = client_for(alpha, alpha.teacher)
    assert "Irregular verbs" in search(client, q="irregulr verbs")  # a typo
    assert "Irregular verbs" in search(client, q="irreg")  # as the teacher types
    assert "Летние каникулы" in search(client, q="море")  # the text, in Russian (stemmed: морем, моря…)
    assert "Летние каникулы" in search(client, q="holidays")  # a topic
    assert "my draft" not in search(client, q="irregular")  # a colleague's private shelf


def test_search_forgives_a_one_letter_typo_in_a_short_word(client_for, alpha, shelf):
    """pg_trgm's default threshold found "irregulr" but not "holydays" (0.33 against "Holiday words")."""
    library.material_create(owner=alpha.teacher, kind="text", title="Holiday words", text="beach, sea")
    library.material_create(owner=alpha.teacher, kind="text", title="Greetings", text="hello")
    client = client_for(alpha, alpha.teacher)
    assert "Holiday words" in search(client, q="holydays")
    assert "Greetings" in search(client, q="greetngs")
    assert "Greetings" not in search(client, q="holydays")


def test_search_filters_by_kind_topic_course_and_whose(client_for, alpha, shelf):
    course, _lesson, verbs, _story, _draft = shelf
    library.material_create(owner=alpha.teacher, kind="text", title="My own verbs list", text="go went gone")
    client = client_for(alpha, alpha.teacher)
    assert "Летние каникулы" not in search(client, kind="link")
    assert "Irregular verbs" in search(client, topic=verbs.topics.get().pk)
    assert "My own verbs" not in search(client, q="verbs", course=course.pk)
    mine = search(client, q="verbs", scope="mine")
    assert "My own verbs" in mine and "Irregular verbs</a>" not in mine


def test_the_library_pages_keep_their_query_count_as_the_library_grows(client_for, alpha, shelf,
                                                                       django_assert_max_num_queries):
    course, lesson, *_ = shelf
    client = client_for(alpha, alpha.teacher)
    make_lesson(alpha)

    def count(path):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200
        return len(queries)

    pages = ["/teacher/materials/library/", "/teacher/materials/library/search/?q=verbs", "/teacher/links/",
             f"/teacher/materials/courses/{course.pk}/lessons/10/", "/teacher/topics/", "/teacher/files/"]
    small = {path: count(path) for path in pages}
    for number in range(40):
        library.material_create(owner=alpha.methodologist, kind="link", title=f"Verbs {number}", lesson=lesson,
                                url=f"https://example.com/{number}", topics=["Past Simple", f"topic {number}"],
                                shared=True)
    for path in pages:
        with django_assert_max_num_queries(small[path]):
            client.get(path)


@pytest.mark.access("materials:material_use", who="allowed")
def test_the_teacher_puts_a_library_material_into_the_next_lessons_plan(client_for, alpha, shelf):
    _course, _lesson, verbs, _story, _draft = shelf
    lesson = make_lesson(alpha, starts_in=timedelta(days=1))
    client = client_for(alpha, alpha.teacher)

    assert "Use in my next lesson with" in client.get(f"/teacher/materials/library/{verbs.pk}/").content.decode()
    response = client.post(f"/teacher/materials/library/{verbs.pk}/use/", {"lesson": lesson.pk})

    item = PlanItem.objects.get(plan__lesson=lesson)
    assert response["Location"] == f"/teacher/materials/plans/{item.plan_id}/"
    assert item.material == verbs  # by reference: a change to the material shows in the plan
    library.material_update(material=verbs, title="Irregular verbs (A1)")
    assert "Irregular verbs (A1)" in client.get(response["Location"]).content.decode()


def test_a_colleagues_lesson_cannot_be_chosen(client_for, alpha, shelf):
    verbs = shelf[2]
    other = make_lesson(alpha, teacher=alpha.teacher2, student=alpha.student2, starts_in=timedelta(days=1))
    client_for(alpha, alpha.teacher).post(f"/teacher/materials/library/{verbs.pk}/use/", {"lesson": other.pk})
    assert not PlanItem.objects.exists()


@pytest.mark.access("materials:course_new", "materials:course_lesson_new", "materials:course_share",
                     "materials:course_duplicate", "materials:course_lesson_material_new", who="allowed")
def test_the_teacher_builds_a_course_shares_it_and_a_colleague_duplicates_it(client_for, alpha):
    english = Language.objects.get(code="en")
    client = client_for(alpha, alpha.teacher)
    response = client.post("/teacher/materials/courses/new/", {"title": "Business English", "language": english.pk,
                                                               "topics": "meetings, email"})
    course = Course.objects.get(title="Business English")
    assert response["Location"] == f"/teacher/materials/courses/{course.pk}/"
    client.post(f"/teacher/materials/courses/{course.pk}/lessons/new/", {"title": "Small talk"})
    client.post(f"/teacher/materials/courses/{course.pk}/lessons/1/materials/",
                {"kind": "pdf", "title": "Phrases", "file": upload("p.pdf", pdf_bytes(1))})
    refused = client.post(f"/teacher/materials/courses/{course.pk}/lessons/1/materials/",
                          {"kind": "image", "file": upload("fake.png", b"no picture")})
    assert refused.status_code == 422 and "does not fit" in refused.content.decode()
    assert client_for(alpha, alpha.teacher2).get(f"/teacher/materials/courses/{course.pk}/").status_code == 404

    client.post(f"/teacher/materials/courses/{course.pk}/share/", {"shared": "on"})
    colleague = client_for(alpha, alpha.teacher2)
    assert colleague.post(f"/teacher/materials/courses/{course.pk}/lessons/new/", {"title": "x"}).status_code == 403
    colleague.post(f"/teacher/materials/courses/{course.pk}/duplicate/")
    copy = Course.objects.get(owner=alpha.teacher2)
    assert list(Material.objects.filter(lesson__course=copy).values_list("title", flat=True)) == ["Phrases"]


def test_bad_course_input_is_answered_and_nothing_is_made(client_for, alpha):
    english, chinese = Language.objects.get(code="en"), Language.objects.get(code="zh")
    response = client_for(alpha, alpha.teacher).post("/teacher/materials/courses/new/", {
        "title": "Mixed", "language": english.pk, "level_from": Level.objects.filter(language=chinese).first().pk})
    assert response.status_code == 422 and "level of the course" in response.content.decode()
    assert not Course.objects.exists()


def test_links_are_added_with_their_address_checked(client_for, alpha):
    client = client_for(alpha, alpha.teacher)
    refused = client.post("/teacher/links/", {"url": "javascript:alert(1)", "title": "x"})
    assert refused.status_code == 422 and "http:// or https://" in refused.content.decode()
    client.post("/teacher/links/", {"url": "https://example.com/news", "title": "News in levels"})
    assert "News in levels" in client.get("/teacher/links/").content.decode()


@pytest.mark.access("materials:file_upload", who="allowed")
def test_files_are_uploaded_one_request_each_and_a_refused_one_says_why(client_for, alpha):
    client = client_for(alpha, alpha.teacher)
    good = client.post("/teacher/files/upload/", {"kind": "image", "file": upload("cat.png", png_bytes())})
    bad = client.post("/teacher/files/upload/", {"kind": "pdf", "file": upload("cat.pdf", png_bytes())})
    assert good.status_code == 201 and "cat.png" in good.content.decode()
    assert bad.status_code == 422 and "Upload one of: PDF." in bad.content.decode()
    assert list(Material.objects.values_list("title", flat=True)) == ["cat.png"]


def test_topics_list_every_material_of_a_topic_across_courses(client_for, alpha, shelf):
    library.material_create(owner=alpha.teacher, kind="text", title="My holiday story", text="x", topics=["holidays"])
    client = client_for(alpha, alpha.teacher)
    page = client.get("/teacher/topics/").content.decode()
    assert "Holidays" in page and "2 materials" in page
    topic = shelf[3].topics.get()
    detail = client.get(f"/teacher/topics/{topic.pk}/").content.decode()
    assert "Летние каникулы" in detail and "My holiday story" in detail


@pytest.mark.access("materials:material_share", who="allowed")
def test_a_teacher_shares_a_material_from_their_shelf_and_only_its_author_may(client_for, alpha, shelf):
    draft = shelf[4]
    assert client_for(alpha, alpha.teacher).post(f"/teacher/materials/library/{draft.pk}/share/",
                                                 {"shared": "on"}).status_code == 404
    client_for(alpha, alpha.teacher2).post(f"/teacher/materials/library/{draft.pk}/share/", {"shared": "on"})
    draft.refresh_from_db()
    assert draft.shared
    assert client_for(alpha, alpha.teacher).get(f"/teacher/materials/library/{draft.pk}/").status_code == 200
