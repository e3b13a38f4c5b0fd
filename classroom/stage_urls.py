"""The stage's HTTP endpoints in the room (its socket is in config/routing.py)."""

from django.urls import path

from classroom import stage_views

app_name = "stage"
urlpatterns = [
    path("lessons/<int:lesson_id>/stage/items/", stage_views.room_item_new, name="item_new"),
    path("lessons/<int:lesson_id>/stage/plans/", stage_views.room_plan_new, name="plan_new"),
    path("lessons/<int:lesson_id>/stage/words/", stage_views.room_word_new, name="word_new"),
    path("lessons/<int:lesson_id>/stage/library/", stage_views.room_library_search, name="library_search"),
    path("lessons/<int:lesson_id>/stage/worksheets/<int:worksheet_id>/reveal/", stage_views.room_worksheet_reveal,
         name="worksheet_reveal"),
    path("lessons/<int:lesson_id>/stage/library/<int:material_id>/plan/", stage_views.room_library_add,
         name="library_add"),
]
