"""CSV in and out and the Anki export of a student's dictionary (whoever may open the dictionary)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tenant_apps.vocabulary import exchange, selectors
from tenant_apps.vocabulary.forms import ImportForm
from tenant_apps.vocabulary.permissions import get_student_for_dictionary
from tenant_apps.vocabulary.views import _area_for, _dictionary_url


def _filename(student, extension: str) -> str:
    return f"dictionary-{student.pk}-{timezone.localdate().isoformat()}.{extension}"


def _attachment(content, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def export_csv(request, student_id):
    student = get_student_for_dictionary(request.user, student_id)
    words = selectors.words_for_student(student).order_by("created_at", "pk")
    return _attachment("\ufeff" + exchange.export_csv(words), "text/csv; charset=utf-8", _filename(student, "csv"))


@login_required
def export_apkg(request, student_id):
    student = get_student_for_dictionary(request.user, student_id)
    words = selectors.words_for_student(student).order_by("created_at", "pk")
    deck_name = _("Dictionary of %(name)s") % {"name": student.get_full_name() or student.email}
    data = exchange.export_apkg(words, student=student, deck_name=deck_name)
    return _attachment(data, "application/apkg", _filename(student, "apkg"))


@login_required
def import_csv(request, student_id):
    """Upload → preview with each row's errors → import (all rows, or the good ones if chosen)."""
    student = get_student_for_dictionary(request.user, student_id)
    _area_for(request, student)
    form = ImportForm(request.POST or None, request.FILES or None)
    context = {"form": form, "student": student, "back": _dictionary_url(request, student)}
    if request.method != "POST":
        return render(request, "vocabulary/import.html", context)
    text = request.POST.get("csv_text", "") if "confirm" in request.POST else _uploaded_text(request, form)
    if text is None:
        return render(request, "vocabulary/import.html", context, status=422)
    preview = exchange.read_csv(text, default_language=selectors.default_language(student))
    skip = request.POST.get("skip_errors") == "on"
    if "confirm" in request.POST and not preview.errors and preview.good and (skip or not preview.bad):
        count = exchange.import_rows(preview.good, student=student, by=request.user)
        messages.success(request, ngettext("%(count)s word imported.", "%(count)s words imported.", count)
                         % {"count": count})
        return redirect(_dictionary_url(request, student))
    context.update(preview=preview, csv_text=text, skip=skip)
    status = 422 if "confirm" in request.POST or preview.errors else 200
    return render(request, "vocabulary/import.html", context, status=status)


def _uploaded_text(request, form) -> str | None:
    upload = request.FILES.get("file")
    if upload is None:
        form.add_error("file", _("Choose a CSV file."))
        return None
    if upload.size > exchange.MAX_IMPORT_BYTES:
        form.add_error("file", _("The file is larger than 1 MB; split it into parts."))
        return None
    try:
        return upload.read().decode("utf-8-sig")
    except UnicodeDecodeError:
        form.add_error("file", _("The file is not UTF-8 text. Save it as “CSV UTF-8” and try again."))
        return None
