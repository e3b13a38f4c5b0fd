"""URLs of a school's site (<school>.<domain>)."""

from django.urls import include, path

from tenant_apps.accounts import views as accounts
from tenant_apps.accounts.admin_site import school_admin_site
from tenant_apps.website import views as website

urlpatterns = [
    path("", website.home, name="home"),
    path("", include("tenant_apps.website.urls")),
    path("", include("billing.urls")),
    path("", include("tenant_apps.scheduling.urls_lessons")),
    path("", include("tenant_apps.scheduling.urls_setup")),
    path("", include("classroom.urls")),
    path("", include("classroom.whiteboard.urls")),
    path("", include("classroom.stage_urls")),
    path("", include("tenant_apps.materials.urls")),
    path("", include("tenant_apps.vocabulary.urls")),
    path("", include("tenant_apps.worksheets.urls")),
    path("", include("tenant_apps.areas.urls")),
    path("accounts/", include("tenant_apps.accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("notifications/", include("tenant_apps.notifications.urls")),
    path("i18n/setlang/", accounts.language_set, name="set_language"),
    path("media/<path:path>", website.media, name="media"),
    path("admin/", school_admin_site.urls),
]
