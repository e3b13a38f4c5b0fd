"""FSRS: reviews are persisted and resumed across days, giving exactly the package's own schedule, and the
log is in the shape fsrs.Optimizer reads."""

from datetime import UTC, datetime, timedelta

import pytest
from fsrs import Card as FsrsCard
from fsrs import Rating, ReviewLog, Scheduler

from tenant_apps.vocabulary.models import Card, Review
from tenant_apps.vocabulary.selectors import due_count, next_card
from tenant_apps.vocabulary.services import dictionary_add_word, review_record

DAY0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def no_fuzz(settings):
    settings.VOCABULARY_FSRS_FUZZING = False


def test_reviews_on_days_0_1_3_and_when_due_give_the_packages_own_intervals(alpha, english):
    word = dictionary_add_word(student=alpha.student, language=english, word="apple", now=DAY0)
    card = Card.objects.get(word=word, direction="word_meaning")
    reference_scheduler, reference = Scheduler(enable_fuzzing=False), FsrsCard(card_id=card.pk, due=DAY0)
    ratings = [(0, Rating.Good), (1, Rating.Good), (3, Rating.Again), (3, Rating.Good), (None, Rating.Easy),
               (None, Rating.Hard), (None, Rating.Good)]

    for day, rating in ratings:
        stored = Card.objects.get(pk=card.pk)  # a new day: everything comes from the database again
        when = DAY0 + timedelta(days=day, minutes=30) if day is not None else stored.due
        review_record(card=stored, rating=int(rating), now=when)
        reference, _log = reference_scheduler.review_card(reference, rating, review_datetime=when)
        stored.refresh_from_db()
        assert stored.due == reference.due
        assert (stored.state, stored.step) == (int(reference.state), reference.step)
        assert stored.stability == pytest.approx(reference.stability)
        assert stored.difficulty == pytest.approx(reference.difficulty)
    assert stored.due - stored.last_review > timedelta(days=7)  # the package's growing intervals, as it made them


def test_the_review_log_feeds_the_fsrs_optimizer_as_it_is(alpha, english):
    word = dictionary_add_word(student=alpha.student, language=english, word="apple", now=DAY0)
    card = word.cards.first()
    review_record(card=card, rating=3, now=DAY0, duration_ms=1800)
    review_record(card=Card.objects.get(pk=card.pk), rating=2, now=DAY0 + timedelta(days=1))

    logs = [ReviewLog(card_id=row.card_id, rating=Rating(row.rating), review_datetime=row.review_datetime,
                      review_duration=row.review_duration) for row in Review.objects.filter(student=alpha.student)]

    assert [(log.rating, log.review_duration) for log in logs] == [(Rating.Good, 1800), (Rating.Hard, None)]
    assert ReviewLog.from_dict(logs[0].to_dict()).card_id == card.pk


def test_due_today_counts_words_until_the_students_midnight_and_the_next_card_is_the_longest_overdue(alpha, english):
    import zoneinfo

    zone = zoneinfo.ZoneInfo("Europe/Moscow")
    old = dictionary_add_word(student=alpha.student, language=english, word="apple", now=DAY0 - timedelta(days=2))
    new = dictionary_add_word(student=alpha.student, language=english, word="pear", now=DAY0)
    Card.objects.filter(word=new).update(due=DAY0 + timedelta(hours=12))  # 00:00 in Moscow on the next day

    assert due_count(alpha.student, now=DAY0, zone=zone) == 1
    assert due_count(alpha.student, now=DAY0 + timedelta(hours=12), zone=zone) == 2
    assert next_card(alpha.student, now=DAY0, zone=zone).word == old


def test_a_rating_outside_1_to_4_is_refused(alpha, english):
    word = dictionary_add_word(student=alpha.student, language=english, word="apple")

    with pytest.raises(ValueError):
        review_record(card=word.cards.first(), rating=5)
    assert not Review.objects.exists()
