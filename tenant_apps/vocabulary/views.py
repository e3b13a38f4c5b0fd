"""The dictionary's pages: a student's own, a teacher's or manager's view of a student's (with editing),
the review, audio and images through the access check, and CSV/Anki import and export (views_io.py)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import connection, transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from tenant_apps.accounts.models import Role
from tenant_apps.accounts.permissions import role_required
from tenant_apps.materials.models import Material
from tenant_apps.materials.permissions import get_material_for_user, materials_visible_to
from tenant_apps.materials.responses import private_file_response
from tenant_apps.materials.storage import private_storage
from tenant_apps.vocabulary import audio, selectors, services
from tenant_apps.vocabulary.forms import EntryForm, FilterForm, RecordingForm, SentenceForm
from tenant_apps.vocabulary.models import Review, Word
from tenant_apps.vocabulary.permissions import (
    get_card_to_review,
    get_student_for_dictionary,
    get_word_for_user,
    visible_students,
)
from tenant_apps.vocabulary.transcription import segment, transcribe

PAGE_SIZE = 50


def student_zone(student):
    return student.zone(connection.tenant.time_zone)


def _staff_area(request, section="dictionaries"):
    """A teacher's or manager's page about students' dictionaries: in their own area."""
    if request.user.is_teacher:
        request.area_role = Role.TEACHER
    elif request.user.is_manager:
        request.area_role = Role.MANAGER
    else:
        raise PermissionDenied
    request.area_section = section


def _area_for(request, student):
    if student.pk == request.user.pk:
        request.area_role, request.area_section = Role.STUDENT, "dictionary"
    else:
        _staff_area(request)


def _dictionary_page(request, student):
    lessons = list(selectors.lessons_with_words(student))
    form = FilterForm(request.GET or None, languages=selectors.languages_of(student), lessons=lessons,
                      topics=selectors.topics_of(student))
    words = selectors.words_for_student(student, form.word_filter() if form.is_bound else None)
    page = Paginator(words, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "student": student, "own": student.pk == request.user.pk, "form": form, "page": page,
        "words": page.object_list, "lessons": lessons, "query": query.urlencode(),
        # The entries' own URLs, built by string rather than 150 reverse() calls a page.
        "words_url": reverse("vocabulary:word_edit", args=[0]).removesuffix("0/"),
        "filtered": any(value for key, value in request.GET.items() if key not in ("q", "page")),
        "pinyin": form.cleaned_data.get("pinyin") if form.is_bound and form.is_valid() else "marks",
        "due": selectors.due_count(student, now=timezone.now(), zone=student_zone(student)),
    }
    return render(request, "vocabulary/dictionary.html", context)


@role_required(Role.STUDENT, section="dictionary")
def student_dictionary(request):
    """My dictionary: every word from the lessons, newest first, with filters and search."""
    return _dictionary_page(request, request.user)


@login_required
def dictionaries(request):
    """A teacher's students (a manager: every student) with their dictionaries' sizes and today's reviews."""
    _staff_area(request)
    students = list(visible_students(request.user).exclude(pk=request.user.pk).order_by("full_name", "email"))
    now = timezone.now()
    counts = selectors.word_counts(students)
    due = selectors.due_counts(students, now=now, zone=timezone.get_current_timezone())
    rows = [{"student": student, "words": counts.get(student.pk, 0), "due": due.get(student.pk, 0)}
            for student in students]
    return render(request, "vocabulary/dictionaries.html", {"rows": rows})


@login_required
def student_words(request, student_id):
    """A student's dictionary as their teacher or a manager sees (and edits) it."""
    student = get_student_for_dictionary(request.user, student_id)
    if student.pk == request.user.pk:
        return redirect("vocabulary:student_dictionary")
    _staff_area(request)
    return _dictionary_page(request, student)


def _dictionary_url(request, student) -> str:
    if student.pk == request.user.pk:
        return reverse("vocabulary:student_dictionary")
    return reverse("vocabulary:student_words", args=[student.pk])


def _save_image(word, form) -> None:
    image = form.cleaned_data.get("image")
    if image is False and word.image:  # "clear" ticked
        word.image.delete(save=False)
        word.image_type = ""
    elif image:
        name = private_storage().save(audio.upload_name(word, "images", form.image_extension), image)
        word.image, word.image_type = name, form.image_type
    word.save(update_fields=["image", "image_type"])


@login_required
def word_new(request, student_id):
    """Add a word to a student's dictionary (a word already there merges: a new example, more translations)."""
    student = get_student_for_dictionary(request.user, student_id)
    _area_for(request, student)
    form = EntryForm(request.POST or None, request.FILES or None,
                     initial={"language": selectors.default_language(student)})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        existed = Word.objects.filter(student=student, language=data["language"], word__iexact=data["word"]).exists()
        with transaction.atomic():
            word = None
            for example in data["examples"] or [""]:
                word = services.dictionary_add_word(
                    student=student, language=data["language"], word=data["word"], by=request.user,
                    translation=data["translation"], example=example, part_of_speech=data["part_of_speech"],
                    transcription=data["transcription"], notes=data["notes"], topics=data["topics"])
            _save_image(word, form)
        messages.success(request, _("“%(word)s” was already in the dictionary: merged.") % {"word": word.word}
                         if existed else _("“%(word)s” added.") % {"word": word.word})
        return redirect(_dictionary_url(request, student))
    status = 422 if request.method == "POST" else 200
    return render(request, "vocabulary/word_form.html", {
        "form": form, "student": student, "back": _dictionary_url(request, student),
        "word_lists": list(materials_visible_to(request.user).filter(kind=Material.Kind.WORDS).order_by("title")),
    }, status=status)


@login_required
@require_POST
def word_list_add(request, student_id):
    """Every word of a library word list into the student's dictionary, in one click."""
    student = get_student_for_dictionary(request.user, student_id)
    chosen = request.POST.get("material", "")
    material = get_material_for_user(request.user, int(chosen)) if chosen.isdigit() else None
    if material is None or material.kind != Material.Kind.WORDS:
        messages.error(request, _("Choose one of the library’s word lists."))
        return redirect("vocabulary:word_new", student_id=student.pk)
    language = material.language or selectors.default_language(student)
    with transaction.atomic():
        added = [services.dictionary_add_word(
            student=student, language=language, word=row["word"], by=request.user,
            translation=row.get("translation", ""), example=row.get("example", ""),
            topics=[material.title[:64]]) for row in material.words if str(row.get("word", "")).strip()]
    message = ngettext("%(count)s word from “%(list)s” added.", "%(count)s words from “%(list)s” added.", len(added))
    messages.success(request, message % {"count": len(added), "list": material.title})
    return redirect(_dictionary_url(request, student))


@login_required
def word_sentence(request, student_id):
    """Paste a sentence (from the board or the chat): pick its words to add, each with the sentence."""
    student = get_student_for_dictionary(request.user, student_id)
    _area_for(request, student)
    form = SentenceForm(request.POST or None, initial={"language": selectors.default_language(student)})
    picked = request.POST.getlist("pick")
    if request.method == "POST" and form.is_valid() and picked:
        data = form.cleaned_data
        with transaction.atomic():
            for text in picked[:50]:
                services.dictionary_add_word(student=student, language=data["language"], word=text, by=request.user,
                                             translation=request.POST.get(f"translation:{text}", ""),
                                             example=data["sentence"])
        messages.success(request, _("Words added: %(words)s.") % {"words": ", ".join(picked[:50])})
        return redirect(_dictionary_url(request, student))
    candidates = []
    if request.method == "POST" and form.is_valid():
        language = form.cleaned_data["language"]
        candidates = [{"word": text, "transcription": transcribe(language.code, text).text}
                      for text in segment(form.cleaned_data["sentence"], language.code)[:50]]
    status = 422 if request.method == "POST" and not form.is_valid() else 200
    return render(request, "vocabulary/word_sentence.html", {
        "form": form, "student": student, "candidates": candidates, "back": _dictionary_url(request, student),
    }, status=status)


@login_required
def word_edit(request, pk):
    """Edit an entry: a transcription typed (or picked from the variants) here wins over the automatic one."""
    word = get_word_for_user(request.user, pk)
    _area_for(request, word.student)
    initial = {"word": word.word, "translation": word.translation, "part_of_speech": word.part_of_speech,
               "transcription": word.transcription, "examples": "\n".join(word.example_texts),
               "topics": ", ".join(word.topics), "notes": word.notes}
    form = EntryForm(request.POST or None, request.FILES or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        examples, _image = data.pop("examples"), data.pop("image")
        with transaction.atomic():
            updated = services.word_update(entry=word, by=request.user, examples=examples, **data)
            _save_image(updated, form)
        messages.success(request, _("“%(word)s” saved.") % {"word": updated.word})
        return redirect(_dictionary_url(request, word.student))
    status = 422 if request.method == "POST" else 200
    return render(request, "vocabulary/word_form.html", {
        "form": form, "word": word, "student": word.student, "back": _dictionary_url(request, word.student),
        "recording_form": RecordingForm(auto_id="recording-%s"),
    }, status=status)


@login_required
@require_POST
def word_delete(request, pk):
    word = get_word_for_user(request.user, pk)
    services.word_delete(word=word)
    messages.success(request, _("“%(word)s” removed from the dictionary.") % {"word": word.word})
    return redirect(_dictionary_url(request, word.student))


@login_required
@require_POST
def word_recording(request, pk):
    """The teacher's (or the student's own) recorded pronunciation, uploaded or recorded in the browser."""
    word = get_word_for_user(request.user, pk)
    _area_for(request, word.student)
    form = RecordingForm(request.POST, request.FILES, auto_id="recording-%s")
    if not form.is_valid():
        return render(request, "vocabulary/word_form.html", {
            "form": EntryForm(editing=True, initial={"word": word.word}), "word": word, "student": word.student,
            "back": _dictionary_url(request, word.student), "recording_form": form}, status=422)
    name = private_storage().save(audio.upload_name(word, "recordings", form.extension), form.cleaned_data["recording"])
    old = word.recording.name
    word.recording, word.recording_type = name, form.content_type
    word.save(update_fields=["recording", "recording_type", "updated_at"])
    if old:
        transaction.on_commit(lambda: private_storage().delete(old))
    messages.success(request, _("The recording is saved: it is what the student hears now."))
    return redirect("vocabulary:word_edit", pk=word.pk)


@login_required
def word_audio(request, pk):
    """The word's pronunciation: the recording, else espeak-ng's (made once, then cached); 404 lets the page
    fall back to the browser's own speech."""
    word = get_word_for_user(request.user, pk)
    found = audio.word_audio(word)
    if found is None:
        raise Http404
    name, content_type = found
    return private_file_response(request, private_storage(), name, content_type)


@login_required
def word_image(request, pk):
    word = get_word_for_user(request.user, pk)
    if not word.image or not private_storage().exists(word.image.name):
        raise Http404
    return private_file_response(request, private_storage(), word.image.name, word.image_type)


# Review ------------------------------------------------------------------------------------------------------
@role_required(Role.STUDENT, section="dictionary")
def review(request):
    """Today's review, one card at a time: the question, then the answer and four ratings."""
    now = timezone.now()
    zone = student_zone(request.user)
    card = selectors.next_card(request.user, now=now, zone=zone)
    context = {"card": card, "due": selectors.due_count(request.user, now=now, zone=zone),
               "ratings": Review.Rating.choices, "shown_at": int(now.timestamp() * 1000)}
    return render(request, "vocabulary/review.html", context)


@role_required(Role.STUDENT, section="dictionary")
@require_POST
def review_rate(request, card_id):
    card = get_card_to_review(request.user, card_id)
    rating = request.POST.get("rating", "")
    if not rating.isdigit() or int(rating) not in Review.Rating.values:
        messages.error(request, _("Choose one of the four ratings."))
        return redirect("vocabulary:review")
    duration = request.POST.get("duration_ms", "")
    duration_ms = min(int(duration), 3_600_000) if duration.isdigit() else None
    services.review_record(card=card, rating=int(rating), duration_ms=duration_ms)
    return redirect("vocabulary:review")
