"""The demo school's lesson plans and dictionary: Anna's template, her next lesson prepared from it (with a
topic shared with the student), and a few words from her latest past lesson, if there is one. Safe to run
twice; call inside the demo school's schema after seed_scheduling()."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw

from tenant_apps.accounts.models import User
from tenant_apps.materials.models import LessonPlan
from tenant_apps.materials.services import item_add, plan_copy, plan_create
from tenant_apps.scheduling.models import Lesson
from tenant_apps.vocabulary.models import Word
from tenant_apps.vocabulary.services import word_add

TEACHER = "teacher.anna@example.com"
TEMPLATE_TITLE = "English for beginners, lesson 10"
WORDS = [
    ("sunburn", "солнечный ожог", "I got a sunburn on the first day."),
    ("to book a room", "забронировать номер", "We booked a room by the sea."),
    ("sightseeing", "осмотр достопримечательностей", ""),
]


def _picture() -> SimpleUploadedFile:
    image = Image.new("RGB", (800, 500), (186, 230, 253))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 330, 800, 500), fill=(253, 230, 138))
    draw.ellipse((600, 50, 720, 170), fill=(251, 191, 36))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return SimpleUploadedFile("beach.png", buffer.getvalue(), content_type="image/png")


@transaction.atomic
def seed_materials(*, now=None) -> None:
    now = now or timezone.now()
    teacher = User.objects.filter(email=TEACHER).first()
    if teacher is None:
        return
    template = LessonPlan.objects.filter(owner=teacher, lesson__isnull=True, title=TEMPLATE_TITLE).first()
    if template is None:
        template = plan_create(owner=teacher, title=TEMPLATE_TITLE, topic="Holidays: the Past Simple")
        item_add(plan=template, by=teacher, kind="text", title="Warm-up",
                 text="Where did you go last summer?\n\nWhat did you do there? Who did you go with?")
        item_add(plan=template, by=teacher, kind="image", title="At the beach", upload=_picture())
        item_add(plan=template, by=teacher, kind="link", title="Irregular verbs",
                 url="https://en.wikipedia.org/wiki/List_of_English_irregular_verbs")
    lessons = Lesson.objects.filter(teacher=teacher, status=Lesson.Status.SCHEDULED)
    upcoming = lessons.filter(starts_at__gt=now).order_by("starts_at").first()
    if upcoming is not None and not upcoming.plans.exists():
        plan = plan_copy(plan=template, owner=teacher, lesson=upcoming, title="Holidays")
        plan.topic_shared = True
        plan.save(update_fields=["topic_shared"])
    latest = Lesson.objects.filter(teacher=teacher, starts_at__lt=now).order_by("-starts_at").first()
    if latest is not None and not Word.objects.filter(student_id=latest.student_id).exists():
        for word, translation, example in WORDS:
            word_add(lesson=latest, by=teacher, word=word, translation=translation, example=example)
