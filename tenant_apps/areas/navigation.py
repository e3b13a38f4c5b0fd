"""Each role's area: its sections, in the order of the school's brief.

A section whose issue has not landed yet shows an honest "coming soon" page: `ready=False`.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from tenant_apps.accounts.models import Role


@dataclass(frozen=True)
class Section:
    slug: str
    label: str
    ready: bool = False
    about: str = ""


AREAS: dict[str, list[Section]] = {
    Role.STUDENT: [
        Section("dashboard", _("Dashboard"), ready=True),
        Section("schedule", _("Schedule"), ready=True),
        Section("lessons", _("Lessons"), ready=True),
        Section("courses", _("Courses"), ready=True),
        Section("homework", _("Homework"), about=_("Assignments after each lesson, your rating and the backlog.")),
        Section("worksheets", _("Worksheets"), ready=True),
        Section("dictionary", _("My dictionary"), ready=True),
        Section("games", _("Vocabulary games"), about=_("Practise your words with flashcards and games.")),
        Section("notes", _("My notes"), about=_("Your own notes, kept with your lessons.")),
        Section("free-lessons", _("Free lessons"), ready=True),
        Section("lesson-plan", _("Lesson plan"), ready=True),
        Section("payments", _("Payments"), ready=True),
    ],
    Role.TEACHER: [
        Section("dashboard", _("Dashboard"), ready=True),
        Section("schedule", _("Schedule"), ready=True),
        Section("lessons", _("Lessons"), ready=True),
        Section("students", _("Students"), ready=True),
        Section("materials", _("Materials"), ready=True),
        Section("dictionaries", _("Dictionaries"), ready=True),
        Section("assignments", _("Assignments"), ready=True),
        Section("links", _("Links"), ready=True),
        Section("files", _("Files"), ready=True),
        Section("topics", _("Topics"), ready=True),
    ],
    Role.METHODOLOGIST: [
        Section("trials", _("Trial lessons"), ready=True),
        Section("hours", _("My working hours"), ready=True),
    ],
    Role.MANAGER: [
        Section("overview", _("School overview"), ready=True),
        Section("staff", _("Staff"), ready=True),
        Section("students", _("Students"), ready=True),
        Section("lessons", _("Lessons"), ready=True),
        Section("dictionaries", _("Dictionaries"), ready=True),
        Section("products", _("Lesson packages"), ready=True),
        Section("payments", _("Payments"), ready=True),
        Section("free-lessons", _("Free lessons"), ready=True),
        Section("report", _("Report"), ready=True),
        Section("payment-account", _("Payment account"), ready=True),
        Section("funnel", _("Trial funnel"), ready=True),
        Section("settings", _("School settings"), ready=True),
    ],
}

AREA_TITLES = {
    Role.STUDENT: _("Student"),
    Role.TEACHER: _("Teacher"),
    Role.METHODOLOGIST: _("Methodologist"),
    Role.MANAGER: _("Manager"),
}


# Sections with a page of their own; the rest go through the area's generic section URL.
_OWN_PAGES = {
    (Role.STUDENT, "dashboard"): "areas:student",
    (Role.TEACHER, "dashboard"): "areas:teacher",
    (Role.TEACHER, "students"): "areas:teacher_students",
    (Role.METHODOLOGIST, "trials"): "areas:methodologist",
    (Role.MANAGER, "overview"): "areas:manager",
    (Role.MANAGER, "staff"): "areas:manager_staff",
    (Role.MANAGER, "students"): "areas:manager_students",
    (Role.MANAGER, "settings"): "areas:manager_settings",
    (Role.MANAGER, "funnel"): "areas:manager_funnel",
    (Role.METHODOLOGIST, "hours"): "areas:methodologist_hours",
    (Role.MANAGER, "products"): "billing:manager_products",
    (Role.MANAGER, "payments"): "billing:manager_payments",
    (Role.MANAGER, "free-lessons"): "billing:manager_promo_codes",
    (Role.MANAGER, "report"): "billing:manager_report",
    (Role.MANAGER, "payment-account"): "billing:manager_payment_account",
    (Role.STUDENT, "free-lessons"): "billing:student_free_lessons",
    (Role.MANAGER, "lessons"): "lessons:manager",
    (Role.STUDENT, "payments"): "billing:student_payments",
    (Role.STUDENT, "lessons"): "lessons:student",
    (Role.STUDENT, "schedule"): "lessons:student_schedule",
    (Role.TEACHER, "lessons"): "lessons:teacher",
    (Role.TEACHER, "schedule"): "lessons:teacher_schedule",
    (Role.TEACHER, "materials"): "materials:library",
    (Role.TEACHER, "links"): "materials:links",
    (Role.TEACHER, "files"): "materials:files",
    (Role.TEACHER, "topics"): "materials:topics",
    (Role.STUDENT, "dictionary"): "vocabulary:student_dictionary",
    (Role.TEACHER, "dictionaries"): "vocabulary:dictionaries",
    (Role.MANAGER, "dictionaries"): "vocabulary:dictionaries",
    (Role.STUDENT, "lesson-plan"): "materials:student_topics",
    (Role.STUDENT, "courses"): "materials:student_courses",
    (Role.TEACHER, "assignments"): "worksheets:teacher",
    (Role.STUDENT, "worksheets"): "worksheets:student",
}


def section_url(role: str, section: Section) -> str:
    from django.urls import reverse

    own = _OWN_PAGES.get((role, section.slug))
    if own:
        return reverse(own)
    return reverse(f"areas:{role}_section", kwargs={"slug": section.slug})


def navigation(role: str) -> list[dict]:
    return [{"section": section, "url": section_url(role, section)} for section in AREAS[role]]


def home_section(role: str) -> Section:
    return AREAS[role][0]


def find_section(role: str, slug: str) -> Section | None:
    return next((section for section in AREAS.get(role, []) if section.slug == slug), None)
