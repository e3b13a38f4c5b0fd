"""Who may see and change lesson plans and their files.

Seeing a lesson's plan (and its files): the lesson's teacher and student, the plan's author, and the
school's staff who oversee teaching (managers, methodologists). Templates are the school's shared shelf:
every teacher and the same staff see them. Anyone else gets "not found", the same answer as for a plan
that does not exist; another school's plans live in another schema and do not exist here at all.

Changing a plan: its author, or the lesson's teacher.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from tenant_apps.materials.models import Course, LessonPlan, Material, PlanItem, StudentMaterial


def is_overseer(user) -> bool:
    return user.is_manager or user.is_methodologist


def can_view_plan(user, plan: LessonPlan) -> bool:
    if not (user.is_authenticated and user.is_active):
        return False
    if is_overseer(user):
        return True
    if plan.is_template:
        return user.is_teacher
    return user.pk in (plan.owner_id, plan.lesson.teacher_id, plan.lesson.student_id)


def can_change_plan(user, plan: LessonPlan) -> bool:
    if user.pk == plan.owner_id:
        return True
    return not plan.is_template and user.pk == plan.lesson.teacher_id


def plans_visible_to_teacher(user):
    """The plans a teacher works with: their own, and the plans of the lessons they teach."""
    return LessonPlan.objects.filter(Q(owner=user) | Q(lesson__teacher=user))


def get_plan_to_change(user, pk: int) -> LessonPlan:
    plan = LessonPlan.objects.select_related("lesson").filter(pk=pk).first()
    if plan is None or not can_view_plan(user, plan):
        raise Http404
    if not can_change_plan(user, plan):
        raise PermissionDenied
    return plan


def get_plan_to_view(user, pk: int) -> LessonPlan:
    plan = LessonPlan.objects.select_related("lesson").filter(pk=pk).first()
    if plan is None or not can_view_plan(user, plan):
        raise Http404
    return plan


# The library ------------------------------------------------------------------------------------------
# Seeing a material: its author; the school's teachers and staff once it is in the school's library; the
# teacher of a lesson whose plan uses it; a student once it has been shown or assigned to them (and only
# then, files included). Changing: its author, and for the school's library the staff who curate it
# (methodologists, managers). Everyone else: "not found".
def is_library_user(user) -> bool:
    return user.is_authenticated and user.is_active and (user.is_teacher or is_overseer(user))


def can_view_material(user, material: Material) -> bool:
    if not (user.is_authenticated and user.is_active):
        return False
    if material.owner_id == user.pk:
        return True
    if material.shared and is_library_user(user):
        return True
    if user.is_teacher and PlanItem.objects.filter(material=material, plan__lesson__teacher=user).exists():
        return True
    if is_overseer(user) and PlanItem.objects.filter(material=material).exists():  # they oversee the lessons
        return True
    return StudentMaterial.objects.filter(student=user, material=material).exists()


def can_change_material(user, material: Material) -> bool:
    return material.owner_id == user.pk or (material.shared and is_overseer(user))


def materials_visible_to(user):
    """The library as this user browses it: the school's shared materials and their own shelf."""
    if not is_library_user(user):
        return Material.objects.none()
    return Material.objects.filter(Q(shared=True) | Q(owner=user))


def courses_visible_to(user):
    if not is_library_user(user):
        return Course.objects.none()
    return Course.objects.filter(Q(shared=True) | Q(owner=user))


def get_material_for_user(user, pk: int) -> Material:
    """A material the user may see; 404 for everybody else (its files included)."""
    material = Material.objects.filter(pk=pk).first()
    if material is None or not can_view_material(user, material):
        raise Http404
    return material


def get_material_to_change(user, pk: int) -> Material:
    material = get_material_for_user(user, pk)
    if not can_change_material(user, material):
        raise PermissionDenied
    return material


def get_course_for_user(user, pk: int) -> Course:
    course = courses_visible_to(user).select_related("language", "level_from", "level_to", "owner").filter(
        pk=pk).first()
    if course is None:
        raise Http404
    return course


def can_change_course(user, course: Course) -> bool:
    return course.owner_id == user.pk or (course.shared and is_overseer(user))


def get_course_to_change(user, pk: int) -> Course:
    course = get_course_for_user(user, pk)
    if not can_change_course(user, course):
        raise PermissionDenied
    return course
