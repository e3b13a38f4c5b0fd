"""Setting up the schedule: a teacher's working hours, days off and extra hours; an enrollment's weekly plan.

Layout note: the writes below (`<noun>_<verb>` services) and the access helper belong in
`services.py` and `permissions.py`. They live here for now because those modules were being changed
by the lessons work at the same time; moving them is a cut and paste (demo.py imports them from here).
"""

import zoneinfo
from datetime import datetime, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from billing.services import free_credits
from tenant_apps.accounts.models import Role
from tenant_apps.accounts.permissions import role_required
from tenant_apps.learning.selectors import enrollments_for_teacher
from tenant_apps.scheduling.forms_setup import (
    ExtraHoursForm,
    HoursZoneForm,
    TimeOffForm,
    WeeklyPlanForm,
    WorkingHoursForm,
)
from tenant_apps.scheduling.models import (
    ExtraHours,
    TimeOff,
    Weekday,
    WeeklyPlan,
    WorkingHours,
)
from tenant_apps.scheduling.setup_services import (
    PlanSaved,
    current_pass,
    extra_hours_add,
    get_enrollment_for_planning,
    hours_zone,
    inside_weekly_hours,
    teacher_zone,
    time_off_add,
    weekly_plan_save,
    working_hours_add,
    working_hours_zone_set,
)
from tenant_apps.scheduling.timeslots import weekly_occurrences


# Teacher's hours -----------------------------------------------------------------------------
def _hours_page(request, *, status=200, **forms):
    teacher, now = request.user, timezone.now()
    zone_name = hours_zone(teacher, request.tenant)
    zone = zoneinfo.ZoneInfo(zone_name)
    today = now.astimezone(zone).date()
    windows = list(WorkingHours.objects.filter(teacher=teacher))
    time_off = list(TimeOff.objects.filter(teacher=teacher, ends_at__gt=now))
    for item in time_off:  # stored as [first midnight, midnight after the last day): shown as days
        item.first_day = item.starts_at.astimezone(zone).date()
        item.last_day = (item.ends_at - timedelta(microseconds=1)).astimezone(zone).date()
    context = {
        "zone_name": zone_name,
        "days": [(label, [w for w in windows if w.weekday == value]) for value, label in Weekday.choices],
        "time_off": time_off,
        "extra_hours": ExtraHours.objects.filter(teacher=teacher, ends_at__gt=now),
        "enrollments": enrollments_for_teacher(teacher).select_related("weekly_plan").prefetch_related(
            "weekly_plan__slots"
        ),
        "zone_form": forms.get("zone_form") or HoursZoneForm(initial={"time_zone": zone_name}),
        "hours_form": forms.get("hours_form") or WorkingHoursForm(),
        "time_off_form": forms.get("time_off_form") or TimeOffForm(zone=zone, today=today),
        "extra_form": forms.get("extra_form") or ExtraHoursForm(zone=zone, today=today),
    }
    return render(request, "scheduling/setup_hours.html", context, status=status)


def _zone_and_today(request):
    zone = zoneinfo.ZoneInfo(hours_zone(request.user, request.tenant))
    return zone, timezone.now().astimezone(zone).date()


@role_required(Role.TEACHER, section="schedule")
def teacher_hours(request):
    return _hours_page(request)


@role_required(Role.TEACHER, section="schedule")
@require_POST
def hours_zone_set(request):
    form = HoursZoneForm(request.POST)
    if not form.is_valid():
        return _hours_page(request, zone_form=form, status=422)
    profile_too = working_hours_zone_set(teacher=request.user, time_zone=form.cleaned_data["time_zone"])
    messages.success(request, _("Your hours are now read in %(zone)s.") % {"zone": form.cleaned_data["time_zone"]})
    if profile_too:
        messages.info(request, _("Your profile had no time zone: it is set to the same zone."))
    return redirect("schedule_setup:hours")


@role_required(Role.TEACHER, section="schedule")
@require_POST
def hours_add(request):
    form = WorkingHoursForm(request.POST, existing=WorkingHours.objects.filter(teacher=request.user))
    if form.is_valid():
        try:
            working_hours_add(teacher=request.user, time_zone=hours_zone(request.user, request.tenant),
                              **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Working hours added."))
            return redirect("schedule_setup:hours")
    return _hours_page(request, hours_form=form, status=422)


@role_required(Role.TEACHER, section="schedule")
@require_POST
def hours_remove(request, pk):
    get_object_or_404(WorkingHours, pk=pk, teacher=request.user).delete()
    messages.success(request, _("Working hours removed. Lessons booked in them stay booked."))
    return redirect("schedule_setup:hours")


def _period_form(request, form_class, form_key):
    """The bound days-off or extra-hours form, or the hours page with its errors (422)."""
    zone, today = _zone_and_today(request)
    form = form_class(request.POST, zone=zone, today=today)
    if form.is_valid():
        return form.cleaned_data, None
    return None, _hours_page(request, status=422, **{form_key: form})


@role_required(Role.TEACHER, section="schedule")
@require_POST
def time_off_create(request):
    data, error_page = _period_form(request, TimeOffForm, "time_off_form")
    if error_page:
        return error_page
    _time_off, booked = time_off_add(teacher=request.user, starts_at=data["starts_at"], ends_at=data["ends_at"],
                                     reason=data["reason"])
    messages.success(request, _("Days off added: no lessons are booked in them."))
    if booked:
        messages.warning(request, ngettext(
            "%(count)s lesson is already booked on those days: it stays until you or the student cancel it.",
            "%(count)s lessons are already booked on those days: they stay until you or the students cancel them.",
            booked,
        ) % {"count": booked})
    return redirect("schedule_setup:hours")


@role_required(Role.TEACHER, section="schedule")
@require_POST
def time_off_remove(request, pk):
    get_object_or_404(TimeOff, pk=pk, teacher=request.user).delete()
    messages.success(request, _("Days off removed."))
    return redirect("schedule_setup:hours")


@role_required(Role.TEACHER, section="schedule")
@require_POST
def extra_hours_create(request):
    data, error_page = _period_form(request, ExtraHoursForm, "extra_form")
    if error_page:
        return error_page
    extra_hours_add(teacher=request.user, starts_at=data["starts_at"], ends_at=data["ends_at"])
    messages.success(request, _("Extra hours added."))
    return redirect("schedule_setup:hours")


@role_required(Role.TEACHER, section="schedule")
@require_POST
def extra_hours_remove(request, pk):
    get_object_or_404(ExtraHours, pk=pk, teacher=request.user).delete()
    messages.success(request, _("Extra hours removed."))
    return redirect("schedule_setup:hours")


# Weekly plan ---------------------------------------------------------------------------------
def _mark_area(request, enrollment):
    """The area whose navigation frames the page: the teacher's own, else the manager's, else the methodologist's."""
    if request.user.pk == enrollment.teacher_id:
        request.area_role, request.area_section = Role.TEACHER, "students"
    elif request.user.is_manager:
        request.area_role, request.area_section = Role.MANAGER, "students"
    else:
        request.area_role, request.area_section = Role.METHODOLOGIST, "trials"


def _wall(instant: datetime, zone_name: str) -> str:
    return formats.date_format(instant.astimezone(zoneinfo.ZoneInfo(zone_name)), "l H:i")


def _slot_rows(plan, enrollment, school, now) -> list[dict]:
    """Each weekly time as the plan states it, as teacher and student read it next time, and whether
    it lies inside the teacher's weekly hours."""
    if plan is None:
        return []
    teacher, student = enrollment.teacher, enrollment.student
    windows = list(WorkingHours.objects.filter(teacher=teacher)) if teacher else []
    student_zone = student.time_zone or school.time_zone
    zone_of_teacher = teacher_zone(teacher, school)
    rows = []
    for slot in plan.slots.all():
        # The next time it falls (a fortnight's reach: one week may lose it to a spring-forward gap).
        upcoming = next(weekly_occurrences([(slot.weekday, slot.starts)], plan.zone, now, now + timedelta(days=15)),
                        None)
        row = {"slot": slot, "teacher_sees": "", "student_sees": "", "outside": False}
        if upcoming is not None:
            row["teacher_sees"] = _wall(upcoming, zone_of_teacher)
            row["student_sees"] = _wall(upcoming, student_zone)
            row["instant"] = upcoming
            ends = upcoming + timedelta(minutes=plan.lesson_minutes)
            row["outside"] = bool(teacher) and not inside_weekly_hours(windows, upcoming, ends)
        rows.append(row)
    return rows


def _tell_plan_saved(request, saved: PlanSaved, enrollment, rows) -> None:
    messages.success(request, _("Weekly plan saved."))
    for row in rows:
        if row["outside"]:
            messages.warning(request, _(
                "%(slot)s is outside the teacher's working hours: lessons then are booked but flagged for the teacher."
            ) % {"slot": f"{row['slot'].get_weekday_display()} {row['slot'].starts:%H:%M}"})
    if not saved.book_now:
        return
    if enrollment.teacher_id is None:
        messages.warning(request, _("No teacher is assigned yet, so nothing was booked."))
        return
    if saved.lesson_pass is None:
        messages.warning(request, _("There is no running pass to book into: the plan books itself when one is paid."))
        return
    booking = saved.booking
    until = formats.date_format(timezone.localtime(saved.lesson_pass.valid_until), "DATETIME_FORMAT")
    messages.info(request, ngettext(
        "%(count)s lesson booked into the pass valid until %(until)s.",
        "%(count)s lessons booked into the pass valid until %(until)s.",
        len(booking.booked),
    ) % {"count": len(booking.booked), "until": until})
    if booking.flagged:
        messages.warning(request, ngettext(
            "%(count)s of them is outside the teacher's hours and is flagged for the teacher.",
            "%(count)s of them are outside the teacher's hours and are flagged for the teacher.",
            len(booking.flagged),
        ) % {"count": len(booking.flagged)})
    if booking.clashes:
        times = ", ".join(formats.date_format(timezone.localtime(t), "SHORT_DATETIME_FORMAT") for t in booking.clashes)
        messages.error(request, _("Not booked, the teacher or the student has another lesson then: %(times)s.")
                       % {"times": times})


@login_required
def plan_edit(request, enrollment_id):
    enrollment = get_enrollment_for_planning(request.user, enrollment_id)
    _mark_area(request, enrollment)
    now, school = timezone.now(), request.tenant
    plan = WeeklyPlan.objects.filter(enrollment=enrollment).prefetch_related("slots").first()
    lesson_pass = current_pass(enrollment, now=now)
    initial = {
        "time_zone": plan.time_zone if plan else teacher_zone(enrollment.teacher, school),
        "lesson_minutes": plan.lesson_minutes if plan else 60,
    }
    slots_initial = [{"weekday": s.weekday, "starts": s.starts} for s in plan.slots.all()] if plan else []
    form = WeeklyPlanForm(request.POST or None, initial=initial, slots_initial=slots_initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = weekly_plan_save(enrollment=enrollment, by=request.user, time_zone=data["time_zone"],
                                 lesson_minutes=data["lesson_minutes"], slots=data["slot_list"],
                                 book_now=data["book_now"], now=now)
        plan = WeeklyPlan.objects.prefetch_related("slots").get(pk=saved.plan.pk)
        _tell_plan_saved(request, saved, enrollment, _slot_rows(plan, enrollment, school, now))
        return redirect("schedule_setup:plan", enrollment_id=enrollment.pk)
    context = {
        "enrollment": enrollment, "plan": plan, "form": form, "rows": _slot_rows(plan, enrollment, school, now),
        "lesson_pass": lesson_pass, "free": free_credits(lesson_pass) if lesson_pass else 0,
        "student_zone": enrollment.student.time_zone or school.time_zone,
        "teacher_zone": teacher_zone(enrollment.teacher, school),
        "is_teacher": request.user.pk == enrollment.teacher_id,
    }
    return render(request, "scheduling/setup_plan.html", context, status=422 if request.method == "POST" else 200)
