"""The demo's dictionaries: words from past lessons with IPA and pinyin, some due today, some hard; seeding
twice changes nothing."""

from django.utils import timezone

from tenant_apps.accounts.models import User
from tenant_apps.vocabulary.models import Card, Review, Word
from tenant_apps.vocabulary.selectors import due_count, hard_cards


def test_the_demo_students_have_dictionaries_with_words_due_today(alpha):
    from billing.demo import seed_billing
    from shared_apps.platform.management.commands.seed_demo import DEMO_CAST
    from tenant_apps.accounts.services import user_create
    from tenant_apps.learning.demo import seed_learning
    from tenant_apps.materials.demo import seed_materials
    from tenant_apps.scheduling.demo import seed_scheduling
    from tenant_apps.vocabulary.demo import seed_vocabulary

    for email, name, roles, language in DEMO_CAST:
        user_create(email=email, password=None, full_name=name, language=language, **roles)
    seed_learning()
    seed_billing()
    seed_scheduling()
    seed_materials()

    def counts():
        return Word.objects.count(), Card.objects.count(), Review.objects.count()

    seed_vocabulary()
    first = counts()
    seed_vocabulary()

    assert counts() == first
    ivan = User.objects.get(email="student.ivan@example.com")
    words = {word.word: word for word in Word.objects.filter(student=ivan)}
    assert words["read"].transcription in ("rɛd", "riːd") and words["银行"].transcription == "yín háng"
    assert words["read"].example
    assert due_count(ivan, now=timezone.now(), zone=ivan.zone("Europe/Moscow")) > 0
    assert Card.objects.filter(student=ivan, due__gt=timezone.now() + timezone.timedelta(days=1)).exists()
    assert hard_cards().filter(student=ivan).exists()
