from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from tenant_apps.areas.navigation import AREA_TITLES

_AREA_HOMES = {
    "student": "areas:student",
    "teacher": "areas:teacher",
    "methodologist": "areas:methodologist",
    "manager": "areas:manager",
}


def user_areas(request):
    """The areas the signed-in person may open, for the header (one link per role)."""

    def build():
        user = getattr(request, "user", None)
        school = getattr(request, "tenant", None)
        if user is None or not user.is_authenticated or school is None or school.schema_name == "public":
            return []
        return [{"role": role, "title": AREA_TITLES[role], "url": reverse(_AREA_HOMES[role])} for role in user.roles]

    context = {"user_areas": SimpleLazyObject(build)}
    role = getattr(request, "area_role", None)
    if role is not None:
        from tenant_apps.areas.navigation import navigation

        context.update(
            area_role=role,
            area_title=AREA_TITLES[role],
            navigation=SimpleLazyObject(lambda: navigation(role)),
            current_section=getattr(request, "area_section", ""),
        )
    return context
