"""The bench view in front of a school's URLs; both throughput variants use this URLconf."""

from django.urls import include, path

from bench import views

urlpatterns = [
    path("bench/me/", views.me, name="bench-me"),
    path("", include("config.urls_tenant")),
]
