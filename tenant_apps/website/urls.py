from django.urls import path

from tenant_apps.website import views

app_name = "website"
urlpatterns = [
    path("trial/", views.trial, name="trial"),
    path("trial/booked/", views.trial_booked, name="trial_booked"),
    path("trial/welcome/<str:token>/", views.trial_welcome, name="trial_welcome"),
]
