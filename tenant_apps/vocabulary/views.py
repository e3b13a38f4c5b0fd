from django.core.paginator import Paginator
from django.shortcuts import render

from tenant_apps.accounts.models import Role
from tenant_apps.accounts.permissions import role_required
from tenant_apps.vocabulary import selectors

PAGE_SIZE = 100


@role_required(Role.STUDENT, section="dictionary")
def student_dictionary(request):
    """My dictionary: every word from the lessons, newest first; one lesson's words with ?lesson=<id>."""
    lessons = list(selectors.lessons_with_words(request.user))
    chosen = request.GET.get("lesson", "")
    lesson = next((lesson for lesson in lessons if str(lesson.pk) == chosen), None)
    words = selectors.words_for_student(request.user, lesson_id=lesson.pk if lesson else None)
    page = Paginator(words, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "words": page.object_list, "lessons": lessons, "lesson": lesson}
    return render(request, "vocabulary/student_dictionary.html", context)
