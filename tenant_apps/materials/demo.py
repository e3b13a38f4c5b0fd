"""The demo school's library, lesson plans and dictionary.

The library: the methodologist's "English for beginners" (12 numbered lessons; lesson 10 has a material
of every kind: text, picture, link, PDF, audio, video, document, word list) and "Chinese for beginners
(HSK 1)", both in the school's library; Anna's template "English for beginners, lesson 10" draws from it,
her next lesson is prepared from the template (a topic shared with the student), Ivan has been shown the
first lessons' materials (his Courses section), and a few words from her latest past lesson go into his
dictionary. Safe to run twice; call inside the demo school's schema after seed_scheduling()."""

import io
import wave
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw

from tenant_apps.accounts.models import User
from tenant_apps.learning.models import Language, Level
from tenant_apps.materials import library
from tenant_apps.materials.models import Course, LessonPlan, StudentMaterial
from tenant_apps.materials.selectors import material_payload
from tenant_apps.materials.services import item_add_material, plan_copy, plan_create
from tenant_apps.scheduling.models import Lesson
from tenant_apps.vocabulary.models import Word
from tenant_apps.vocabulary.services import word_add

TEACHER = "teacher.anna@example.com"
CURATOR = "methodologist@example.com"
STUDENT = "student.ivan@example.com"
TEMPLATE_TITLE = "English for beginners, lesson 10"
COURSE_TITLE = "English for beginners"
CHINESE_TITLE = "Chinese for beginners (HSK 1)"
ENGLISH_LESSONS = [
    ("Hello! Greetings and introductions", ["greetings", "to be"]),
    ("My family", ["family", "possessives"]),
    ("Numbers, days and time", ["numbers", "time"]),
    ("Food and drinks", ["food", "countable and uncountable"]),
    ("My day: the Present Simple", ["Present Simple", "daily routine"]),
    ("Around town", ["directions", "there is / there are"]),
    ("Shopping", ["shopping", "how much / how many"]),
    ("Hobbies: like + -ing", ["hobbies", "like + -ing"]),
    ("Last weekend: was and were", ["Past Simple", "to be"]),
    ("Holidays: the Past Simple", ["Past Simple", "holidays"]),
    ("Plans: going to", ["future", "plans"]),
    ("Review and speaking club", ["review"]),
]
CHINESE_LESSONS = ["你好! Hello and tones", "Numbers 一 to 十", "My family 我的家", "Eating out 吃饭",
                   "Time and dates 时间"]
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


def _pdf() -> SimpleUploadedFile:
    """A one-page worksheet (drawn with Pillow, saved as PDF)."""
    page = Image.new("RGB", (1240, 1754), "white")
    draw = ImageDraw.Draw(page)
    draw.text((100, 100), "Holidays: the Past Simple", fill="black")
    for line in range(8):
        draw.text((100, 250 + line * 120), f"{line + 1}. Last summer I ______ (go) to the sea.", fill="black")
    buffer = io.BytesIO()
    page.save(buffer, format="PDF")
    return SimpleUploadedFile("past-simple-worksheet.pdf", buffer.getvalue(), content_type="application/pdf")


def _audio() -> SimpleUploadedFile:
    """Two seconds of a soft tone: a stand-in for a listening exercise."""
    import math

    rate, buffer = 8000, io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(1)
        out.setframerate(rate)
        out.writeframes(bytes(int(128 + 40 * math.sin(2 * math.pi * 440 * n / rate)) for n in range(rate * 2)))
    return SimpleUploadedFile("listening.wav", buffer.getvalue(), content_type="audio/wav")


def _document() -> SimpleUploadedFile:
    """A minimal Word document (OOXML): the lesson's notes for the teacher."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                         'package/2006/content-types"/>')
        archive.writestr("word/document.xml", "<w:document/>")
    return SimpleUploadedFile("teacher-notes.docx", buffer.getvalue())


def _lesson_ten_materials(curator, lesson) -> None:
    make = lambda **fields: library.material_create(owner=curator, lesson=lesson, **fields)  # noqa: E731
    make(kind="text", title="Warm-up", topics=["speaking"],
         text="Where did you go last summer?\n\nWhat did you do there? Who did you go with?")
    make(kind="image", title="At the beach", upload=_picture(), topics=["holidays"])
    make(kind="link", title="Irregular verbs", url="https://en.wikipedia.org/wiki/List_of_English_irregular_verbs",
         description="The list of English irregular verbs, with their past forms.", topics=["Past Simple"])
    make(kind="pdf", title="Worksheet: the Past Simple", upload=_pdf(), topics=["Past Simple"])
    make(kind="audio", title="Listening: a holiday story", upload=_audio(), topics=["listening"])
    make(kind="video", title="Video: a trip to London", topics=["holidays"],
         url="https://upload.wikimedia.org/wikipedia/commons/transcoded/c/c0/Big_Buck_Bunny_4K.webm/"
             "Big_Buck_Bunny_4K.webm.360p.webm")
    make(kind="document", title="Teacher's notes", upload=_document())
    make(kind="words", title="Holiday words", topics=["holidays"], words=[
        {"word": word, "translation": translation, "example": example} for word, translation, example in WORDS])


def seed_library(*, curator) -> Course:
    """The two demo courses in the school's library (made once; kept as they are afterwards)."""
    english, chinese = Language.objects.get(code="en"), Language.objects.filter(code="zh").first()
    course = Course.objects.filter(title=COURSE_TITLE, owner=curator).first()
    if course is None:
        course = library.course_create(
            owner=curator, title=COURSE_TITLE, language=english, shared=True, topics=["General English"],
            level_from=Level.objects.filter(language=english, code="A1").first(),
            level_to=Level.objects.filter(language=english, code="A2").first(),
            description="Twelve lessons from the first hello to talking about holidays and plans.")
        for number, (title, topics) in enumerate(ENGLISH_LESSONS, start=1):
            lesson = library.course_lesson_add(course=course, title=title, topics=topics)
            if number == 10:
                _lesson_ten_materials(curator, lesson)
            else:
                library.material_create(owner=curator, lesson=lesson, kind="text", title=f"{title}: dialogue",
                                        text=f"A short dialogue for the lesson “{title}”.", topics=topics[:1])
    if chinese is not None and not Course.objects.filter(title=CHINESE_TITLE, owner=curator).exists():
        hsk = library.course_create(owner=curator, title=CHINESE_TITLE, language=chinese, shared=True,
                                    level_from=Level.objects.filter(language=chinese, code="HSK1").first(),
                                    description="Tones, characters and the words of HSK 1.")
        for title in CHINESE_LESSONS:
            lesson = library.course_lesson_add(course=hsk, title=title, topics=["HSK 1"])
        first = hsk.lessons.get(number=1)
        library.material_create(owner=curator, lesson=first, kind="words", title="First words", words=[
            {"word": "你好 (nǐ hǎo)", "translation": "привет", "example": "你好，我叫李伟。"},
            {"word": "谢谢 (xièxie)", "translation": "спасибо", "example": ""},
            {"word": "再见 (zàijiàn)", "translation": "до свидания", "example": ""}])
        library.material_create(owner=curator, lesson=first, kind="text", title="The four tones",
                                text="mā má mǎ mà — mother, hemp, horse, to scold.", topics=["tones"])
        library.material_create(owner=curator, lesson=lesson, kind="link", title="Pinyin chart",
                                url="https://en.wikipedia.org/wiki/Pinyin_table")
    return course


def _show_first_lessons(course, teacher, now) -> None:
    """Ivan (Anna's student) has been through the course's first lessons: shown in his latest past lesson
    if there is one, else assigned; his Courses section shows them."""
    student = User.objects.filter(email=STUDENT).first()
    if student is None or StudentMaterial.objects.filter(student=student).exists():
        return
    past = (Lesson.objects.filter(teacher=teacher, student=student, starts_at__lt=now,
                                  enrollment__language=course.language).order_by("-starts_at").first())
    how = StudentMaterial.How.SHOWN if past else StudentMaterial.How.ASSIGNED
    for lesson in course.lessons.filter(number__lte=3).prefetch_related("materials"):
        for material in lesson.materials.all():
            library.student_material_give(student=student, material=material, by=teacher, lesson=past, how=how,
                                          snapshot=material_payload(material), now=now)


@transaction.atomic
def seed_materials(*, now=None) -> None:
    now = now or timezone.now()
    teacher = User.objects.filter(email=TEACHER).first()
    if teacher is None:
        return
    curator = User.objects.filter(email=CURATOR).first() or teacher
    course = seed_library(curator=curator)
    template = LessonPlan.objects.filter(owner=teacher, lesson__isnull=True, title=TEMPLATE_TITLE).first()
    if template is None:
        template = plan_create(owner=teacher, title=TEMPLATE_TITLE, topic="Holidays: the Past Simple")
        for material in course.lessons.get(number=10).materials.order_by("position")[:3]:
            item_add_material(plan=template, material=material, by=teacher)
    _show_first_lessons(course, teacher, now)
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
