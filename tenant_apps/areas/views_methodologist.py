"""The methodologist's workspace (trials, results, matching) and the manager's funnel page."""

from datetime import timedelta
from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shared_apps.tenants.models import TIME_ZONE_CHOICES
from tenant_apps.accounts.models import Role
from tenant_apps.areas.permissions import manager_required, methodologist_required
from tenant_apps.areas.views import _render
from tenant_apps.learning.models import Enrollment, EnrollmentChange
from tenant_apps.scheduling.forms_setup import WeeklyPlanForm, WorkingHoursForm
from tenant_apps.scheduling.models import WeeklyPlan, WorkingHours
from tenant_apps.scheduling.setup_services import hours_zone, working_hours_add
from tenant_apps.scheduling.trials import rank_teachers, teachers_of, trial_lesson_move
from tenant_apps.website import selectors
from tenant_apps.website.forms import TeacherFilterForm, TrialMoveForm, TrialResultForm, parse_preferred
from tenant_apps.website.models import TrialBooking
from tenant_apps.website.services import can_run_trials, teacher_assign, trial_result_record


def trials_staff_required(view):
    """Methodologists and managers; the page shows in the methodologist's area for a methodologist."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not can_run_trials(request.user):
            raise PermissionDenied
        request.area_role = Role.METHODOLOGIST if request.user.is_methodologist else Role.MANAGER
        return view(request, *args, **kwargs)

    return wrapper


def _area(request):
    return Role.METHODOLOGIST if request.user.is_methodologist else Role.MANAGER


@methodologist_required
def methodologist_trials(request):
    now = timezone.now()
    awaiting = (
        Enrollment.objects.filter(is_active=True, teacher__isnull=True)
        .select_related("student", "language", "level")
        .order_by("created_at")
    )
    context = {
        "upcoming": selectors.upcoming_trials(now=now),
        "to_record": selectors.trials_to_record(now=now),
        "awaiting": awaiting,
    }
    return _render(request, Role.METHODOLOGIST, "trials", "areas/methodologist_trials.html", context)


def _preferred_display(booking: TrialBooking) -> list[str]:
    from tenant_apps.scheduling.models import Weekday

    return [f"{Weekday(day).label} {at}" for day, at in booking.preferred_times]


def _get_booking(pk) -> TrialBooking:
    booking = (
        TrialBooking.objects.select_related("lesson", "student", "methodologist", "language", "enrollment__level")
        .filter(pk=pk).first()
    )
    if booking is None:
        raise Http404
    return booking


def _trial_page(request, booking, *, form, move_form, status=200):
    now = timezone.now()
    context = {"booking": booking, "form": form, "move_form": move_form, "preferred": _preferred_display(booking),
               "started": booking.lesson.starts_at <= now,
               "movable": booking.lesson.status == "scheduled" and now < booking.lesson.starts_at}
    return _render(request, _area(request), "trials", "areas/methodologist_trial.html", context, status=status)


@trials_staff_required
@require_POST
def trial_move(request, pk):
    """Move a trial not started yet to another time of its methodologist."""
    booking = _get_booking(pk)
    move_form = TrialMoveForm(request.POST)
    if move_form.is_valid():
        try:
            trial_lesson_move(lesson=booking.lesson, starts_at=move_form.cleaned_data["starts_at"], by=request.user)
        except ValidationError as error:
            move_form.add_error("starts_at", error)
        else:
            messages.success(request, _("The trial is moved; the student is told."))
            return redirect("areas:methodologist_trial", pk=booking.pk)
    form = TrialResultForm(language=booking.language, initial={"outcome": "held"})
    return _trial_page(request, booking, form=form, move_form=move_form, status=422)


@trials_staff_required
def trial_detail(request, pk):
    booking = _get_booking(pk)
    form = TrialResultForm(request.POST or None, language=booking.language,
                           initial={"goal": booking.goal, "notes": booking.notes, "outcome": "held",
                                    "level": booking.enrollment.level_id})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            trial_result_record(booking=booking, by=request.user, outcome=data["outcome"], level=data["level"],
                                goal=data["goal"], notes=data["notes"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The trial's result is saved."))
            if data["outcome"] == TrialBooking.Outcome.HELD:
                return redirect("areas:methodologist_assign", pk=booking.enrollment_id)
            return redirect("areas:methodologist")
    status = 422 if request.method == "POST" else 200
    return _trial_page(request, booking, form=form, move_form=TrialMoveForm(), status=status)


@trials_staff_required
def assign_teacher(request, pk):
    """Choose the teacher (ranked by the student's preferred times) and agree the weekly plan.

    Also reassigns: the history keeps who taught when, and the plan moves to the new teacher.
    """
    enrollment = (
        Enrollment.objects.select_related("student", "language", "teacher", "level")
        .filter(pk=pk, is_active=True)
        .first()
    )
    if enrollment is None:
        raise Http404
    booking = TrialBooking.objects.filter(enrollment=enrollment).order_by("-created_at").first()
    student_zone = (booking.time_zone if booking else "") or enrollment.student.time_zone or request.tenant.time_zone
    preferred = [parse_preferred(f"{day}-{at}") for day, at in booking.preferred_times] if booking else []
    plan = WeeklyPlan.objects.filter(enrollment=enrollment).prefetch_related("slots").first()
    # A reassignment ranks by the agreed times (in the plan's zone): who could take this schedule over.
    rank_by, rank_zone = preferred, student_zone
    if plan is not None and enrollment.teacher_id is not None:
        rank_by, rank_zone = [(slot.weekday, slot.starts) for slot in plan.slots.all()], plan.time_zone
    filters = TeacherFilterForm(request.GET or {"level": enrollment.level_id}, language=enrollment.language)
    level = filters.cleaned_data.get("level") if filters.is_valid() else enrollment.level
    native_only = filters.is_valid() and filters.cleaned_data.get("native_only")
    matches = rank_teachers(language=enrollment.language, level=level, native_only=native_only, preferred=rank_by,
                            time_zone=rank_zone, exclude_enrollment=enrollment)
    if plan is not None:
        slots_initial = [{"weekday": s.weekday, "starts": s.starts} for s in plan.slots.all()]
    else:
        best = matches[0].free_times if matches else []
        slots_initial = [{"weekday": day, "starts": at} for day, at in best[:2]]
    form = WeeklyPlanForm(
        request.POST or None, slots_initial=slots_initial,
        initial={"time_zone": plan.time_zone if plan else student_zone,
                 "lesson_minutes": plan.lesson_minutes if plan else 60},
    )
    chosen = request.POST.get("teacher", str(enrollment.teacher_id or ""))
    teacher_error = ""
    if request.method == "POST":
        teacher = teachers_of(enrollment.language).filter(pk=chosen if chosen.isdigit() else None).first()
        if teacher is None:
            teacher_error = _("Choose a teacher.")
        elif form.is_valid():
            data = form.cleaned_data
            try:
                saved = teacher_assign(enrollment=enrollment, teacher=teacher, by=request.user,
                                       time_zone=data["time_zone"], lesson_minutes=data["lesson_minutes"],
                                       slots=data["slot_list"])
            except ValidationError as error:
                teacher_error = " ".join(error.messages)
            else:
                booked = len(saved.booking.booked) if saved.booking else 0
                messages.success(request, _("%(teacher)s now teaches %(student)s; the weekly plan is saved.") % {
                    "teacher": teacher.get_full_name(), "student": enrollment.student.get_full_name()}
                    + (" " + _("Lessons booked: %(count)s.") % {"count": booked} if booked else ""))
                return redirect("areas:methodologist_assign", pk=enrollment.pk)
    history = EnrollmentChange.objects.filter(
        enrollment=enrollment, field=EnrollmentChange.Field.TEACHER
    ).select_related("changed_by")
    context = {
        "enrollment": enrollment, "booking": booking, "matches": matches, "filters": filters, "form": form,
        "chosen": chosen, "teacher_error": teacher_error, "student_zone": student_zone, "history": history,
        "ranked_by_plan": rank_by is not preferred, "rank_zone": rank_zone,
        "preferred": _preferred_display(booking) if booking else [], "zones": TIME_ZONE_CHOICES,
    }
    status = 422 if request.method == "POST" else 200
    return _render(request, _area(request), "trials", "areas/methodologist_assign.html", context, status=status)


@manager_required
def manager_funnel(request):
    zone = timezone.get_current_timezone()
    since = timezone.now() - timedelta(days=365)
    by_month, by_person = selectors.funnel(since=since, zone=zone)
    totals = selectors.FunnelRow(label="")
    for row in by_month:
        for key in ("booked", "held", "no_show", "converted"):
            setattr(totals, key, getattr(totals, key) + getattr(row, key))
    context = {"by_month": by_month, "by_person": by_person, "totals": totals}
    return _render(request, Role.MANAGER, "funnel", "areas/manager_funnel.html", context)


@methodologist_required
def methodologist_hours(request):
    """The methodologist's weekly hours: the free times of trial lessons are cut from them."""
    windows = WorkingHours.objects.filter(teacher=request.user)
    zone = hours_zone(request.user, request.tenant)
    form = WorkingHoursForm(request.POST if "add" in request.POST else None, existing=windows)
    remove = request.POST.get("remove", "")
    if request.method == "POST" and "remove" in request.POST:
        get_object_or_404(WorkingHours, pk=remove if remove.isdigit() else None, teacher=request.user).delete()
        messages.success(request, _("Working hours removed. Lessons booked in them stay booked."))
        return redirect("areas:methodologist_hours")
    if form.is_bound and form.is_valid():
        try:
            working_hours_add(teacher=request.user, time_zone=zone, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Working hours added."))
            return redirect("areas:methodologist_hours")
    context = {"windows": windows, "form": form, "zone_name": zone}
    status = 422 if form.is_bound else 200
    return _render(request, Role.METHODOLOGIST, "hours", "areas/methodologist_hours.html", context, status=status)
