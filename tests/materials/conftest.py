"""Lesson-plan fixtures: files made on the spot (PNG, PDF, audio), lessons, and storage in a temp folder."""

import io
from datetime import timedelta

import pypdfium2
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image


def png_bytes(width=40, height=30, color=(200, 30, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buffer, format="PNG")
    return buffer.getvalue()


def pdf_bytes(pages=2) -> bytes:
    document = pypdfium2.PdfDocument.new()
    for _ in range(pages):
        document.new_page(595, 842)
    buffer = io.BytesIO()
    document.save(buffer)
    document.close()
    return buffer.getvalue()


def wav_bytes(seconds=1, rate=8000) -> bytes:
    import wave

    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(1)
        out.setframerate(rate)
        out.writeframes(bytes([128]) * rate * seconds)
    return buffer.getvalue()


def upload(name, data, content_type="application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def make_lesson(school_cast, *, teacher=None, student=None, starts_in=timedelta(minutes=5)):
    """A scheduled lesson in the school's current schema (call inside it)."""
    from tenant_apps.learning.models import Enrollment, Language
    from tenant_apps.learning.services import enrollment_create
    from tenant_apps.scheduling.models import Lesson

    teacher = teacher or school_cast.teacher
    student = student or school_cast.student
    enrollment = Enrollment.objects.filter(student=student, teacher=teacher).first() or enrollment_create(
        student=student, language=Language.objects.get(code="en"), teacher=teacher, by=None
    )
    starts_at = timezone.now() + starts_in
    return Lesson.objects.create(enrollment=enrollment, teacher=teacher, student=student, starts_at=starts_at,
                                 ends_at=starts_at + timedelta(hours=1))


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    """Uploads go to a folder of this test's own."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return settings.PRIVATE_MEDIA_ROOT


@pytest.fixture
def lesson(alpha):
    return make_lesson(alpha)


@pytest.fixture
def plan(alpha, lesson):
    from tenant_apps.materials.services import plan_create

    return plan_create(owner=alpha.teacher, lesson=lesson, title="Past Simple")


@pytest.fixture
def login(committed_login):
    """`login(school_cast, user)`: a committed session (tests/conftest.py's committed_login)."""
    return committed_login
