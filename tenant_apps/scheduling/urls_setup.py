"""Teachers' hours and weekly plans (views in views_setup.py)."""

from django.urls import path

from tenant_apps.scheduling import views_setup as views

app_name = "schedule_setup"
urlpatterns = [
    path("teacher/hours/", views.teacher_hours, name="hours"),
    path("teacher/hours/zone/", views.hours_zone_set, name="hours_zone"),
    path("teacher/hours/windows/add/", views.hours_add, name="hours_add"),
    path("teacher/hours/windows/<int:pk>/remove/", views.hours_remove, name="hours_remove"),
    path("teacher/hours/days-off/add/", views.time_off_create, name="time_off_add"),
    path("teacher/hours/days-off/<int:pk>/remove/", views.time_off_remove, name="time_off_remove"),
    path("teacher/hours/extra/add/", views.extra_hours_create, name="extra_hours_add"),
    path("teacher/hours/extra/<int:pk>/remove/", views.extra_hours_remove, name="extra_hours_remove"),
    path("plans/<int:enrollment_id>/", views.plan_edit, name="plan"),
]
