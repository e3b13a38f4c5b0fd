"""A worksheet live in the lesson: on the stage, answered by the student while the teacher watches.

The stage socket lives in `classroom`, above this app: it registers with `on_live_answers` in its
`AppConfig.ready()` and is called after each save of a live attempt commits (the ladder's named hook).
"""

from tenant_apps.worksheets.models import LiveWorksheet


def lesson_with_worksheet_for_student(user, worksheet):
    """The student's lesson that shows this worksheet on its stage now (the library's stage, or pushed), or None."""
    from tenant_apps.materials.models import Stage

    if worksheet.material_id:
        stage = (Stage.objects.select_related("lesson")
                 .filter(material_id=worksheet.material_id, lesson__student=user).order_by("-updated_at").first())
        if stage is not None:
            return stage.lesson
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


def live_summary(attempt) -> list[dict]:
    """Each question's answer in words and its verdict so far: what the teacher's stage shows live."""
    from tenant_apps.worksheets import engine
    from tenant_apps.worksheets.runner import answer_text

    result = engine.grade(attempt.worksheet.items, attempt.answers).as_dict()["items"]
    rows, number = [], 0
    for item in attempt.worksheet.items:
        if not engine.is_graded(item):
            continue
        number += 1
        answer = attempt.answers.get(item["id"])
        rows.append({"n": number, "answer": answer_text(item, answer)[:300], "status": result[item["id"]]["status"]})
    return rows


def solution_revealed(attempt) -> bool:
    """Whether the teacher showed this worksheet's solution in the attempt's lesson."""
    return bool(attempt.lesson_id) and LiveWorksheet.objects.filter(
        lesson_id=attempt.lesson_id, worksheet_id=attempt.worksheet_id, revealed=True).exists()
