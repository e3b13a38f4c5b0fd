from django.utils.translation import gettext_lazy as _

from tenant_apps.notifications.kinds import EMAIL, Kind, register

LESSONS_BOOKED = "scheduling.lessons_booked"
LESSON_BOOKED = "scheduling.lesson_booked"
LESSON_CANCELLED = "scheduling.lesson_cancelled"
LESSON_NEEDS_ATTENTION = "scheduling.lesson_needs_attention"
LESSON_SOON = "scheduling.lesson_soon"
LESSON_UNMARKED = "scheduling.lesson_unmarked"
FREEZE_STARTED = "scheduling.freeze_started"
FREEZE_ENDED = "scheduling.freeze_ended"
RESCHEDULE_PROPOSED = "scheduling.reschedule_proposed"
RESCHEDULE_ACCEPTED = "scheduling.reschedule_accepted"
RESCHEDULE_DECLINED = "scheduling.reschedule_declined"
LESSON_MOVED = "scheduling.lesson_moved"
RESCHEDULE_LAPSED = "scheduling.reschedule_lapsed"


def register_kinds() -> None:
    register(Kind(LESSONS_BOOKED, _("Lessons booked from your weekly plan"), frozenset({EMAIL})))
    register(Kind(LESSON_BOOKED, _("A lesson was booked"), frozenset({EMAIL})))
    register(Kind(LESSON_CANCELLED, _("A lesson was cancelled"), frozenset({EMAIL})))
    register(Kind(LESSON_NEEDS_ATTENTION, _("A lesson needs the teacher's decision"), frozenset({EMAIL})))
    register(Kind(LESSON_SOON, _("Lesson reminders (24 hours and 1 hour before)"), frozenset({EMAIL})))
    register(Kind(LESSON_UNMARKED, _("A lesson is not marked yet"), frozenset({EMAIL})))
    register(Kind(FREEZE_STARTED, _("A pass was frozen"), frozenset({EMAIL})))
    register(Kind(FREEZE_ENDED, _("A freeze ended: lessons go on"), frozenset({EMAIL})))
    register(Kind(RESCHEDULE_PROPOSED, _("A student proposed another time for a lesson"), frozenset({EMAIL})))
    register(Kind(RESCHEDULE_ACCEPTED, _("The teacher accepted the time you proposed"), frozenset({EMAIL})))
    register(Kind(RESCHEDULE_DECLINED, _("The teacher declined the time you proposed"), frozenset({EMAIL})))
    register(Kind(LESSON_MOVED, _("The teacher moved a lesson"), frozenset({EMAIL})))
    register(Kind(RESCHEDULE_LAPSED, _("A time you proposed lapsed unanswered"), frozenset({EMAIL})))
