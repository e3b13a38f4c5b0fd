"""Lessons: lists, cancel, mark, freeze (views in views_lessons.py)."""

app_name = "lessons"
urlpatterns: list = []
