from django.urls import path

from tenant_apps.website import views

app_name = "website"
urlpatterns = [
    path("process/", views.site_page, {"name": "process"}, name="process"),
    path("teachers/", views.site_page, {"name": "teachers"}, name="teachers"),
    path("teachers/<int:pk>/", views.teacher_page, name="teacher"),
    path("prices/", views.site_page, {"name": "prices"}, name="prices"),
    path("trial/", views.trial, name="trial"),
    path("trial/booked/", views.trial_booked, name="trial_booked"),
    path("trial/welcome/<str:token>/", views.trial_welcome, name="trial_welcome"),
]
