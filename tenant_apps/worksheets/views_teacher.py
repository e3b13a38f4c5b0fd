"""The teacher's "Assignments": worksheets, the builder, GIFT import/export, PDF → interactive, attempts."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from tenant_apps.accounts.models import Role, User
from tenant_apps.accounts.permissions import role_required
from tenant_apps.worksheets import engine, runner, selectors, services
from tenant_apps.worksheets.backgrounds import worksheet_from_background
from tenant_apps.worksheets.forms import (
    TYPE_LABELS,
    BackgroundForm,
    BoxForm,
    GiftImportForm,
    GradeForm,
    ItemForm,
    ShareForm,
    WorksheetForm,
)
from tenant_apps.worksheets.models import Attempt, Worksheet
from tenant_apps.worksheets.permissions import get_attempt_for_teacher, get_worksheet_to_change

teacher_page = role_required(Role.TEACHER, section="assignments")


def _my_students(teacher):
    return User.objects.filter(is_student=True, enrollments__teacher=teacher).distinct().order_by("full_name")


def _home(request, *, new_form=None, gift_form=None, background_form=None, gift_errors=(), status=200):
    worksheets = (Worksheet.objects.filter(owner=request.user)
                  .annotate(attempt_count=Count("attempts", filter=Q(attempts__submitted_at__isnull=False))))
    return render(request, "worksheets/teacher_home.html", {
        "worksheets": worksheets, "new_form": new_form or WorksheetForm(), "gift_form": gift_form or GiftImportForm(),
        "background_form": background_form or BackgroundForm(), "gift_errors": gift_errors,
    }, status=status)


@teacher_page
def teacher_home(request):
    return _home(request)


@teacher_page
@require_POST
def worksheet_new(request):
    form = WorksheetForm(request.POST)
    if not form.is_valid():
        return _home(request, new_form=form, status=422)
    worksheet = services.worksheet_create(owner=request.user, **form.cleaned_data)
    return redirect("worksheets:builder", pk=worksheet.pk)


@teacher_page
@require_POST
def gift_import(request):
    form = GiftImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _home(request, gift_form=form, status=422)
    data = form.cleaned_data
    outcome = services.worksheet_import_gift(owner=request.user, title=data["title"], source=data["source"],
                                             keep_good=data["keep_good"])
    if outcome.worksheet is None:
        return _home(request, gift_form=form, gift_errors=outcome.result.errors, status=422)
    if outcome.result.errors:
        messages.warning(request, ngettext(
            "Imported %(good)s question; these could not be read: %(lines)s.",
            "Imported %(good)s questions; these could not be read: %(lines)s.", len(outcome.result.items)) % {
            "good": len(outcome.result.items), "lines": ", ".join(
                _("line %(line)s (%(why)s)") % {"line": line, "why": why} for line, why in outcome.result.errors)})
    else:
        count = len(outcome.result.items)
        messages.success(request, ngettext("Imported %(count)s question.", "Imported %(count)s questions.", count)
                         % {"count": count})
    return redirect("worksheets:builder", pk=outcome.worksheet.pk)


@teacher_page
@require_POST
def background_new(request):
    form = BackgroundForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            worksheet = worksheet_from_background(owner=request.user, title=form.cleaned_data["title"],
                                                  upload=form.cleaned_data["file"])
        except ValidationError as error:
            form.add_error("file", error)
        else:
            count = len(worksheet.suggestions)
            if count:
                messages.success(request, ngettext(
                    "Panda found %(count)s blank in the PDF: give its answer or draw your own boxes.",
                    "Panda found %(count)s blanks in the PDF: give their answers or draw your own boxes.", count)
                    % {"count": count})
            return redirect("worksheets:builder", pk=worksheet.pk)
    return _home(request, background_form=form, status=422)


# The builder ---------------------------------------------------------------------------------------------
def _builder(request, worksheet, *, form=None, status=200):
    return render(request, "worksheets/builder.html", {
        "worksheet": worksheet, "form": form or WorksheetForm(initial={"title": worksheet.title,
                                                                         "instructions": worksheet.instructions}),
        "items": [dict(item, label=TYPE_LABELS.get(item["type"], item["type"]), solution=runner.solution_text(item))
                  for item in worksheet.items],
        "types": TYPE_LABELS, "share_form": ShareForm(students=_my_students(request.user)),
        "pages": selectors.background_pages(worksheet), "box_form": BoxForm(),
    }, status=status)


@teacher_page
def builder(request, pk):
    worksheet = get_worksheet_to_change(request.user, pk)
    if request.method == "POST":
        form = WorksheetForm(request.POST)
        if not form.is_valid():
            return _builder(request, worksheet, form=form, status=422)
        services.worksheet_update(worksheet=worksheet, **form.cleaned_data)
        messages.success(request, _("Saved."))
        return redirect("worksheets:builder", pk=worksheet.pk)
    return _builder(request, worksheet)


def _item_page(request, worksheet, form, *, item_id=None, status=200):
    return render(request, "worksheets/item_form.html", {
        "worksheet": worksheet, "form": form, "kind": form.kind, "kind_label": TYPE_LABELS[form.kind],
        "item_id": item_id, "box": form.base.get("box"), "pages": selectors.background_pages(worksheet),
    }, status=status)


def _save_item(worksheet, form) -> bool:
    """Store the item's files (checked by their content) and the item; False with the form's errors."""
    try:
        for field in ("file", "audio"):
            upload = form.cleaned_data.get(field)
            if upload:
                kind = "audio" if field == "audio" else form.kind
                form.item[field] = services.worksheet_file_add(worksheet=worksheet, upload=upload, kind=kind).pk
        services.worksheet_item_save(worksheet=worksheet, item=form.item)
    except ValidationError as error:
        form.add_error("file" if "file" in form.fields else "audio", error)
        return False
    except engine.ItemError as error:
        form.add_error(None, str(error))
        return False
    return True


@teacher_page
def item_new(request, pk):
    worksheet = get_worksheet_to_change(request.user, pk)
    kind = request.GET.get("type", "")
    if kind not in TYPE_LABELS:
        raise Http404
    base = selectors.box_from_query(worksheet, request.GET)
    if request.method == "POST":
        form = ItemForm(request.POST, request.FILES, kind=kind, item=None, initial={})
        form.base = base
        if form.is_valid() and _save_item(worksheet, form):
            services.worksheet_suggestion_done(worksheet=worksheet, box=base.get("box"))
            messages.success(request, _("Added."))
            return redirect(reverse("worksheets:builder", args=[worksheet.pk]) + f"#item-{form.item['id']}")
        return _item_page(request, worksheet, form, status=422)
    form = ItemForm(kind=kind, initial={"points": 1, "body": "[]" if base.get("box") and kind in ("gaps",) else ""})
    form.base = base
    return _item_page(request, worksheet, form)


@teacher_page
def item_edit(request, pk, item_id):
    worksheet = get_worksheet_to_change(request.user, pk)
    item = worksheet.item(item_id)
    if item is None:
        raise Http404
    if request.method == "POST":
        form = ItemForm(request.POST, request.FILES, kind=item["type"], item=item)
        if form.is_valid() and _save_item(worksheet, form):
            messages.success(request, _("Saved."))
            return redirect(reverse("worksheets:builder", args=[worksheet.pk]) + f"#item-{item_id}")
        return _item_page(request, worksheet, form, item_id=item_id, status=422)
    return _item_page(request, worksheet, ItemForm(kind=item["type"], item=item), item_id=item_id)


@teacher_page
@require_POST
def item_delete(request, pk, item_id):
    worksheet = get_worksheet_to_change(request.user, pk)
    services.worksheet_item_delete(worksheet=worksheet, item_id=item_id)
    messages.success(request, _("Removed."))
    return redirect("worksheets:builder", pk=worksheet.pk)


@teacher_page
@require_POST
def item_move(request, pk, item_id):
    worksheet = get_worksheet_to_change(request.user, pk)
    services.worksheet_item_move(worksheet=worksheet, item_id=item_id, up=request.POST.get("direction") != "down")
    return redirect(reverse("worksheets:builder", args=[worksheet.pk]) + f"#item-{item_id}")


@teacher_page
@require_POST
def box_new(request, pk):
    """A box drawn on a page: on to its item form, where the teacher gives the answer."""
    worksheet = get_worksheet_to_change(request.user, pk)
    form = BoxForm(request.POST)
    pages = len(worksheet.background.pages) if worksheet.background else 0
    if not form.is_valid() or form.cleaned_data["page"] > pages:
        messages.error(request, _("Draw the box on one of the pages."))
        return redirect("worksheets:builder", pk=worksheet.pk)
    box = form.box()
    query = f"type={form.cleaned_data['type']}&box={box['page']},{box['x']},{box['y']},{box['w']},{box['h']}"
    return redirect(reverse("worksheets:item_new", args=[worksheet.pk]) + "?" + query)


@teacher_page
@require_POST
def share(request, pk):
    worksheet = get_worksheet_to_change(request.user, pk)
    form = ShareForm(request.POST, students=_my_students(request.user))
    if not form.is_valid():
        messages.error(request, _("Choose one of your students."))
        return redirect("worksheets:builder", pk=worksheet.pk)
    services.worksheet_share(worksheet=worksheet, student=form.cleaned_data["student"])
    messages.success(request, _("%(student)s can do it now, under “Worksheets”.")
                     % {"student": form.cleaned_data["student"].get_full_name()})
    return redirect("worksheets:builder", pk=worksheet.pk)


@teacher_page
def gift_export(request, pk):
    worksheet = get_worksheet_to_change(request.user, pk)
    text, _skipped = services.worksheet_export_gift(worksheet)
    response = HttpResponse(text, content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="worksheet-{worksheet.pk}.gift.txt"'
    return response


@teacher_page
def preview(request, pk):
    worksheet = get_worksheet_to_change(request.user, pk)
    items = runner.view_items(worksheet.items, {})
    return render(request, "worksheets/run.html", {
        "worksheet": worksheet, "items": items, "attempt": None, "preview": True,
        "pages": selectors.background_pages(worksheet, items),
    })


# Attempts --------------------------------------------------------------------------------------------------
@teacher_page
def attempts(request, pk):
    worksheet = get_worksheet_to_change(request.user, pk)
    rows = Attempt.objects.filter(worksheet=worksheet).select_related("student").order_by("-started_at")
    return render(request, "worksheets/attempts.html", {"worksheet": worksheet, "attempts": rows})


@teacher_page
def attempt_detail(request, pk):
    attempt = get_attempt_for_teacher(request.user, pk)
    form = GradeForm()
    if request.method == "POST":
        form = GradeForm(request.POST)
        if form.is_valid():
            try:
                services.attempt_grade_item(attempt=attempt, item_id=request.POST.get("item", ""),
                                            points=form.cleaned_data["points"])
            except ValidationError as error:
                form.add_error("points", error)
            else:
                messages.success(request, _("Graded."))
                return redirect("worksheets:attempt", pk=attempt.pk)
    items = runner.result_items(attempt.worksheet.items, attempt.answers, attempt.result)
    return render(request, "worksheets/attempt.html", {
        "attempt": attempt, "worksheet": attempt.worksheet, "grade_form": form, "items": items,
        "pages": selectors.background_pages(attempt.worksheet, items),
    }, status=422 if form.errors else 200)
