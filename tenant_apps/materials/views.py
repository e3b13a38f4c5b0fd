"""Lesson plans: the teacher's shelf and editor, the student's topics, the files, and the room's upload."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tenant_apps.accounts.models import Role
from tenant_apps.accounts.permissions import role_required
from tenant_apps.materials import files, selectors, services
from tenant_apps.materials.forms import ApplyTemplateForm, ItemForm, PlanForm, TemplateForm
from tenant_apps.materials.models import PlanItem
from tenant_apps.materials.permissions import get_material_for_user, get_plan_to_change, get_plan_to_view
from tenant_apps.materials.responses import private_file_response
from tenant_apps.materials.storage import private_storage
from tenant_apps.scheduling.models import Lesson

teacher_page = role_required(Role.TEACHER, section="materials")
# A template may be applied to any of the teacher's lessons of the next eight weeks.
APPLY_AHEAD = timedelta(weeks=8)


# The teacher's shelf ---------------------------------------------------------------------------------
@teacher_page
def teacher_home(request):
    context = {
        "lessons": selectors.upcoming_lessons_with_plans(request.user),
        "templates": selectors.templates_shelf(),
        "template_form": TemplateForm(),
    }
    return render(request, "materials/teacher_home.html", context)


@teacher_page
@require_POST
def lesson_plan_new(request, lesson_id):
    lesson = get_object_or_404(Lesson, pk=lesson_id, teacher=request.user)
    template_id = request.POST.get("template")
    if template_id:
        template = get_plan_to_view(request.user, int(template_id)) if template_id.isdigit() else None
        if template is None or not template.is_template:
            raise Http404
        plan = services.plan_copy(plan=template, owner=request.user, lesson=lesson)
    else:
        plan = services.plan_create(owner=request.user, lesson=lesson, title=_("This lesson's plan"))
    return redirect("materials:plan", pk=plan.pk)


@teacher_page
@require_POST
def template_new(request):
    form = TemplateForm(request.POST)
    if not form.is_valid():
        context = {"lessons": selectors.upcoming_lessons_with_plans(request.user),
                   "templates": selectors.templates_shelf(), "template_form": form}
        return render(request, "materials/teacher_home.html", context, status=422)
    plan = services.plan_create(owner=request.user, title=form.cleaned_data["title"], topic=form.cleaned_data["topic"])
    return redirect("materials:plan", pk=plan.pk)


# One plan ------------------------------------------------------------------------------------------------
def _lessons_to_apply(teacher):
    """The lessons a template may be applied to: the teacher's scheduled ones of the next eight weeks."""
    now = timezone.now()
    return Lesson.objects.filter(teacher=teacher, status=Lesson.Status.SCHEDULED, ends_at__gt=now,
                                 starts_at__lt=now + APPLY_AHEAD).select_related("student").order_by("starts_at")


def _editor(request, plan, *, plan_form=None, item_form=None, status=200):
    lessons = _lessons_to_apply(request.user)
    context = {
        "plan": plan,
        "items": plan.items.select_related("material").order_by("position"),
        "plan_form": plan_form or (TemplateForm(instance=plan) if plan.is_template else PlanForm(instance=plan)),
        "item_form": item_form or ItemForm(),
        "apply_form": ApplyTemplateForm(lessons=lessons),
        "accept": files.ACCEPT_ATTR,
    }
    return render(request, "materials/plan.html", context, status=status)


@teacher_page
def plan_detail(request, pk):
    plan = get_plan_to_change(request.user, pk)
    if request.method == "POST":
        form = (TemplateForm if plan.is_template else PlanForm)(request.POST, instance=plan)
        if form.is_valid():
            data = form.cleaned_data
            services.plan_update(plan=plan, title=data["title"], topic=data["topic"],
                                 topic_shared=data.get("topic_shared", False))
            messages.success(request, _("Saved."))
            return redirect("materials:plan", pk=plan.pk)
        plan.refresh_from_db()
        return _editor(request, plan, plan_form=form, status=422)
    return _editor(request, plan)


@teacher_page
@require_POST
def item_new(request, pk):
    plan = get_plan_to_change(request.user, pk)
    form = ItemForm(request.POST, request.FILES)
    if form.is_valid() and add_item_from_form(form, plan, request.user):
        messages.success(request, _("Added: %(title)s.") % {"title": form.cleaned_data["title"]})
        return redirect("materials:plan", pk=plan.pk)
    return _editor(request, plan, item_form=form, status=422)


def add_item_from_form(form, plan, user) -> PlanItem | None:
    data = form.cleaned_data
    try:
        return services.item_add(plan=plan, by=user, kind=data["kind"], title=data["title"], text=data["text"],
                                 url=data["url"], upload=data["file"])
    except ValidationError as error:
        form.add_error("file" if data["kind"] in files.FILE_KINDS else None, error)
        return None


@teacher_page
@require_POST
def item_move(request, pk):
    item = get_object_or_404(PlanItem.objects.select_related("plan"), pk=pk)
    get_plan_to_change(request.user, item.plan_id)
    services.item_move(item=item, up=request.POST.get("direction") != "down")
    return redirect("materials:plan", pk=item.plan_id)


@teacher_page
@require_POST
def item_delete(request, pk):
    item = get_object_or_404(PlanItem.objects.select_related("plan"), pk=pk)
    get_plan_to_change(request.user, item.plan_id)
    services.item_delete(item=item)
    messages.success(request, _("Removed: %(title)s.") % {"title": item.title})
    return redirect("materials:plan", pk=item.plan_id)


@teacher_page
@require_POST
def plan_save_as_template(request, pk):
    plan = get_plan_to_change(request.user, pk)
    title = request.POST.get("title", "").strip()[:200] or plan.title
    template = services.plan_copy(plan=plan, owner=request.user, title=title)
    messages.success(request, _("Saved as the template “%(title)s”.") % {"title": template.title})
    return redirect("materials:plan", pk=template.pk)


@teacher_page
@require_POST
def plan_apply(request, pk):
    template = get_plan_to_view(request.user, pk)
    if not template.is_template:
        raise Http404
    form = ApplyTemplateForm(request.POST, lessons=_lessons_to_apply(request.user))
    if not form.is_valid():
        messages.error(request, _("Choose one of your upcoming lessons."))
        return redirect("materials:plan", pk=template.pk) if template.owner_id == request.user.pk else redirect(
            "materials:teacher")
    plan = services.plan_copy(plan=template, owner=request.user, lesson=form.cleaned_data["lesson"])
    messages.success(request, _("The plan was added to the lesson."))
    return redirect("materials:plan", pk=plan.pk)


@teacher_page
@require_POST
def plan_delete(request, pk):
    plan = get_plan_to_change(request.user, pk)
    plan.delete()
    messages.success(request, _("Deleted: %(title)s.") % {"title": plan.title})
    return redirect("materials:teacher")


# The student's topics ------------------------------------------------------------------------------------
@role_required(Role.STUDENT, section="lesson-plan")
def student_topics(request):
    return render(request, "materials/student_topics.html",
                  {"lessons": selectors.shared_topics_for_student(request.user)})


# The student's Courses ------------------------------------------------------------------------------------
@role_required(Role.STUDENT, section="courses")
def student_courses(request):
    return render(request, "materials/student_courses.html", {"courses": selectors.student_courses(request.user)})


@role_required(Role.STUDENT, section="courses")
def student_material(request, pk):
    """A material the student was shown or assigned, as it was shown (the snapshot)."""
    given = selectors.get_given_for_student(request.user, pk)
    return render(request, "materials/student_material.html", {"given": given, "item": given.snapshot})


# Files: only after the access check ----------------------------------------------------------------------
@login_required
def material_file(request, pk, extension=None):
    material = get_material_for_user(request.user, pk)
    if not material.file:
        raise Http404
    return _serve(request, material.file.name, material.content_type)


@login_required
def material_page(request, pk, number):
    material = get_material_for_user(request.user, pk)
    if not 1 <= number <= len(material.pages):
        raise Http404
    return _serve(request, material.pages[number - 1]["name"], "image/jpeg")


@login_required
def material_preview(request, pk):
    """A link's card image (read from the page; served like any other file of the material)."""
    material = get_material_for_user(request.user, pk)
    if not material.preview_image:
        raise Http404
    extension = material.preview_image.rsplit(".", 1)[-1]
    return _serve(request, material.preview_image, PREVIEW_TYPES.get(extension, "application/octet-stream"))


PREVIEW_TYPES = {"png": "image/png", "jpg": "image/jpeg", "gif": "image/gif", "webp": "image/webp"}


def _serve(request, name, content_type):
    storage = private_storage()
    if not storage.exists(name):
        raise Http404
    return private_file_response(request, storage, name, content_type)
