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
