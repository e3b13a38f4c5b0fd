from django.utils.translation import gettext_lazy as _

from tenant_apps.notifications.kinds import EMAIL, Kind, register

TRIAL_BOOKED = "website.trial_booked"
TRIAL_BOOKED_STAFF = "website.trial_booked_staff"
TEACHER_ASSIGNED = "website.teacher_assigned"
STUDENT_ASSIGNED = "website.student_assigned"


def register_kinds() -> None:
    register(Kind(TRIAL_BOOKED, _("Your free trial lesson is booked"), frozenset({EMAIL})))
    register(Kind(TRIAL_BOOKED_STAFF, _("A trial lesson was booked with you"), frozenset({EMAIL})))
    register(Kind(TEACHER_ASSIGNED, _("Your teacher and schedule"), frozenset({EMAIL})))
    register(Kind(STUDENT_ASSIGNED, _("A new student for you"), frozenset({EMAIL})))
