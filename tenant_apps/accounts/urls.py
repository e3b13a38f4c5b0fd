from django.urls import path

from tenant_apps.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login-link/<str:token>/", views.login_link, name="login_link"),
    path("invitation/<str:token>/", views.invitation, name="invitation"),
    path("time-zone/", views.zone_choose, name="zone_choose"),
]
