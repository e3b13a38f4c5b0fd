"""The lesson room page and the lesson's chat transcript."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from classroom.access import get_seat_or_404, room_is_open, room_is_over, room_opens_at
from classroom.selectors import CHAT_CATCH_UP, chat_messages
from classroom.strings import room_strings
from config.headers import camera_and_microphone
from tenant_apps.scheduling.permissions import area_of


@login_required
@camera_and_microphone
def room(request, pk):
    """The room: the device check, then video, chat, the board, the stage and (for the teacher) the plan.

    Its two people only (404 for anyone else); open from 15 minutes before the start until marked.
    """
    seat = get_seat_or_404(request.user, pk)
    lesson = seat.lesson
    _enter_area(request, seat)
    now = timezone.now()
    if not room_is_open(lesson, now):
        context = {"lesson": lesson, "seat": seat, "over": room_is_over(lesson), "opens_at": room_opens_at(lesson),
                   "seconds_to_open": max(0, int((room_opens_at(lesson) - now).total_seconds()))}
        return render(request, "classroom/room_closed.html", context, status=403)
    context = {
        "lesson": lesson,
        "seat": seat,
        "is_leader": seat.is_leader,
        "peer": lesson.student if seat.is_leader else lesson.teacher,
        "room_socket_url": f"/ws/lessons/{lesson.pk}/room/",  # config/routing.py
        "chat": chat_messages(lesson_id=lesson.pk, limit=CHAT_CATCH_UP),
        "lessons_url": _lessons_url(request.user, seat),
        "started": lesson.starts_at <= now,
    }
    context["strings"] = room_strings(peer_name=context["peer"].get_full_name())
    return render(request, "classroom/room.html", context)


@login_required
def chat_transcript(request, pk):
    """The lesson's chat, read-only, for its two people, whenever (the lesson history links here)."""
    seat = get_seat_or_404(request.user, pk)
    _enter_area(request, seat)
    context = {"lesson": seat.lesson, "seat": seat, "chat": chat_messages(lesson_id=seat.lesson.pk),
               "room_open": room_is_open(seat.lesson, timezone.now())}
    return render(request, "classroom/chat_transcript.html", context)


def _enter_area(request, seat) -> None:
    """Pages opened from the lessons list keep the teacher's or the student's navigation."""
    role = area_of(request.user, seat.lesson)
    request.area_role, request.area_section = role, "trials" if role == "methodologist" else "lessons"


def _lessons_url(user, seat) -> str:
    """Where "back to the lessons" leads: the person's own lessons list (a trial's methodologist has none)."""
    if not seat.is_leader:
        return reverse("lessons:student")
    return reverse("lessons:teacher") if user.is_teacher else "/me/"
