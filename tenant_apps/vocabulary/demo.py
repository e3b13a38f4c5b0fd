"""The demo school's dictionaries: each demo student's words from their past lessons (without a lesson when
there is none yet), English with IPA and Chinese with pinyin, a few weeks of reviews behind them so that some
words are due today, some later, and a couple are hard. Safe to run twice (words merge; reviews are made
only for a student who has none). Call inside the demo school's schema after seed_scheduling() and
seed_materials()."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from tenant_apps.accounts.models import User
from tenant_apps.learning.models import Enrollment
from tenant_apps.scheduling.models import Lesson
from tenant_apps.vocabulary.models import Card, Review
from tenant_apps.vocabulary.services import dictionary_add_word, review_record

WORDS = {
    "en": [
        ("read", "читать", "verb", "I read the news every morning.", "daily life"),
        ("schedule", "расписание", "noun", "Let me check my schedule.", "work"),
        ("negotiate", "вести переговоры", "verb", "We negotiated a better price.", "work"),
        ("thorough", "тщательный", "adjective", "She did a thorough job.", "work"),
        ("to book a room", "забронировать номер", "phrase", "We booked a room by the sea.", "travel"),
        ("sightseeing", "осмотр достопримечательностей", "noun", "We went sightseeing in Rome.", "travel"),
        ("although", "хотя", "conjunction", "Although it rained, we went out.", "grammar"),
        ("queue", "очередь", "noun", "There was a long queue at the airport.", "travel"),
    ],
    "zh": [
        ("你好", "здравствуйте", "phrase", "你好，我叫伊万。", "greetings"),
        ("谢谢", "спасибо", "verb", "谢谢你的帮助。", "greetings"),
        ("银行", "банк", "noun", "银行在哪儿？", "city"),
        ("菜单", "меню", "noun", "请给我菜单。", "food"),
        ("好吃", "вкусный", "adjective", "这个菜很好吃。", "food"),
        ("地铁", "метро", "noun", "我坐地铁上班。", "city"),
    ],
}
# (rating per review); the first word of each list is reviewed with these, in turn, over past days.
HISTORIES = [[3, 3, 3], [3, 1, 1, 2], [4, 4], [3, 3], [1, 1, 1]]


@transaction.atomic
def seed_vocabulary(*, now=None) -> None:
    now = now or timezone.now()
    for student in User.objects.filter(is_student=True, email__endswith="@example.com"):
        # Only the enrollments with a teacher: the free trial the website's demo books later (no teacher yet)
        # gets no words, or a second `seed_demo` would add them.
        enrollments = list(Enrollment.objects.filter(student=student, teacher__isnull=False)
                           .select_related("language", "teacher"))
        if not enrollments:
            continue
        fresh = not Review.objects.filter(student=student).exists()
        for enrollment in enrollments:
            lessons = list(Lesson.objects.filter(enrollment=enrollment, starts_at__lt=now).order_by("-starts_at")[:6])
            rows = WORDS.get(enrollment.language.code, [])
            for index, (text, translation, part, example, topic) in enumerate(rows):
                lesson = lessons[index % len(lessons)] if lessons else None
                dictionary_add_word(student=student, language=enrollment.language, word=text,
                                    by=lesson.teacher if lesson else enrollment.teacher, translation=translation,
                                    part_of_speech=part, example=example, lesson=lesson, topics=[topic],
                                    now=lesson.starts_at if lesson else now - timedelta(days=index + 1))
        if fresh:
            _review_history(student, now=now)


def _review_history(student, *, now) -> None:
    """Replay some past reviews through the real scheduler: what is due today follows from them."""
    cards = list(Card.objects.filter(student=student, direction=Card.Direction.WORD_MEANING).order_by("pk"))
    for card, ratings in zip(cards, HISTORIES, strict=False):
        when = now - timedelta(days=20)
        for rating in ratings:
            reviewed = review_record(card=card, rating=rating, now=when, duration_ms=4000)
            card = reviewed.card
            when = max(card.due, when + timedelta(hours=1))
            if when > now - timedelta(hours=1):
                break
