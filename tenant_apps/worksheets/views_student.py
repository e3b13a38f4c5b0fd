"""The student's worksheets: the list, the runner (autosaved), the result; and the files, after an access check."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tenant_apps.accounts.models import Role
from tenant_apps.accounts.permissions import role_required
from tenant_apps.materials.responses import private_file_response
from tenant_apps.materials.storage import private_storage
from tenant_apps.worksheets import runner, selectors, services
from tenant_apps.worksheets.live import lesson_with_worksheet_for_student, solution_revealed
from tenant_apps.worksheets.models import Attempt, WorksheetFile
from tenant_apps.worksheets.permissions import can_view_file, get_attempt_for_student, get_worksheet_to_attempt

student_page = role_required(Role.STUDENT, section="worksheets")


@student_page
def student_home(request):
    shares = list(selectors.shared_with_student(request.user))
    latest = {}
    for attempt in Attempt.objects.filter(student=request.user).order_by("started_at"):
        latest[attempt.worksheet_id] = attempt
    rows = [{"worksheet": share.worksheet, "attempt": latest.get(share.worksheet_id)} for share in shares]
    return render(request, "worksheets/student_home.html", {"rows": rows})


@student_page
def run(request, pk):
    worksheet = get_worksheet_to_attempt(request.user, pk)
    attempt = services.attempt_start(worksheet=worksheet, student=request.user,
                                     lesson=lesson_with_worksheet_for_student(request.user, worksheet))
    items = runner.view_items(worksheet.items, attempt.answers)
    if solution_revealed(attempt):  # shown by the teacher in the lesson, never before
        for view, item in zip(items, worksheet.items, strict=True):
            view["solution_text"] = runner.solution_text(item) or (
                "" if item["type"] != "truefalse" else (_("True") if item["answer"] else _("False")))
    return render(request, "worksheets/run.html", {
        "worksheet": worksheet, "attempt": attempt, "items": items,
        "pages": selectors.background_pages(worksheet, items),
    })


@student_page
@require_POST
def save(request, pk):
    """Autosave: the whole form, on every change. 409 once the attempt was submitted (e.g. in another tab)."""
    attempt = get_attempt_for_student(request.user, pk)
    answers = runner.answers_from_form(attempt.worksheet.items, request.POST)
    try:
        attempt = services.attempt_save(attempt=attempt, answers=answers)
    except services.AttemptClosed:
        return JsonResponse({"error": _("This attempt was already handed in.")}, status=409)
    except ValidationError as error:
        return JsonResponse({"error": error.messages[0]}, status=422)
    return JsonResponse({"saved_at": attempt.saved_at.isoformat()})


@student_page
@require_POST
def submit(request, pk):
    attempt = get_attempt_for_student(request.user, pk)
    answers = None if attempt.is_submitted else runner.answers_from_form(attempt.worksheet.items, request.POST)
    try:
        services.attempt_submit(attempt=attempt, answers=answers)
    except ValidationError as error:
        raise Http404 from error
    return redirect("worksheets:result", pk=attempt.pk)


@student_page
def result(request, pk):
    attempt = get_attempt_for_student(request.user, pk)
    if not attempt.is_submitted:
        return redirect("worksheets:run", pk=attempt.worksheet_id)
    items = runner.result_items(attempt.worksheet.items, attempt.answers, attempt.result)
    return render(request, "worksheets/result.html", {
        "attempt": attempt, "worksheet": attempt.worksheet, "items": items,
        "pages": selectors.background_pages(attempt.worksheet, items),
    })


@login_required
def open_worksheet(request, pk):
    """The stage's card: the student goes to do it (live, in the lesson), its teacher to its attempts."""
    from tenant_apps.worksheets.models import Worksheet
    from tenant_apps.worksheets.permissions import can_attempt_worksheet, can_change_worksheet

    worksheet = Worksheet.objects.filter(pk=pk).first()
    if worksheet is not None and can_attempt_worksheet(request.user, worksheet):
        return redirect("worksheets:run", pk=worksheet.pk)
    if worksheet is not None and can_change_worksheet(request.user, worksheet):
        return redirect("worksheets:attempts", pk=worksheet.pk)
    raise Http404


# Files ---------------------------------------------------------------------------------------------------
def _file_for_user(user, pk) -> WorksheetFile:
    found = WorksheetFile.objects.select_related("worksheet").filter(pk=pk).first()
    if found is None or not can_view_file(user, found.worksheet):
        raise Http404
    return found


def _serve(request, name, content_type):
    storage = private_storage()
    if not storage.exists(name):
        raise Http404
    return private_file_response(request, storage, name, content_type)


@login_required
def file(request, pk):
    found = _file_for_user(request.user, pk)
    return _serve(request, found.file.name, found.content_type)


@login_required
def file_page(request, pk, number):
    found = _file_for_user(request.user, pk)
    if not 1 <= number <= len(found.pages):
        raise Http404
    page = found.pages[number - 1]
    return _serve(request, page["name"], found.content_type if found.kind == "image" else "image/jpeg")
