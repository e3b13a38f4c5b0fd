"""The lesson room and its chat transcript; the room's socket is in config/routing.py."""

from django.urls import path

from classroom import views

app_name = "classroom"
urlpatterns = [
    path("lessons/<int:pk>/room/", views.room, name="room"),
    path("lessons/<int:pk>/chat/", views.chat_transcript, name="chat"),
]
