"""The teacher's library pages: Materials (search, courses → lessons → materials), Links, Files, Topics.

Each page starts with its access check (the teacher's area; objects through permissions.get_*_for_user),
reads through selectors and writes through services. The search box asks `library_search` for the
results partial as the teacher types (htmx), the same partial the page renders without JavaScript.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tenant_apps.accounts.models import Role
from tenant_apps.accounts.permissions import role_required
from tenant_apps.materials import files, library, selectors, services
from tenant_apps.materials.forms import CourseForm, CourseLessonForm, MaterialForm, SearchForm, UseInLessonForm
from tenant_apps.materials.models import Material
from tenant_apps.materials.permissions import (
    courses_visible_to,
    get_course_for_user,
    get_course_to_change,
    get_material_for_user,
    get_material_to_change,
)

library_page = role_required(Role.TEACHER, section="materials")
links_page = role_required(Role.TEACHER, section="links")
files_page = role_required(Role.TEACHER, section="files")
topics_page = role_required(Role.TEACHER, section="topics")
FILE_KIND_CHOICES = [(kind, Material.Kind(kind).label) for kind in files.LIBRARY_FILE_KINDS]


def _search(request, *, kinds=None, fixed_kind=""):
    form = SearchForm(request.GET or None, courses=courses_visible_to(request.user).order_by("title"), kinds=kinds)
    filters = form.filters()
    if fixed_kind and filters.kind not in dict(kinds or []):
        filters = selectors.LibraryFilters(**{**filters.__dict__, "kind": fixed_kind})
    results = list(selectors.material_search(request.user, filters))
    return form, results


def _use_form(request):
    return UseInLessonForm(lessons=selectors.next_lessons_to_use_in(request.user))


def _results_context(request, form, results, **extra):
    return {"form": form, "results": results, "use_form": _use_form(request), **extra}


@library_page
def library_home(request):
    form, results = _search(request)
    context = _results_context(request, form, results, courses=selectors.courses_shelf(request.user),
                               course_form=CourseForm())
    return render(request, "materials/library/home.html", context)


@library_page
def library_search(request):
    """The results partial for the search box (htmx), for the library, Links and Files alike."""
    page = request.GET.get("page", "")
    kinds = {"links": [("link", Material.Kind.LINK.label)], "files": [("file", _("Any file")), *FILE_KIND_CHOICES]}
    fixed = {"links": "link", "files": "file"}.get(page, "")
    form, results = _search(request, kinds=kinds.get(page), fixed_kind=fixed)
    return render(request, "materials/library/_results.html", _results_context(request, form, results))


# Courses -------------------------------------------------------------------------------------------------------
@library_page
@require_POST
def course_new(request):
    form = CourseForm(request.POST)
    if not form.is_valid():
        form_page, results = _search(request)
        context = _results_context(request, form_page, results, courses=selectors.courses_shelf(request.user),
                                   course_form=form)
        return render(request, "materials/library/home.html", context, status=422)
    data = form.cleaned_data
    course = library.course_create(owner=request.user, title=data["title"], language=data["language"],
                                   level_from=data["level_from"], level_to=data["level_to"],
                                   description=data["description"], topics=library.parse_topics(data["topics"]))
    return redirect("materials:course", pk=course.pk)


@library_page
def course_detail(request, pk):
    course = get_course_for_user(request.user, pk)
    return _course_page(request, course)


def _course_page(request, course, *, lesson_form=None, status=200):
    context = {"course": course, "lessons": selectors.course_lessons(request.user, course),
               "can_change": course.owner_id == request.user.pk, "lesson_form": lesson_form or CourseLessonForm()}
    return render(request, "materials/library/course.html", context, status=status)


@library_page
@require_POST
def course_lesson_new(request, pk):
    course = get_course_to_change(request.user, pk)
    form = CourseLessonForm(request.POST)
    if not form.is_valid():
        return _course_page(request, course, lesson_form=form, status=422)
    lesson = library.course_lesson_add(course=course, title=form.cleaned_data["title"],
                                       topics=library.parse_topics(form.cleaned_data["topics"]))
    return redirect("materials:course_lesson", pk=course.pk, number=lesson.number)


@library_page
@require_POST
def course_share(request, pk):
    course = get_course_to_change(request.user, pk)
    library.course_share(course=course, shared=request.POST.get("shared") == "on")
    messages.success(request, _("Shared with the school.") if course.shared else _("Back on your own shelf."))
    return redirect("materials:course", pk=course.pk)


@library_page
@require_POST
def course_duplicate(request, pk):
    course = get_course_for_user(request.user, pk)
    copy = library.course_duplicate(course=course, owner=request.user)
    messages.success(request, _("Copied to your shelf: %(title)s.") % {"title": copy.title})
    return redirect("materials:course", pk=copy.pk)


@library_page
def course_lesson(request, pk, number):
    course = get_course_for_user(request.user, pk)
    return _lesson_page(request, course, number)


def _lesson_page(request, course, number, *, material_form=None, status=200):
    lesson = next((lesson for lesson in selectors.course_lessons(request.user, course) if lesson.number == number),
                  None)
    if lesson is None:
        raise Http404
    context = {"course": course, "lesson": lesson, "use_form": _use_form(request),
               "can_change": course.owner_id == request.user.pk,
               "material_form": material_form or MaterialForm(), "accept": files.ACCEPT_ATTR}
    return render(request, "materials/library/lesson.html", context, status=status)


@library_page
@require_POST
def course_lesson_material_new(request, pk, number):
    course = get_course_to_change(request.user, pk)
    lesson = course.lessons.filter(number=number).first()
    if lesson is None:
        raise Http404
    form = MaterialForm(request.POST, request.FILES)
    material = _create_from_form(request, form, lesson=lesson)
    if material is None:
        return _lesson_page(request, course, number, material_form=form, status=422)
    messages.success(request, _("Added: %(title)s.") % {"title": material.title})
    return redirect("materials:course_lesson", pk=course.pk, number=number)


def _create_from_form(request, form, *, lesson=None) -> Material | None:
    if not form.is_valid():
        return None
    data = form.cleaned_data
    try:
        return library.material_create(
            owner=request.user, kind=data["kind"], title=data["title"], description=data["description"],
            text=data["text"], url=data["url"], upload=data["file"], words=library.parse_words(data["words"]),
            lesson=lesson, topics=library.parse_topics(data["topics"]))
    except ValidationError as error:
        field = {"link": "url", "text": "text", "words": "words"}.get(data["kind"], "file")
        form.add_error(field, error)
        return None


# One material ------------------------------------------------------------------------------------------------
@library_page
def material_detail(request, pk):
    material = get_material_for_user(request.user, pk)
    context = {"material": material, "use_form": _use_form(request),
               "can_change": material.owner_id == request.user.pk}
    return render(request, "materials/library/material.html", context)


@library_page
@require_POST
def material_use(request, pk):
    """"Use in my next lesson with …": the material joins that lesson's plan, by reference."""
    material = get_material_for_user(request.user, pk)
    form = UseInLessonForm(request.POST, lessons=selectors.next_lessons_to_use_in(request.user))
    if not form.is_valid():
        messages.error(request, _("Choose one of your upcoming lessons."))
        return redirect("materials:material", pk=material.pk)
    lesson = form.cleaned_data["lesson"]
    item = services.lesson_plan_use_material(lesson=lesson, material=material, by=request.user)
    messages.success(request, _("“%(title)s” is in the plan of your lesson with %(name)s.")
                     % {"title": material.title, "name": lesson.student.get_full_name()})
    return redirect("materials:plan", pk=item.plan_id)


@library_page
@require_POST
def material_share(request, pk):
    material = get_material_to_change(request.user, pk)
    library.material_share(material=material, shared=request.POST.get("shared") == "on")
    messages.success(request, _("Shared with the school.") if material.shared else _("Back on your own shelf."))
    return redirect("materials:material", pk=material.pk)


# Links, Files, Topics ------------------------------------------------------------------------------------------
def _kind_page(request, *, template, kinds, fixed_kind, form_kinds, material_form=None, status=200):
    form, results = _search(request, kinds=kinds, fixed_kind=fixed_kind)
    context = _results_context(request, form, results, material_form=material_form or MaterialForm(kinds=form_kinds),
                               accept=files.ACCEPT_ATTR)
    return render(request, template, context, status=status)


@links_page
def links(request):
    if request.method == "POST":
        form = MaterialForm({**request.POST.dict(), "kind": "link"}, kinds=["link"])
        material = _create_from_form(request, form)
        if material is None:
            return _kind_page(request, template="materials/library/links.html", kinds=[("link", _("link"))],
                              fixed_kind="link", form_kinds=["link"], material_form=form, status=422)
        messages.success(request, _("Added: %(title)s.") % {"title": material.title})
        return redirect("materials:links")
    return _kind_page(request, template="materials/library/links.html", kinds=[("link", _("link"))],
                      fixed_kind="link", form_kinds=["link"])


@files_page
def files_home(request):
    return _kind_page(request, template="materials/library/files.html",
                      kinds=[("file", _("Any file")), *FILE_KIND_CHOICES], fixed_kind="file",
                      form_kinds=list(files.LIBRARY_FILE_KINDS))


@files_page
@require_POST
def file_upload(request):
    """One file of a bulk upload (the page sends each file on its own, with its progress bar)."""
    form = MaterialForm(request.POST, request.FILES, kinds=list(files.LIBRARY_FILE_KINDS))
    material = _create_from_form(request, form)
    if material is None:
        errors = [str(error) for errors in form.errors.values() for error in errors]
        return render(request, "materials/library/_upload_result.html", {"errors": errors}, status=422)
    return render(request, "materials/library/_upload_result.html", {"material": material}, status=201)


@topics_page
def topics(request):
    return render(request, "materials/library/topics.html", {"topics": selectors.topics_with_counts(request.user)})


@topics_page
def topic_detail(request, pk):
    topic = selectors.topics_with_counts(request.user).filter(pk=pk).first()
    if topic is None:
        raise Http404
    results = list(selectors.material_search(request.user, selectors.LibraryFilters(topic=topic.pk), limit=200))
    return render(request, "materials/library/topic.html",
                  {"topic": topic, "results": results, "use_form": _use_form(request)})
