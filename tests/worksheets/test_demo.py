"""The demo's worksheets: every type, a PDF with suggested boxes, GIFT, pinyin, attempts; seeding twice is a no-op."""

from tenant_apps.worksheets.models import Attempt, Share, Worksheet


def test_the_demo_has_worksheets_of_every_kind_with_attempts_and_seeding_again_changes_nothing(alpha):
    from shared_apps.platform.management.commands.seed_demo import DEMO_CAST
    from tenant_apps.accounts.services import user_create
    from tenant_apps.learning.demo import seed_learning
    from tenant_apps.worksheets.demo import seed_worksheets

    for email, name, roles, language in DEMO_CAST:
        user_create(email=email, password=None, full_name=name, language=language, **roles)
    seed_learning()

    def counts():
        return Worksheet.objects.count(), Share.objects.count(), Attempt.objects.count()

    seed_worksheets()
    first = counts()
    seed_worksheets()

    assert counts() == first
    every = Worksheet.objects.get(title="Present Simple: every type")
    assert {item["type"] for item in every.items} >= {"gaps", "dropdown", "single", "multiple", "truefalse", "match",
                                                     "words", "zones", "order", "open", "text"}
    printed = Worksheet.objects.get(title="Printed: Present Simple")
    assert len(printed.items) == 2 and len(printed.suggestions) == 3 and printed.background.pages
    assert Worksheet.objects.get(title="Quiz from Moodle").question_count == 5
    ivan = every.attempts.get(student__email="student.ivan@example.com")
    assert ivan.is_submitted and 0 < ivan.score < ivan.max_score
    assert "almost" in ivan.result["items"][every.items[1]["id"]]["parts"]
    assert not every.attempts.get(student__email="student.maria@example.com").is_submitted
