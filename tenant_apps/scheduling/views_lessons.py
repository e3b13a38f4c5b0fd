"""Lesson pages: the student's and the teacher's lists, cancel, mark, book another time, freeze,
and the manager's view. Times show in the viewer's zone (TimezoneMiddleware activates it)."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from billing.selectors import passes_for_student
from billing.services import free_credits
from tenant_apps.accounts.models import Role
from tenant_apps.accounts.permissions import role_required
from tenant_apps.scheduling import selectors
from tenant_apps.scheduling.forms import BookForm, CancelForm, FreezeForm, MarkForm, PersonLessonsForm
from tenant_apps.scheduling.models import Lesson
from tenant_apps.scheduling.permissions import (
    area_of,
    can_rebook_lesson,
    get_lesson_to_cancel,
    get_lesson_to_mark,
    get_lesson_to_rebook,
    is_lessons_teacher,
    is_participant,
)
from tenant_apps.scheduling.reschedule import can_move, can_propose, open_proposals, proposal_create
from tenant_apps.scheduling.services import (
    BY_TEACHER,
    IN_TIME,
    cancel_outcome,
    lesson_book,
    lesson_cancel,
    lesson_mark,
    pass_freeze,
)
from tenant_apps.scheduling.views_calendar import calendar_config, local_text, slot_days

Status = Lesson.Status
SCHEDULE_AHEAD = timedelta(weeks=6)
LESSONS_PAGE = {"student": "lessons:student", "teacher": "lessons:teacher"}


# The student ---------------------------------------------------------------------------------
@role_required(Role.STUDENT, section="lessons")
def student_lessons(request):
    now = timezone.now()
    passes = selectors.running_passes_for_student(request.user, now=now)
    free_on = {lesson_pass.pk: lesson_pass.free for lesson_pass in passes}
    upcoming = _with_actions(selectors.upcoming_lessons_for_student(request.user, now=now), request.user, now)
    for lesson in upcoming:
        lesson.can_rebook = lesson.can_rebook and free_on.get(lesson.lesson_pass_id, 0) > 0
    context = {
        "upcoming": upcoming,
        "past": selectors.past_lessons_for_student(request.user, now=now),
        "passes": passes,
        "tomorrow": timezone.localdate() + timedelta(days=1),
        "freezes_per_pass": request.tenant.freezes_per_pass,
        "proposals": list(open_proposals(now=now, student=request.user)),
    }
    return render(request, "scheduling/lessons_student.html", context)


@role_required(Role.STUDENT, section="schedule")
def student_schedule(request):
    now = timezone.now()
    lessons = selectors.upcoming_scheduled_lessons(now=now, until=now + SCHEDULE_AHEAD, student=request.user)
    weeks = selectors.group_by_week(_with_actions(lessons, request.user, now), timezone.get_current_timezone())
    calendar = calendar_config(request, events_url=reverse("lessons:student_events"),
                               views=["timeGridWeek", "dayGridMonth", "listWeek"], initial="timeGridWeek",
                               narrow="listWeek")
    context = {"weeks": weeks, "weeks_ahead": SCHEDULE_AHEAD.days // 7, "as_teacher": False, "calendar": calendar}
    return render(request, "scheduling/lessons_schedule.html", context)


@role_required(Role.STUDENT, section="lessons")
def lesson_rebook(request, pk):
    lesson = get_lesson_to_rebook(request.user, pk)
    now = timezone.now()
    form = BookForm(request.POST or None)
    # The school's rule (School.rebook_needs_teacher): booked at once, or proposed for the teacher to accept.
    needs_teacher = request.tenant.rebook_needs_teacher
    if request.method == "POST" and form.is_valid():
        starts_at = form.cleaned_data["starts_at"]
        try:
            if needs_teacher:
                proposal_create(lesson=lesson, starts_at=starts_at, by=request.user, now=now)
            else:
                lesson_book(enrollment=lesson.enrollment, starts_at=starts_at, by=request.user, now=now)
        except ValidationError as error:  # SlotTaken among them: somebody was quicker
            form.add_error(None, error)
        else:
            done = _("Sent to your teacher: %(when)s.") if needs_teacher else _("Booked: %(when)s.")
            messages.success(request, done % {"when": local_text(starts_at)})
            return redirect("lessons:student")
    lesson_pass = lesson.lesson_pass
    free = free_credits(lesson_pass) if lesson_pass is not None and not lesson_pass.is_expired(now) else 0
    slots = []
    if free:
        slots = selectors.free_slots(enrollment=lesson.enrollment, lesson_pass=lesson_pass,
                                     minutes=lesson_pass.product.lesson_minutes, now=now)
    days = slot_days(slots)
    context = {"lesson": lesson, "form": form, "free": free, "days": days, "slot_days": selectors.SLOT_DAYS,
               "needs_teacher": needs_teacher}
    status = 422 if request.method == "POST" else 200
    return render(request, "scheduling/lessons_rebook.html", context, status=status)


@role_required(Role.STUDENT, section="lessons")
def pass_freeze_view(request):
    now = timezone.now()
    passes = passes_for_student(request.user, now=now).filter(valid_until__gt=now)
    form = FreezeForm(request.POST or None, passes=passes)
    if request.method == "POST" and form.is_valid():
        lesson_pass = form.cleaned_data["lesson_pass"]
        try:
            freeze = pass_freeze(lesson_pass=lesson_pass, by=request.user, starts_at=form.starts_at(now), now=now)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            new_end = lesson_pass.valid_until + (freeze.ends_at - freeze.starts_at)  # what pass_freeze moved it by
            dates = {"from": local_text(freeze.starts_at), "until": local_text(freeze.ends_at),
                     "end": local_text(new_end)}
            messages.success(request, _("Your pass is frozen from %(from)s until %(until)s and now ends on %(end)s. "
                                        "Lessons in that time are cancelled free of charge.") % dates)
            return redirect("lessons:student")
    status = 422 if request.method == "POST" else 200
    return render(request, "scheduling/lessons_freeze.html", {"form": form}, status=status)


# The teacher ---------------------------------------------------------------------------------
@role_required(Role.TEACHER, section="lessons")
def teacher_lessons(request):
    now = timezone.now()
    zone = timezone.get_current_timezone()
    period = _period(request.GET, timezone.localdate())
    start, end = selectors.day_start(period.first, zone), selectors.day_start(period.after, zone)
    lessons = _with_actions(selectors.lessons_between(start=start, end=end, teacher=request.user), request.user, now)
    context = {
        "period": period,
        "days": selectors.group_by_day(lessons, period.days, zone),
        "unmarked": _with_actions(selectors.unmarked_lessons(now=now, teacher=request.user), request.user, now),
        "mark_form": MarkForm(),
        "proposals": list(open_proposals(now=now, teacher=request.user)),
    }
    return render(request, "scheduling/lessons_teacher.html", context)


@role_required(Role.TEACHER, section="schedule")
def teacher_schedule(request):
    now = timezone.now()
    lessons = selectors.upcoming_scheduled_lessons(now=now, until=now + SCHEDULE_AHEAD, teacher=request.user)
    weeks = selectors.group_by_week(_with_actions(lessons, request.user, now), timezone.get_current_timezone())
    calendar = calendar_config(request, events_url=reverse("lessons:teacher_events"),
                               views=["timeGridWeek", "timeGridDay", "listWeek"], initial="timeGridWeek",
                               narrow="listWeek")
    context = {"weeks": weeks, "weeks_ahead": SCHEDULE_AHEAD.days // 7, "as_teacher": True, "calendar": calendar,
               "proposals": list(open_proposals(now=now, teacher=request.user))}
    return render(request, "scheduling/lessons_schedule.html", context)


@login_required
def lesson_mark_view(request, pk):
    lesson = get_lesson_to_mark(request.user, pk)
    _enter_area(request, lesson)
    form = MarkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            lesson_mark(lesson=lesson, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            outcome = dict(form.fields["outcome"].choices)[form.cleaned_data["outcome"]]
            marked = {"student": lesson.student.get_full_name(), "outcome": outcome}
            messages.success(request, _("Lesson with %(student)s marked: %(outcome)s.") % marked)
            return redirect(_next_or(request, "lessons:teacher"))
    context = {"lesson": lesson, "form": form, "started": lesson.starts_at <= timezone.now()}
    status = 422 if request.method == "POST" else 200
    return render(request, "scheduling/lessons_mark.html", context, status=status)


# Both: cancelling ------------------------------------------------------------------------------
@login_required
def lesson_cancel_view(request, pk):
    """The confirmation says whether the lesson returns to the pass before anything happens."""
    lesson = get_lesson_to_cancel(request.user, pk)
    area = _enter_area(request, lesson)
    now = timezone.now()
    outcome = cancel_outcome(lesson=lesson, by=request.user, now=now)
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["expected"] != outcome:
            # The window closed while the page was open: what the user agreed to is not what would happen.
            form.add_error(None, _("Time has moved on since this page was opened. Read what happens now and "
                                   "confirm again."))
        else:
            try:
                lesson_cancel(lesson=lesson, by=request.user, now=now)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _cancelled_message(outcome))
                return redirect(LESSONS_PAGE[area])
    context = {
        "lesson": lesson, "form": form, "outcome": outcome, "area": area,
        "cancellable": lesson.status == Status.SCHEDULED and now < lesson.starts_at,
        "window": _window_text(request.tenant.cancellation_window_hours),
    }
    status = 422 if request.method == "POST" else 200
    return render(request, "scheduling/lessons_cancel.html", context, status=status)


# The manager ---------------------------------------------------------------------------------
@role_required(Role.MANAGER, section="lessons")
def manager_lessons(request):
    now = timezone.now()
    zone = timezone.get_current_timezone()
    form = PersonLessonsForm(request.GET or None)
    teacher = student = None
    if form.is_bound and form.is_valid():
        teacher, student = form.cleaned_data["teacher"], form.cleaned_data["student"]
        student = None if teacher else student
    period = _period({"week": request.GET.get("week", "")}, timezone.localdate())
    lessons = []
    if teacher or student:
        start, end = selectors.day_start(period.first, zone), selectors.day_start(period.after, zone)
        lessons = selectors.lessons_between(start=start, end=end, teacher=teacher, student=student)
    month_start, month_end = selectors.month_bounds(now, request.tenant.zone)
    context = {
        "form": form, "person": teacher or student, "person_is_teacher": teacher is not None, "period": period,
        "extra": f"teacher={teacher.pk}&" if teacher else f"student={student.pk}&" if student else "",
        "days": selectors.group_by_day(lessons, period.days, zone) if lessons else [],
        "unmarked": selectors.unmarked_lessons(now=now),
        "cancellations": selectors.teacher_cancellations(start=month_start, end=month_end),
        "month": month_start.astimezone(request.tenant.zone).date(),
        "calendar": calendar_config(
            request, events_url=f"{reverse('lessons:manager_events')}?teacher={teacher.pk}",
            views=["timeGridWeek", "timeGridDay", "listWeek"], initial="timeGridWeek", narrow="listWeek",
            initial_date=period.first,
        ) if teacher else None,
    }
    return render(request, "scheduling/lessons_manager.html", context)


# Helpers -------------------------------------------------------------------------------------
def _with_actions(lessons, user, now) -> list[Lesson]:
    """The lessons, each knowing which buttons its row shows to `user`."""
    lessons = list(lessons)
    for lesson in lessons:
        scheduled = lesson.status == Status.SCHEDULED
        lesson.can_cancel = scheduled and now < lesson.starts_at and is_participant(user, lesson)
        lesson.can_mark = scheduled and lesson.starts_at <= now and is_lessons_teacher(user, lesson)
        lesson.can_rebook = can_rebook_lesson(user, lesson) and now < lesson.starts_at
        lesson.can_propose = scheduled and can_propose(user, lesson, now)
        lesson.can_move = can_move(user, lesson, now)
    return lessons


def _enter_area(request, lesson) -> str:
    """A lesson page opened from the student's or the teacher's area keeps that area's navigation."""
    area = area_of(request.user, lesson)
    request.area_role, request.area_section = area, "lessons"
    return area


def _next_or(request, default: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


def _window_text(hours: int) -> str:
    return ngettext("%(hours)s hour", "%(hours)s hours", hours) % {"hours": hours}


def _cancelled_message(outcome: str) -> str:
    if outcome == IN_TIME:
        return _("Lesson cancelled in time: it is back on your pass, so you can book another time.")
    if outcome == BY_TEACHER:
        return _("Lesson cancelled: it is back on the student's pass.")
    return _("Lesson cancelled. It was too close to the start, so the lesson is spent.")


@dataclass
class Period:
    """A day or a Monday-to-Sunday week in the viewer's zone, with its neighbours for the links."""

    kind: str  # "day" or "week"
    first: date
    length: int

    @property
    def after(self) -> date:
        return self.first + timedelta(days=self.length)

    @property
    def days(self) -> list[date]:
        return [self.first + timedelta(days=offset) for offset in range(self.length)]

    @property
    def last(self) -> date:
        return self.after - timedelta(days=1)

    @property
    def previous(self) -> date:
        return self.first - timedelta(days=self.length)


def _period(query, today: date) -> Period:
    """?week=YYYY-MM-DD (the week holding that day), ?day=YYYY-MM-DD, else today; nonsense means today."""
    for kind in ("week", "day"):
        try:
            chosen = date.fromisoformat(query.get(kind, ""))
        except ValueError:
            continue
        if kind == "week":
            return Period("week", selectors.week_monday(chosen), 7)
        return Period("day", chosen, 1)
    if "week" in query:
        return Period("week", selectors.week_monday(today), 7)
    return Period("day", today, 1)
