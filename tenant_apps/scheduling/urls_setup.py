"""Teachers' hours and weekly plans (views in views_setup.py)."""

app_name = "schedule_setup"
urlpatterns: list = []
