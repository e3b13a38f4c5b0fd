"""The demo's template and the prepared plan of Anna's next lesson; seeding twice changes nothing."""

from tenant_apps.materials.models import Course, LessonPlan, Material, PlanItem, StudentMaterial
from tenant_apps.vocabulary.models import Word


def test_the_demo_prepares_a_plan_and_words_and_seeding_again_changes_nothing(alpha):
    from billing.demo import seed_billing
    from shared_apps.platform.management.commands.seed_demo import DEMO_CAST
    from tenant_apps.accounts.services import user_create
    from tenant_apps.learning.demo import seed_learning
    from tenant_apps.materials.demo import TEMPLATE_TITLE, seed_materials
    from tenant_apps.scheduling.demo import seed_scheduling

    for email, name, roles, language in DEMO_CAST:
        user_create(email=email, password=None, full_name=name, language=language, **roles)
    seed_learning()
    seed_billing()
    seed_scheduling()

    def counts():
        return (LessonPlan.objects.count(), PlanItem.objects.count(), Word.objects.count(), Course.objects.count(),
                Material.objects.count(), StudentMaterial.objects.count())

    seed_materials()
    first = counts()
    seed_materials()

    assert counts() == first
    template = LessonPlan.objects.get(lesson__isnull=True)
    assert template.title == TEMPLATE_TITLE
    assert list(template.items.values_list("material__kind", flat=True)) == ["text", "image", "link"]
    prepared = LessonPlan.objects.get(lesson__isnull=False)
    assert prepared.topic_shared and prepared.lesson.teacher.email == "teacher.anna@example.com"
    assert list(prepared.items.values_list("material__title", flat=True)) == [
        "Warm-up", "At the beach", "Irregular verbs"]

    course = Course.objects.get(title="English for beginners")
    assert course.shared and course.lessons.count() >= 10
    kinds = set(course.lessons.get(number=10).materials.values_list("kind", flat=True))
    assert kinds == set(Material.Kind.values) - {"worksheet"}  # every kind the library makes itself
    assert Course.objects.filter(title="Chinese for beginners (HSK 1)", language__code="zh").exists()
    assert template.items.first().material.lesson.course == course  # the template draws from the library
    assert StudentMaterial.objects.filter(student__email="student.ivan@example.com").exists()
