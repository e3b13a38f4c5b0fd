"""Who may open which area: used by every app's views (so it lives in the lowest app)."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from tenant_apps.accounts.models import Role


def can_open_area(user, role: str) -> bool:
    return user.is_authenticated and user.is_active and user.has_role(role)


def role_required(role: str, section: str | None = None):
    """Anonymous → the login page; signed in without the role → 403.

    Marks the request with its area and section, which the area layout's navigation reads.
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not can_open_area(request.user, role):
                raise PermissionDenied
            request.area_role = role
            if section is not None:
                request.area_section = section
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


student_required = role_required(Role.STUDENT)
teacher_required = role_required(Role.TEACHER)
methodologist_required = role_required(Role.METHODOLOGIST)
manager_required = role_required(Role.MANAGER)
