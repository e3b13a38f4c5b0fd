from django.utils.functional import SimpleLazyObject


def bell(request):
    """The unread count for the header's bell: one query, and only if a page shows the bell."""

    def count():
        from tenant_apps.notifications.selectors import unread_count

        user = getattr(request, "user", None)
        school = getattr(request, "tenant", None)
        if user is None or not user.is_authenticated or school is None or school.schema_name == "public":
            return 0
        return unread_count(user)

    return {"unread_notifications": SimpleLazyObject(count)}
