"""Lessons: lists, cancel, mark, freeze (views in views_lessons.py)."""

from django.urls import path

from tenant_apps.scheduling import views_calendar as calendar_views
from tenant_apps.scheduling import views_lessons as views

app_name = "lessons"
urlpatterns = [
    path("student/lessons/", views.student_lessons, name="student"),
    path("student/lessons/freeze/", views.pass_freeze_view, name="freeze"),
    path("student/schedule/", views.student_schedule, name="student_schedule"),
    path("teacher/lessons/", views.teacher_lessons, name="teacher"),
    path("teacher/schedule/", views.teacher_schedule, name="teacher_schedule"),
    path("manager/lessons/", views.manager_lessons, name="manager"),
    path("lessons/<int:pk>/cancel/", views.lesson_cancel_view, name="cancel"),
    path("lessons/<int:pk>/mark/", views.lesson_mark_view, name="mark"),
    path("lessons/<int:pk>/rebook/", views.lesson_rebook, name="rebook"),
]

# Calendars, rescheduling by agreement, iCal feeds (views in views_calendar.py).
urlpatterns += [
    path("student/schedule/events/", calendar_views.student_calendar_events, name="student_events"),
    path("teacher/schedule/events/", calendar_views.teacher_calendar_events, name="teacher_events"),
    path("manager/lessons/events/", calendar_views.manager_calendar_events, name="manager_events"),
    path("lessons/<int:pk>/propose/", calendar_views.lesson_propose, name="propose"),
    path("lessons/<int:pk>/move/", calendar_views.lesson_move_view, name="move"),
    path("proposals/<int:pk>/accept/", calendar_views.proposal_accept_view, name="proposal_accept"),
    path("proposals/<int:pk>/decline/", calendar_views.proposal_decline_view, name="proposal_decline"),
    path("proposals/<int:pk>/withdraw/", calendar_views.proposal_withdraw_view, name="proposal_withdraw"),
    path("calendar/<str:token>.ics", calendar_views.calendar_feed, name="calendar_feed"),
    path("profile/calendar-feed/", calendar_views.calendar_feed_manage, name="calendar_feed_manage"),
]
