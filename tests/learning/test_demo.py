"""The demo school's teachers have profiles and its students their enrollments, however often it runs."""

from io import StringIO

from django.core.management import call_command
from django_tenants.utils import schema_context

from shared_apps.platform.management.commands.seed_demo import DEMO_CAST
from shared_apps.tenants.models import Domain
from shared_apps.tenants.services import school_host
from tenant_apps.accounts.services import user_create
from tenant_apps.learning.demo import seed_learning
from tenant_apps.learning.models import Enrollment, EnrollmentChange, TeacherProfile

EXPECTED = {
    ("student.ivan@example.com", "en", "teacher.anna@example.com", "B1", "Speak confidently at work"),
    ("student.ivan@example.com", "zh", "teacher.li@example.com", "HSK2", "Travel to China"),
    ("student.maria@example.com", "en", "teacher.anna@example.com", "A2", "Pass IELTS 6.5"),
    ("student.alex@example.com", "zh", "teacher.li@example.com", "HSK1", "Read menus and signs"),
}


def seeded_enrollments() -> set[tuple]:
    return set(
        Enrollment.objects.filter(is_active=True).values_list(
            "student__email", "language__code", "teacher__email", "level__code", "goal"
        )
    )


def seeded_profiles() -> dict[str, tuple]:
    return {
        profile.user.email: (tuple(profile.languages.values_list("code", flat=True)), profile.is_native_speaker)
        for profile in TeacherProfile.objects.select_related("user")
    }


def test_seeding_gives_the_demo_teachers_profiles_and_the_students_enrollments(alpha):
    for email, name, roles, _language in DEMO_CAST:
        user_create(email=email, password=None, full_name=name, **roles)

    seed_learning()
    seed_learning()  # a second run changes nothing

    assert seeded_enrollments() == EXPECTED
    assert Enrollment.objects.count() == 4
    assert seeded_profiles() == {
        "teacher.anna@example.com": (("en",), True),
        "teacher.li@example.com": (("zh",), True),
    }
    assert all(enrollment.created_by.email == "manager@example.com" for enrollment in Enrollment.objects.all())
    assert not EnrollmentChange.objects.exists()


def test_seeding_again_keeps_what_was_changed_in_the_demo(alpha):
    for email, name, roles, _language in DEMO_CAST:
        user_create(email=email, password=None, full_name=name, **roles)
    seed_learning()
    ivan_english = Enrollment.objects.get(student__email="student.ivan@example.com", language__code="en")
    ivan_english.goal = "Changed in the demo"
    ivan_english.save(update_fields=["goal"])

    seed_learning()

    ivan_english.refresh_from_db()
    assert ivan_english.goal == "Changed in the demo"
    assert Enrollment.objects.count() == 4


def test_the_seed_demo_command_seeds_learning_in_the_demo_school(db):
    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())

    school = Domain.objects.get(domain=school_host("panda")).tenant
    with schema_context(school.schema_name):
        # Alex has also booked a free English trial (website's demo): that enrollment waits for a teacher.
        assert seeded_enrollments() == EXPECTED | {
            ("student.alex@example.com", "en", None, None, "Small talk for business trips")}
        # The cast's two teachers, and the four more the public site shows (website's demo).
        assert set(seeded_profiles()) == {
            "teacher.anna@example.com", "teacher.li@example.com", "teacher.tom@example.com",
            "teacher.sofia@example.com", "teacher.zhang@example.com", "teacher.chen@example.com"}
