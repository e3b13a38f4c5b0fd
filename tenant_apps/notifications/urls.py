from django.urls import path

from tenant_apps.notifications import telegram_views, views

app_name = "notifications"
urlpatterns = [
    path("", views.notification_list, name="list"),
    path("<int:pk>/open/", views.notification_open, name="open"),
    path("read-all/", views.notification_read_all, name="read_all"),
    path("preferences/", views.preferences, name="preferences"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("telegram/", telegram_views.telegram_link, name="telegram"),
    path("telegram/unlink/", telegram_views.telegram_unlink, name="telegram_unlink"),
    path("telegram/webhook/<str:secret>/", telegram_views.telegram_webhook, name="telegram_webhook"),
]
