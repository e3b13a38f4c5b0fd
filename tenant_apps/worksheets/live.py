"""A worksheet live in the lesson: on the stage, answered by the student while the teacher watches.

The stage socket lives in `classroom`, above this app: it registers with `on_live_answers` in its
`AppConfig.ready()` and is called after each save of a live attempt commits (the ladder's named hook).
"""

from tenant_apps.worksheets.models import LiveWorksheet


def lesson_with_worksheet_for_student(user, worksheet):
    """The student's lesson that has this worksheet on its stage now, or None."""
    live = (LiveWorksheet.objects.select_related("lesson")
            .filter(worksheet=worksheet, lesson__student=user).order_by("-pushed_at").first())
    return live.lesson if live else None


_answer_listeners = []


def on_live_answers(listener) -> None:
    """Register `listener(attempt)`, called after a live attempt's answers are saved or submitted (committed)."""
    if listener not in _answer_listeners:
        _answer_listeners.append(listener)


def announce_answers(attempt) -> None:
    for listener in _answer_listeners:
        listener(attempt)
