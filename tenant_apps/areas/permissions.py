"""Re-exported for the areas' views; the helpers live in accounts so every app can use them."""

from tenant_apps.accounts.permissions import (  # noqa: F401
    can_open_area,
    manager_required,
    methodologist_required,
    role_required,
    student_required,
    teacher_required,
)
