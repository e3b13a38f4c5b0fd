"""The board's pages and files; its socket is /ws/lessons/<id>/board/ in config/routing.py."""

from django.urls import path

from classroom.whiteboard import views

app_name = "whiteboard"
urlpatterns = [
    path("lessons/<int:pk>/board/", views.history, name="history"),
    path("lessons/<int:pk>/board/live/", views.live, name="live"),
    path("lessons/<int:pk>/board/state/", views.state, name="state"),
    path("lessons/<int:pk>/board/images/", views.upload, name="upload"),
    path("lessons/<int:pk>/board/images/<uuid:image_id>/", views.image, name="image"),
]
