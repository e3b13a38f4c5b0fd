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

from tenant_apps.materials.models import LessonPlan, PlanItem


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


def get_item_for_user(user, pk: int) -> PlanItem:
    """A plan item whose plan the user may see; 404 for everybody else (files included)."""
    item = PlanItem.objects.select_related("plan__lesson").filter(pk=pk).first()
    if item is None or not can_view_plan(user, item.plan):
        raise Http404
    return item
