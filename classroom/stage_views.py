"""The room's HTTP side of the stage: the teacher adds an item or a template mid-lesson, searches the library
and keeps a found material in the plan; either side adds a word.

Both answer JSON for the room's script. The lesson's two people only (404 for anyone else, the same
answer as for a lesson that does not exist); adding an item is the teacher's (403 for the student).
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.http import Http404, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from classroom.access import lesson_for_seat
from classroom.stage import stage_announce
from tenant_apps.materials.forms import ItemForm
from tenant_apps.materials.models import LessonPlan
from tenant_apps.materials.permissions import can_view_plan, materials_visible_to
from tenant_apps.materials.selectors import LibraryFilters, material_payload, material_search
from tenant_apps.materials.services import lesson_plan_use_material, plan_copy, plan_create
from tenant_apps.materials.views import add_item_from_form
from tenant_apps.vocabulary.forms import WordForm
from tenant_apps.vocabulary.services import word_add


def _seat_or_404(user, lesson_id):
    seat = lesson_for_seat(user, lesson_id)
    if seat is None:
        raise Http404
    return seat


def _errors(form) -> JsonResponse:
    return JsonResponse({"errors": {field: [str(error) for error in errors] for field, errors in form.errors.items()}},
                        status=422)


@login_required
@require_POST
def room_item_new(request, lesson_id):
    """Upload or link a new item into the lesson's plan; the teacher's page then shows it at once."""
    seat = _seat_or_404(request.user, lesson_id)
    if not seat.is_leader:
        raise PermissionDenied
    form = ItemForm(request.POST, request.FILES)
    if not form.is_valid():
        return _errors(form)
    plan = _room_plan(request, seat)
    item = add_item_from_form(form, plan, request.user)
    if item is None:
        return _errors(form)
    html = render_to_string("materials/_room_item.html", {"item": item, "plan": plan}, request=request)
    return JsonResponse({"item": material_payload(item.material), "html": html, "plan": plan.pk}, status=201)


@login_required
@require_POST
def room_plan_new(request, lesson_id):
    """The teacher copies a template into the lesson mid-lesson; the panel switches to it."""
    seat = _seat_or_404(request.user, lesson_id)
    if not seat.is_leader:
        raise PermissionDenied
    template_id = request.POST.get("template", "")
    template = LessonPlan.objects.filter(pk=int(template_id), lesson__isnull=True).first() if (
        template_id.isdigit()) else None
    if template is None or not can_view_plan(request.user, template):
        return JsonResponse({"errors": {"template": [_("Choose one of the school's templates.")]}}, status=422)
    plan = plan_copy(plan=template, owner=request.user, lesson=seat.lesson)
    html = render_to_string("materials/_room_plan.html", {"plan": plan}, request=request)
    return JsonResponse({"plan": plan.pk, "title": plan.title, "html": html}, status=201)


def _room_plan(request, seat) -> LessonPlan:
    """The plan the panel shows, else the lesson's first plan, else a new one for the lesson."""
    plans = LessonPlan.objects.filter(lesson=seat.lesson)
    plan_id = request.POST.get("plan", "")
    plan = plans.filter(pk=int(plan_id)).first() if plan_id.isdigit() else None
    plan = plan or plans.order_by("pk").first()
    if plan is None:
        plan = plan_create(owner=request.user, lesson=seat.lesson, title=_("This lesson's plan"))
    return plan


@login_required
def room_library_search(request, lesson_id):
    """The teacher searches the whole library from the stage panel (as they type); JSON for the room's script."""
    seat = _seat_or_404(request.user, lesson_id)
    if not seat.is_leader:
        raise PermissionDenied
    filters = LibraryFilters(q=request.GET.get("q", "")[:200])
    results = [
        {"id": material.pk, "title": material.title, "kind": material.kind, "kindLabel": material.get_kind_display(),
         "where": f"{material.lesson.course.title} · {material.lesson.number}" if material.lesson_id else "",
         "pages": material.page_count}
        for material in material_search(request.user, filters, limit=20)
    ]
    return JsonResponse({"results": results})


@login_required
@require_POST
def room_library_add(request, lesson_id, material_id):
    """"Add to this lesson's plan": a material found mid-lesson stays in the plan for next time."""
    seat = _seat_or_404(request.user, lesson_id)
    if not seat.is_leader:
        raise PermissionDenied
    material = materials_visible_to(request.user).filter(pk=material_id).first()
    if material is None:
        raise Http404
    item = lesson_plan_use_material(lesson=seat.lesson, material=material, by=request.user)
    html = render_to_string("materials/_room_item.html", {"item": item, "plan": item.plan}, request=request)
    return JsonResponse({"item": material_payload(material), "html": html, "plan": item.plan_id}, status=201)


@login_required
@require_POST
def room_word_new(request, lesson_id):
    """Either of the two adds a word to the student's dictionary; both rooms' lists show it at once."""
    seat = _seat_or_404(request.user, lesson_id)
    form = WordForm(request.POST)
    if not form.is_valid():
        return _errors(form)
    with transaction.atomic():
        word = word_add(lesson=seat.lesson, by=request.user, **form.cleaned_data)
        payload = word_payload(word)
        schema_name = connection.schema_name
        transaction.on_commit(lambda: stage_announce(
            schema_name=schema_name, lesson_id=seat.lesson.pk, event={"type": "stage.word", "word": payload}
        ))
    return JsonResponse({"word": payload}, status=201)


def word_payload(word) -> dict:
    return {"id": word.pk, "word": word.word, "translation": word.translation, "example": word.example,
            "transcription": word.transcription}


@login_required
@require_POST
def room_worksheet_reveal(request, lesson_id, worksheet_id):
    """The teacher shows the solution of the worksheet on the stage; the student's worksheet page shows it."""
    from tenant_apps.materials.models import Stage
    from tenant_apps.worksheets.models import Worksheet
    from tenant_apps.worksheets.services import live_reveal

    seat = _seat_or_404(request.user, lesson_id)
    if not seat.is_leader:
        raise PermissionDenied
    worksheet = Worksheet.objects.filter(pk=worksheet_id, material__isnull=False).first()
    on_stage = worksheet is not None and Stage.objects.filter(lesson=seat.lesson, material_id=worksheet.material_id)
    if not on_stage or not on_stage.exists():
        raise Http404
    with transaction.atomic():
        live_reveal(lesson=seat.lesson, worksheet=worksheet)
        schema_name = connection.schema_name
        transaction.on_commit(lambda: stage_announce(
            schema_name=schema_name, lesson_id=seat.lesson.pk, event={"type": "stage.reveal", "worksheet": worksheet.pk}
        ))
    return JsonResponse({"revealed": worksheet.pk})
