"""The school's library: courses, numbered lessons, materials of every kind, topics, sharing, copies."""

import io
import threading
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.exceptions import ValidationError

from tenant_apps.learning.models import Language, Level
from tenant_apps.materials import library
from tenant_apps.materials.models import LibrarySettings, Material, Topic
from tenant_apps.materials.storage import private_storage
from tests.materials.conftest import pdf_bytes, png_bytes, upload


@pytest.fixture
def english(alpha):
    return Language.objects.get(code="en")


@pytest.fixture
def course(alpha, english):
    return library.course_create(owner=alpha.teacher, title="English for beginners", language=english,
                                 level_from=Level.objects.get(language=english, code="A1"),
                                 level_to=Level.objects.get(language=english, code="A2"), topics=["Grammar"])


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def test_course_lessons_are_numbered_in_order(course):
    first = library.course_lesson_add(course=course, title="Hello")
    second = library.course_lesson_add(course=course, title="Family", topics=["to be"])
    assert (first.number, second.number) == (1, 2)
    assert [topic.name for topic in second.topics.all()] == ["to be"]


def test_a_topic_is_one_topic_whatever_its_case(alpha):
    first = library.topics_resolve(["Past Simple", "holidays"])
    again = library.topics_resolve(["past simple", "HOLIDAYS", "Food"])
    assert [topic.pk for topic in again[:2]] == [topic.pk for topic in first]
    assert Topic.objects.count() == 3


def test_a_text_material_keeps_harmless_html_only(alpha, course):
    lesson = library.course_lesson_add(course=course, title="Hello")
    material = library.material_create(owner=alpha.teacher, kind="text", title="Warm-up", lesson=lesson,
                                       text='<p onclick="x()">Hi <script>alert(1)</script><b>there</b></p>')
    assert material.text == "<p>Hi <b>there</b></p>"
    assert material.language.code == "en" and material.level.code == "A1" and material.position == 1


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,<b>hi</b>", "ftp://example.com/a", "nope"])
def test_a_link_must_be_http_or_https(alpha, url):
    with pytest.raises(ValidationError, match="http:// or https://"):
        library.material_create(owner=alpha.teacher, kind="link", title="Bad", url=url)
    assert not Material.objects.exists()


class _Page(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - the standard library's name
        if self.path == "/page":
            body = (b'<html><head><title>Irregular verbs</title>'
                    b'<meta property="og:description" content="All the verbs, with examples">'
                    b'<meta property="og:image" content="/cover.png"></head><body>x</body></html>')
            self._answer(body, "text/html; charset=utf-8")
        elif self.path == "/cover.png":
            self._answer(png_bytes(), "image/png")
        else:
            self.send_error(404)

    def _answer(self, body, content_type):
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def local_site(settings):
    settings.LINK_PREVIEW_ALLOW_PRIVATE = True
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Page)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_a_links_card_is_read_from_the_page_after_the_save(alpha, local_site, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        material = library.material_create(owner=alpha.teacher, kind="link", title="", url=f"{local_site}/page")
    material.refresh_from_db()
    assert material.preview == Material.Preview.READY
    assert material.title == "Irregular verbs"
    assert material.description == "All the verbs, with examples"
    assert private_storage().exists(material.preview_image)


def test_a_link_that_does_not_answer_is_saved_all_the_same(alpha, local_site, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        material = library.material_create(owner=alpha.teacher, kind="link", title="Gone",
                                           url=f"{local_site}/missing")
    material.refresh_from_db()
    assert (material.title, material.preview, material.preview_image) == ("Gone", Material.Preview.FAILED, "")


def test_the_link_preview_never_knocks_on_private_addresses(alpha, local_site, settings,
                                                            django_capture_on_commit_callbacks):
    settings.LINK_PREVIEW_ALLOW_PRIVATE = False
    with django_capture_on_commit_callbacks(execute=True):
        material = library.material_create(owner=alpha.teacher, kind="link", title="Inside", url=f"{local_site}/page")
    material.refresh_from_db()
    assert material.preview == Material.Preview.FAILED


def test_a_pdf_is_stored_with_its_pages_rendered(alpha):
    material = library.material_create(owner=alpha.teacher, kind="pdf", title="Worksheet",
                                       upload=upload("w.pdf", pdf_bytes(3)))
    assert material.page_count == 3 and material.content_type == "application/pdf"
    assert material.file.name.startswith(f"materials/library/{alpha.teacher.pk}/")


def test_a_document_is_told_by_its_content_not_its_name(alpha):
    material = library.material_create(owner=alpha.teacher, kind="document", title="Rules",
                                       upload=upload("rules.bin", docx_bytes()))
    assert material.file.name.endswith(".docx")
    with pytest.raises(ValidationError, match="does not fit"):
        library.material_create(owner=alpha.teacher, kind="document", title="Fake",
                                upload=upload("fake.docx", b"PK\x03\x04 not really a zip"))
    with pytest.raises(ValidationError, match="does not fit"):
        library.material_create(owner=alpha.teacher, kind="image", title="Fake", upload=upload("a.png", pdf_bytes()))
    assert Material.objects.count() == 1


def test_the_school_sets_its_own_size_limits(alpha):
    LibrarySettings.objects.create(image_mb=0)
    with pytest.raises(ValidationError, match="the limit is"):
        library.material_create(owner=alpha.teacher, kind="image", title="Big", upload=upload("a.png", png_bytes()))
    assert not Material.objects.exists()
    assert not list(private_storage().listdir("")[0]) if private_storage().exists("") else True


def test_a_word_list_needs_translations(alpha):
    words = library.parse_words("sunburn — солнечный ожог — I got a sunburn\nto book\tзабронировать")
    material = library.material_create(owner=alpha.teacher, kind="words", title="", words=words)
    assert material.words[0] == {"word": "sunburn", "translation": "солнечный ожог", "example": "I got a sunburn"}
    assert material.title == "sunburn, to book"
    with pytest.raises(ValidationError, match="translation for “beach”"):
        library.material_create(owner=alpha.teacher, kind="words", title="x", words=[{"word": "beach"}])


def test_sharing_a_course_puts_its_materials_in_the_schools_library(alpha, course):
    lesson = library.course_lesson_add(course=course, title="Hello")
    material = library.material_create(owner=alpha.teacher, kind="text", title="Hi", text="Hi", lesson=lesson)
    assert not material.shared
    library.course_share(course=course)
    material.refresh_from_db()
    assert material.shared


def test_a_duplicated_course_shares_the_files_and_is_the_copiers_own(alpha, course):
    lesson = library.course_lesson_add(course=course, title="Hello", topics=["greetings"])
    original = library.material_create(owner=alpha.teacher, kind="pdf", title="Sheet", lesson=lesson,
                                       upload=upload("w.pdf", pdf_bytes(1)), topics=["greetings"])
    copy = library.course_duplicate(course=course, owner=alpha.teacher2)
    copied = Material.objects.get(lesson__course=copy)
    assert copy.owner == alpha.teacher2 and not copy.shared and copy.title == "English for beginners (copy)"
    assert copied.file.name == original.file.name and copied.pk != original.pk
    assert [topic.name for topic in copied.topics.all()] == ["greetings"]
    assert copied.search_vector is not None


def test_changing_a_material_reindexes_it(alpha):
    material = library.material_create(owner=alpha.teacher, kind="text", title="Warm-up", text="Where did you go?")
    library.material_update(material=material, title="Warm-up", text="Погода летом", topics=["weather"])
    material.refresh_from_db()
    assert "Погода летом" in material.search_text and "weather" in material.search_text
