"""Lessons: lists, cancel, mark, freeze (views in views_lessons.py)."""

from django.urls import path

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
