"""Calendars (JSON for FullCalendar), proposing and agreeing another time, moving a lesson, iCal feeds.

Calendars run in the viewer's zone (TimezoneMiddleware activates it); see calendar.py for the format.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from billing.services import free_credits
from tenant_apps.accounts.models import Role, User
from tenant_apps.accounts.permissions import role_required
from tenant_apps.scheduling import calendar, ical, selectors
from tenant_apps.scheduling.forms import BookForm
from tenant_apps.scheduling.models import CalendarFeed, Lesson, RescheduleProposal
from tenant_apps.scheduling.permissions import get_lesson_for_user
from tenant_apps.scheduling.reschedule import (
    can_move,
    can_propose,
    is_move,
    lesson_move,
    proposal_accept,
    proposal_create,
    proposal_decline,
    proposal_withdraw,
)

Status = Lesson.Status


# Calendar data ------------------------------------------------------------------------------------
def calendar_config(request, *, events_url: str, views: list[str], initial: str, narrow: str,
                    initial_date=None) -> dict:
    """What the calendar script needs, for json_script: where to read, the zone, the language, labels."""
    return {
        "initialDate": initial_date.isoformat() if initial_date else None,
        "eventsUrl": events_url,
        "timeZone": timezone.get_current_timezone_name(),
        "locale": "ru" if (get_language() or "").startswith("ru") else "en",
        "views": views,
        "initialView": initial,
        "narrowView": narrow,
        "labels": {
            "today": _("Today"), "day": _("Day"), "week": _("Week"), "month": _("Month"), "list": _("List"),
            "noEvents": _("No lessons in this period."), "error": _("The calendar could not load. Try again later."),
            "loading": _("Loading the calendar…"), "calendar": _("Calendar"),
        },
    }


def _range_or_400(request):
    try:
        return calendar.parse_range(request.GET, timezone.get_current_timezone()), None
    except ValidationError as error:
        return None, JsonResponse({"error": error.messages[0]}, status=400)


def _background_labels() -> dict:
    return {"free": _("Free"), "off": _("Day off")}


@require_GET
@role_required(Role.STUDENT)
def student_calendar_events(request):
    bounds, refused = _range_or_400(request)
    if refused:
        return refused
    start, end = bounds
    now = timezone.now()
    lessons = calendar.calendar_lessons(start=start, end=end, student=request.user)

    def urls(lesson):
        return reverse("lessons:propose", args=[lesson.pk]) if can_propose(request.user, lesson, now) else ""

    zone = timezone.get_current_timezone()
    return JsonResponse(calendar.lesson_events(lessons, zone=zone, viewer=request.user, urls=urls), safe=False)


def _teacher_events(request, teacher, *, urls):
    bounds, refused = _range_or_400(request)
    if refused:
        return refused
    start, end = bounds
    zone = timezone.get_current_timezone()
    lessons = calendar.calendar_lessons(start=start, end=end, teacher=teacher)
    events = calendar.lesson_events(lessons, zone=zone, viewer=request.user, urls=urls)
    events += calendar.background_events(teacher=teacher, start=start, end=end, zone=zone,
                                         busy=calendar.busy_periods(lessons), labels=_background_labels(),
                                         now=timezone.now())
    return JsonResponse(events, safe=False)


@require_GET
@role_required(Role.TEACHER)
def teacher_calendar_events(request):
    now = timezone.now()

    def urls(lesson):
        return reverse("lessons:move", args=[lesson.pk]) if can_move(request.user, lesson, now) else ""

    return _teacher_events(request, request.user, urls=urls)


@require_GET
@role_required(Role.MANAGER)
def manager_calendar_events(request):
    try:
        teacher = User.objects.get(pk=int(request.GET.get("teacher", "")), is_teacher=True)
    except (ValueError, User.DoesNotExist):
        raise Http404 from None
    return _teacher_events(request, teacher, urls=None)


# Proposing another time (the student) -----------------------------------------------------------------
def slot_days(slots) -> list:
    """Free start times grouped by the viewer's local day: [(date, [instant, …])]."""
    zone = timezone.get_current_timezone()
    days: dict = {}
    for instant in slots:
        days.setdefault(instant.astimezone(zone).date(), []).append(instant)
    return list(days.items())


def _free_times(lesson, now):
    """The teacher's free start times for this lesson (its own time excluded), or [] without a credit."""
    lesson_pass = lesson.lesson_pass
    if lesson_pass is None or lesson_pass.is_expired(now):
        return []
    if is_move(lesson):
        minutes = int((lesson.ends_at - lesson.starts_at).total_seconds() // 60)
        slots = selectors.free_slots(enrollment=lesson.enrollment, lesson_pass=lesson_pass, minutes=minutes, now=now,
                                     ignore_lesson_id=lesson.pk)
        return [instant for instant in slots if instant != lesson.starts_at]
    if not free_credits(lesson_pass):
        return []
    return selectors.free_slots(enrollment=lesson.enrollment, lesson_pass=lesson_pass,
                                minutes=lesson_pass.product.lesson_minutes, now=now)


def local_text(instant) -> str:
    return formats.date_format(timezone.localtime(instant), "DATETIME_FORMAT")


@role_required(Role.STUDENT, section="lessons")
def lesson_propose(request, pk):
    lesson = get_lesson_for_user(request.user, pk)
    now = timezone.now()
    if not can_propose(request.user, lesson, now):
        raise PermissionDenied
    form = BookForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            proposal_create(lesson=lesson, starts_at=form.cleaned_data["starts_at"], by=request.user, now=now,
                            message=request.POST.get("message", ""))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Proposed: %(when)s. Your teacher will accept or decline it.")
                             % {"when": local_text(form.cleaned_data["starts_at"])})
            return redirect("lessons:student")
    pending = RescheduleProposal.objects.filter(lesson=lesson, status=RescheduleProposal.Status.PENDING,
                                                expires_at__gt=now).first()
    context = {
        "lesson": lesson, "form": form, "days": slot_days(_free_times(lesson, now)), "moves": is_move(lesson),
        "pending": pending, "slot_days": selectors.SLOT_DAYS,
    }
    status = 422 if request.method == "POST" else 200
    return render(request, "scheduling/lessons_propose.html", context, status=status)


@require_POST
@role_required(Role.STUDENT, section="lessons")
def proposal_withdraw_view(request, pk):
    proposal = get_object_or_404(RescheduleProposal, pk=pk, lesson__student=request.user)
    try:
        proposal_withdraw(proposal=proposal, by=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("Proposal withdrawn."))
    return redirect("lessons:student")


# Answering and moving (the teacher) ---------------------------------------------------------------------
def _teacher_proposal(request, pk) -> RescheduleProposal:
    proposal = get_object_or_404(RescheduleProposal.objects.select_related("lesson"), pk=pk,
                                 lesson__teacher=request.user)
    return proposal


@require_POST
@role_required(Role.TEACHER, section="lessons")
def proposal_accept_view(request, pk):
    proposal = _teacher_proposal(request, pk)
    try:
        proposal_accept(proposal=proposal, by=request.user)
    except ValidationError as error:  # taken meanwhile, expired, already answered, outside the pass
        messages.error(request, error.messages[0])
    else:
        when = local_text(proposal.starts_at)
        messages.success(request, _("Accepted: the lesson is now on %(when)s.") % {"when": when})
    return redirect(_back(request))


@require_POST
@role_required(Role.TEACHER, section="lessons")
def proposal_decline_view(request, pk):
    proposal = _teacher_proposal(request, pk)
    try:
        proposal_decline(proposal=proposal, by=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("Declined. The student has been told."))
    return redirect(_back(request))


def _back(request) -> str:
    return "lessons:teacher_schedule" if request.POST.get("back") == "schedule" else "lessons:teacher"


@role_required(Role.TEACHER, section="lessons")
def lesson_move_view(request, pk):
    lesson = get_lesson_for_user(request.user, pk)
    now = timezone.now()
    if not can_move(request.user, lesson, now):
        raise PermissionDenied
    form = BookForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            lesson_move(lesson=lesson, starts_at=form.cleaned_data["starts_at"], by=request.user, now=now)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Lesson moved to %(when)s. The student has been told.")
                             % {"when": local_text(form.cleaned_data["starts_at"])})
            return redirect("lessons:teacher_schedule")
    context = {"lesson": lesson, "form": form, "days": slot_days(_free_times(lesson, now)),
               "slot_days": selectors.SLOT_DAYS}
    status = 422 if request.method == "POST" else 200
    return render(request, "scheduling/lessons_move.html", context, status=status)


# iCal feeds ------------------------------------------------------------------------------------------
@require_GET
def calendar_feed(request, token):
    """The feed behind a secret URL: no login (calendar apps cannot log in), a wrong token is 404."""
    feed = CalendarFeed.objects.filter(token=token).select_related("user").first()
    if feed is None or not feed.user.is_active:
        raise Http404
    domain = request.tenant.get_primary_domain()
    host = domain.domain if domain is not None else request.get_host().split(":")[0]
    body = ical.feed_calendar(feed.user, school=request.tenant, host=host)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="lessons.ics"'
    response["Cache-Control"] = "private, max-age=300"
    response["X-Robots-Tag"] = "noindex"
    return response


@require_POST
@login_required
def calendar_feed_manage(request):
    """The profile's buttons: turn the feed on, give it a new secret, or turn it off."""
    action = request.POST.get("action")
    if action == "enable":
        ical.feed_enable(request.user)
        messages.success(request, _("Your calendar link is ready. Add it to your calendar app."))
    elif action == "regenerate":
        ical.feed_regenerate(request.user)
        messages.success(request, _("New calendar link made. The old link no longer works."))
    elif action == "revoke":
        ical.feed_revoke(request.user)
        messages.success(request, _("Calendar link turned off. Calendars subscribed to it get nothing more."))
    else:
        messages.error(request, _("Unknown action."))
    return redirect(reverse("areas:profile") + "#calendar-feed")
