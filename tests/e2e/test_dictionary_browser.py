"""The dictionary in real browsers: a word the teacher adds in a live lesson is in the student's dictionary with
its IPA and audio (Russian and English, 375 px wide, axe clean), and comes up in today's review, which the
student answers with the keyboard (space, then 1–4).

The lesson is committed (the server is another process) and removed afterwards with the words it gave.
"""

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, axe_violations, has_horizontal_scroll, running_server
from tests.materials.conftest import make_lesson

pytestmark = [pytest.mark.browser, pytest.mark.committed]

ARGS = CHROMIUM_ARGS + ["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"]
PHONE = {"width": 375, "height": 800}


@pytest.fixture(scope="module")
def private_root(tmp_path_factory):
    return tmp_path_factory.mktemp("private")


@pytest.fixture(scope="module")
def dictionary_server(django_db_setup, django_db_blocker, private_root):
    with running_server(django_db_blocker, PRIVATE_MEDIA_ROOT=str(private_root)) as started:
        yield started


@pytest.fixture(scope="module")
def dictionary_browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def live_lesson(committed_cast):
    alpha = committed_cast.a
    with schema_context(alpha.school.schema_name):
        lesson = make_lesson(alpha)
    connection.set_schema_to_public()
    yield lesson
    with schema_context(alpha.school.schema_name):
        from tenant_apps.learning.models import Enrollment
        from tenant_apps.scheduling.models import Lesson
        from tenant_apps.vocabulary.models import Word

        Word.objects.filter(student=alpha.student).delete()  # with its cards and reviews
        Lesson.objects.filter(pk=lesson.pk).delete()
        Enrollment.objects.filter(pk=lesson.enrollment_id, lessons__isnull=True).delete()
    connection.set_schema_to_public()


def open_page(browser, server, host, session_key, path, *, language="en", viewport=PHONE):
    context = browser.new_context(locale="ru-RU" if language == "ru" else "en-US", timezone_id="Europe/Moscow",
                                  viewport=viewport)
    context.add_cookies([{"name": "sessionid", "value": session_key, "url": server.url(host, "/")},
                         {"name": "django_language", "value": language, "url": server.url(host, "/")}])
    page = context.new_page()
    page.goto(server.url(host, path))
    return context, page


def audio_of(page, url) -> list:
    return page.evaluate("async (url) => { const r = await fetch(url);"
                         " return [r.status, r.headers.get('content-type'), (await r.arrayBuffer()).byteLength]; }",
                         url)


def test_a_word_added_in_the_lesson_is_in_the_dictionary_with_ipa_and_audio_and_in_todays_review(
    dictionary_server, dictionary_browser, committed_cast, committed_login, live_lesson
):
    alpha = committed_cast.a
    room = f"/lessons/{live_lesson.pk}/room/"
    teacher_context, teacher = open_page(dictionary_browser, dictionary_server, alpha.host,
                                         committed_login(alpha, alpha.teacher), room,
                                         viewport={"width": 1366, "height": 900})
    student_session = committed_login(alpha, alpha.student)
    contexts = [teacher_context]
    try:
        teacher.wait_for_selector("[data-stage][data-live=true]", timeout=10000)
        teacher.get_by_text("Words of this lesson").click()
        teacher.get_by_label("Word or phrase", exact=True).fill("serendipity")
        teacher.get_by_label("Translation").fill("счастливая случайность")
        teacher.get_by_label("Example (optional)").fill("Meeting you here is pure serendipity.")
        teacher.get_by_role("button", name="Add to the dictionary").click()
        teacher.wait_for_selector("[data-word-list] li:has-text('serendipity')", state="attached", timeout=3000)
        assert "ˌsɛrənˈdɪpɪti" in teacher.locator("[data-word-list] li").inner_text()  # filled in at once

        for language, title in (("ru", "Мой словарь"), ("en", "My dictionary")):
            context, student = open_page(dictionary_browser, dictionary_server, alpha.host, student_session,
                                         "/student/dictionary/", language=language)
            contexts.append(context)
            entry = student.locator("li.entry", has_text="serendipity")
            assert student.locator("h1").inner_text() == title
            assert "/ˌsɛrənˈdɪpɪti/" in entry.inner_text()
            assert "Meeting you here is pure serendipity." in entry.inner_text()
            status, content_type, size = audio_of(student, entry.locator("[data-play]").get_attribute("data-play"))
            assert (status, content_type) == (200, "audio/wav") and size > 1000
            entry.locator("[data-play]").click()
            assert axe_violations(student) == []
            assert not has_horizontal_scroll(student)

            student.goto(dictionary_server.url(alpha.host, "/student/dictionary/review/"))
            assert "serendipity" in student.locator("[data-review]").inner_text() or (
                "счастливая случайность" in student.locator(".review-question").inner_text())
            assert axe_violations(student) == []
            assert not has_horizontal_scroll(student)

        # The student answers both directions from the keyboard ("Easy": FSRS moves them days ahead, where "Good"
        # on a new card would bring it back in ten minutes); then nothing is left for today.
        for _direction in range(2):
            student.keyboard.press(" ")
            student.wait_for_selector(".review-ratings button", state="visible")
            assert "/ˌsɛrənˈdɪpɪti/" in student.locator(".review-answer-body").inner_text()
            with student.expect_navigation():
                student.keyboard.press("4")
        assert "All done for today." in student.locator(".area-content").inner_text()
        with schema_context(alpha.school.schema_name):
            from tenant_apps.vocabulary.models import Review

            assert list(Review.objects.filter(student=alpha.student).values_list("rating", flat=True)) == [4, 4]
            assert all(duration is not None for duration in
                       Review.objects.filter(student=alpha.student).values_list("review_duration", flat=True))
        connection.set_schema_to_public()
    finally:
        for context in contexts:
            context.close()
