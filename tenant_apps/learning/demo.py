"""The demo school's learning data: teacher profiles and enrollments. Safe to run twice."""

from django.db import transaction

from tenant_apps.accounts.models import User
from tenant_apps.learning.models import Enrollment, Language, Level, TeacherProfile
from tenant_apps.learning.services import enrollment_create, teacher_profile_update

# Who the demo's enrollments are recorded as made by (the demo school's owner).
DEMO_MANAGER_EMAIL = "manager@example.com"
# email, language code, native speaker, bio
DEMO_TEACHERS = [
    (
        "teacher.anna@example.com", "en", True,
        "Anna grew up in Manchester and has taught English to adults for nine years. "
        "Her lessons are conversation first: you talk, she notes what to polish.",
    ),
    (
        "teacher.li@example.com", "zh", True,
        "Li Wei is from Chengdu and teaches Mandarin from the first tones to HSK 6, "
        "with characters introduced through the words you actually need.",
    ),
]
# student email, language code, teacher email, level code, goal
DEMO_ENROLLMENTS = [
    ("student.ivan@example.com", "en", "teacher.anna@example.com", "B1", "Speak confidently at work"),
    ("student.ivan@example.com", "zh", "teacher.li@example.com", "HSK2", "Travel to China"),
    ("student.maria@example.com", "en", "teacher.anna@example.com", "A2", "Pass IELTS 6.5"),
    ("student.alex@example.com", "zh", "teacher.li@example.com", "HSK1", "Read menus and signs"),
]


@transaction.atomic
def seed_learning() -> None:
    """Profiles for the demo teachers and the demo students' enrollments.

    Call inside the demo school's schema, after its users exist. A profile or an active enrollment
    that is already there is left as it is, so whatever was changed in the demo since stays changed.
    """
    manager = User.objects.filter(email=DEMO_MANAGER_EMAIL).first()
    languages = {language.code: language for language in Language.objects.all()}
    for email, code, native, bio in DEMO_TEACHERS:
        teacher = User.objects.get(email=email)
        if TeacherProfile.objects.filter(user=teacher).exists():
            continue
        teacher_profile_update(teacher=teacher, languages=[languages[code]], is_native_speaker=native, bio=bio)
    for student_email, code, teacher_email, level_code, goal in DEMO_ENROLLMENTS:
        student = User.objects.get(email=student_email)
        language = languages[code]
        if Enrollment.objects.filter(student=student, language=language, is_active=True).exists():
            continue
        enrollment_create(
            student=student,
            language=language,
            teacher=User.objects.get(email=teacher_email),
            level=Level.objects.get(language=language, code=level_code),
            goal=goal,
            by=manager,
        )
