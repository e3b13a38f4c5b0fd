"""The demo school's public site: reviews, contacts, the methodologist's hours and one booked trial.

Safe to run twice: what exists is left as it is (so what was changed in the demo since stays changed).
Call inside the demo school's schema, after seed_learning(), seed_billing() and seed_scheduling().
"""

from datetime import time, timedelta

from django.db import transaction
from django.utils import timezone

from tenant_apps.accounts.models import User
from tenant_apps.learning.models import Language
from tenant_apps.scheduling.models import WorkingHours
from tenant_apps.scheduling.trials import methodologist_free_slots
from tenant_apps.website.models import Review, SiteProfile, TrialBooking

METHODOLOGIST_ZONE = "Europe/Moscow"
METHODOLOGIST_DAYS = range(6)  # Monday to Saturday
METHODOLOGIST_HOURS = (time(10), time(19))
# author, who they are, text, rating
REVIEWS = [
    ("Иван С.", "английский, B1 → B2 за полгода",
     "Занимаюсь с Анной два раза в неделю после работы. Наконец-то говорю на созвонах с коллегами без страха.", 5),
    ("Мария К.", "готовится к IELTS",
     "Пробный урок помог понять, что мне нужно: методист сразу подобрала преподавателя под мои вечера.", 5),
    ("Alex J.", "Chinese, HSK 1",
     "Li Wei makes tones fun. I can read menus now and order in Mandarin when I travel.", 5),
    ("Ольга Д.", "китайский с нуля",
     "Удобно, что всё в одном месте: видео, доска, домашние задания и словарь.", 4),
]


@transaction.atomic
def seed_website(*, now=None) -> None:
    now = now or timezone.now()
    SiteProfile.objects.get_or_create(pk=1, defaults={
        "contact_email": "hello@panda.example.com",
        "contact_phone": "+7 495 000 00 00",
        "contact_telegram": "@panda_school",
    })
    if not Review.objects.exists():
        Review.objects.bulk_create(
            Review(author=author, about=about, text=text, rating=rating, position=position)
            for position, (author, about, text, rating) in enumerate(REVIEWS)
        )
    for methodologist in User.objects.filter(is_methodologist=True):
        if not methodologist.time_zone:
            methodologist.time_zone = METHODOLOGIST_ZONE
            methodologist.save(update_fields=["time_zone"])
        if not WorkingHours.objects.filter(teacher=methodologist).exists():
            WorkingHours.objects.bulk_create(
                WorkingHours(teacher=methodologist, weekday=day, starts=METHODOLOGIST_HOURS[0],
                             ends=METHODOLOGIST_HOURS[1], time_zone=METHODOLOGIST_ZONE)
                for day in METHODOLOGIST_DAYS
            )
    _demo_trial(now)


def _demo_trial(now) -> None:
    """Alex (learning Chinese) has booked an English trial: the methodologist's page shows it."""
    from tenant_apps.website.services import trial_book

    alex = User.objects.filter(email="student.alex@example.com").first()
    english = Language.objects.filter(code="en").first()
    if alex is None or english is None or TrialBooking.objects.filter(student=alex, language=english).exists():
        return
    soon = [instant for instant in methodologist_free_slots(now=now) if instant > now + timedelta(days=1)]
    if soon:
        trial_book(language=english, starts_at=soon[0], goal="Small talk for business trips",
                   preferred_times=[(1, time(18)), (3, time(18))], time_zone="Europe/London", student=alex, now=now)


# Teachers: several per language, each with a photo and a short intro video made on this machine -------------
# email, name, language code, native speaker, bio, zone, weekdays, hours, colour, espeak voice, greeting
MORE_TEACHERS = [
    ("teacher.tom@example.com", "Tom Harris", "en", True,
     "Tom is from Leeds and prepares students for IELTS and interviews; mornings are his time.",
     "Europe/London", range(5), (time(7), time(13)), "#1d4ed8", "en-gb",
     "Hello, I am Tom. Let's get you ready for your interview."),
    ("teacher.sofia@example.com", "Sofia Petrenko", "en", False,
     "Sofia teaches English in Russian for beginners and loves grammar that makes sense.",
     "Europe/Moscow", range(1, 7), (time(14), time(22)), "#be185d", "en-us",
     "Hi, I am Sofia. We start with what you need every day."),
    ("teacher.zhang@example.com", "Zhang Min", "zh", True,
     "Zhang Min is from Beijing and teaches business Mandarin and HSK 4 to 6.",
     "Asia/Shanghai", range(5), (time(8), time(16)), "#b45309", "cmn",
     "你好，我是张敏。我们一起学习中文吧。"),
    ("teacher.chen@example.com", "Chen Yu", "zh", True,
     "Chen Yu makes first steps in Chinese easy: tones, pinyin and the first hundred characters.",
     "Asia/Shanghai", range(2, 7), (time(14), time(22)), "#15803d", "cmn",
     "大家好，我是陈雨。欢迎来学习汉语。"),
]
# The first teachers (made by seed_demo's cast): their colour, voice and greeting.
CAST_MEDIA = {
    "teacher.anna@example.com": ("#0f766e", "en-gb", "Hello, I am Anna from Manchester. Let's talk!"),
    "teacher.li@example.com": ("#7c3aed", "cmn", "你好，我是李伟。欢迎来上中文课。"),
}


def seed_teachers(*, password: str) -> None:
    """More teachers per language (so matching has a ranking to show), and everyone's photo and video.

    Call inside the demo school's schema after seed_learning(). A teacher, a photo or a video already there
    is left as it is.
    """
    from tenant_apps.accounts.services import user_create
    from tenant_apps.learning.services import teacher_profile_update

    languages = {language.code: language for language in Language.objects.all()}
    for (email, name, code, native, bio, zone, weekdays, (starts, ends), colour, voice,
         greeting) in MORE_TEACHERS:
        teacher = User.objects.filter(email=email).first()
        if teacher is None:
            teacher = user_create(email=email, password=password, full_name=name, language="en", is_teacher=True,
                                  time_zone=zone)
            teacher_profile_update(teacher=teacher, languages=[languages[code]], is_native_speaker=native, bio=bio)
            WorkingHours.objects.bulk_create(
                WorkingHours(teacher=teacher, weekday=day, starts=starts, ends=ends, time_zone=zone) for day in weekdays
            )
        _give_media(teacher, colour, voice, greeting)
    for email, (colour, voice, greeting) in CAST_MEDIA.items():
        teacher = User.objects.filter(email=email).first()
        if teacher is not None:
            _give_media(teacher, colour, voice, greeting)


def _give_media(teacher: User, colour: str, voice: str, greeting: str) -> None:
    from django.core.files import File

    from tenant_apps.learning.models import TeacherProfile
    from tenant_apps.website.demo_media import intro_video, portrait

    if not teacher.photo:
        with portrait(teacher.get_full_name(), colour).open("rb") as photo:
            teacher.photo.save(f"{teacher.pk}.png", File(photo), save=False)
        teacher.save(update_fields=["photo"])
    profile = TeacherProfile.objects.filter(user=teacher).first()
    if profile is not None and not profile.intro_video:
        video = intro_video(teacher.get_full_name(), greeting, voice)
        if video is not None:
            with video.open("rb") as stream:
                profile.intro_video.save(f"{teacher.pk}.mp4", File(stream), save=False)
            profile.save(update_fields=["intro_video"])
