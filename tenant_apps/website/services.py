"""The trial-lesson funnel: visitor → account → trial → level, teacher and plan → paying student.

Writes only; every service runs in one transaction and raises ValidationError (keyed by the
form's field where there is one) when a rule is broken, leaving nothing behind.
"""

from dataclasses import dataclass
from datetime import datetime, time

from django.core import signing
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from billing.services import credit_release, locked
from tenant_apps.accounts.localtime import when_for
from tenant_apps.accounts.models import User
from tenant_apps.learning.models import Enrollment, Language, Level
from tenant_apps.learning.services import enrollment_create, enrollment_update
from tenant_apps.notifications.services import notify
from tenant_apps.scheduling.models import Lesson
from tenant_apps.scheduling.services import lessons_lock
from tenant_apps.scheduling.setup_services import PlanSaved, weekly_plan_save
from tenant_apps.scheduling.trials import trial_lesson_create, trial_lesson_mark
from tenant_apps.website import notification_kinds as kinds
from tenant_apps.website.models import TrialBooking
from tenant_apps.website.selectors import current_school, plan_summary

BOOKINGS_PER_ADDRESS_PER_HOUR = 5
WELCOME_SALT = "website.trial-welcome"
WELCOME_MAX_AGE = 60 * 60 * 24 * 7


class TooManyBookings(Exception):
    """The address booked BOOKINGS_PER_ADDRESS_PER_HOUR trials within the hour."""


# Abuse -----------------------------------------------------------------------------------------
def _address_key(address: str) -> str:
    # The cache's KEY_FUNCTION puts the schema in front as well; it is named here too so that the
    # key reads as what it is in Redis.
    return f"website:trial-bookings:{connection.schema_name}:{address}"


def booking_allowed(address: str) -> bool:
    return (cache.get(_address_key(address)) or 0) < BOOKINGS_PER_ADDRESS_PER_HOUR


def booking_counted(address: str) -> None:
    """One more booking from `address` this hour (the window starts with the first one)."""
    key = _address_key(address)
    if not cache.add(key, 1, 60 * 60):
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, 60 * 60)


# Booking ---------------------------------------------------------------------------------------
@dataclass
class Booked:
    booking: TrialBooking
    new_account: bool
    welcome_url: str = ""


def _when(user, instant: datetime) -> str:
    return when_for(user, instant, school=current_school())


def welcome_token(user: User) -> str:
    """The link that confirms a visitor's email and lets them set a password, for this school only."""
    return signing.dumps({"s": connection.schema_name, "u": user.pk}, salt=WELCOME_SALT)


def user_for_welcome_token(token: str) -> User | None:
    try:
        payload = signing.loads(token, salt=WELCOME_SALT, max_age=WELCOME_MAX_AGE)
    except signing.BadSignature:
        return None
    if payload.get("s") != connection.schema_name:
        return None
    return User.objects.filter(pk=payload.get("u"), is_active=True).first()


def _account_for_visitor(*, email: str, full_name: str, time_zone: str, language: str) -> tuple[User, bool]:
    """The visitor's student account: a new one (no password yet, email unconfirmed), or refused."""
    from allauth.account.models import EmailAddress

    email = email.strip().lower()
    exists = ValidationError(
        {"email": ValidationError(
            _("There is already an account with this email. Please log in (or reset the password if you never "
              "set one) and book from your dashboard."),
            code="exists",
        )}
    )
    if User.objects.filter(email__iexact=email).exists():
        raise exists
    try:
        with transaction.atomic():  # two tabs with one email: the unique email decides, the loser is told
            user = User.objects.create_user(email, None, full_name=full_name.strip(), is_student=True,
                                            time_zone=time_zone, language=language)
    except IntegrityError as error:
        raise exists from error
    EmailAddress.objects.create(user=user, email=user.email, verified=False, primary=True)
    return user, True


@transaction.atomic
def trial_book(
    *, language: Language, starts_at: datetime, goal: str, preferred_times: list[tuple[int, time]],
    time_zone: str, phone: str = "", student: User | None = None, email: str = "", full_name: str = "",
    interface_language: str = "", welcome_url_builder=None, now: datetime | None = None,
) -> Booked:
    """Book a free trial lesson for a signed-in student, or for a visitor (who gets an account).

    One free trial per student per language (a cancelled one does not count). The visitor's new
    account has no password: the email's link confirms the address and sets one.
    """
    now = now or timezone.now()
    new_account = False
    if student is None:
        student, new_account = _account_for_visitor(email=email, full_name=full_name, time_zone=time_zone,
                                                    language=interface_language)
    else:
        # Two tabs booking at once: the second waits here and then sees the first trial.
        student = locked(User.objects).get(pk=student.pk)
        if not student.is_student:
            raise PermissionDenied
    if TrialBooking.objects.filter(student=student, language=language).exclude(
        outcome=TrialBooking.Outcome.CANCELLED
    ).exists():
        raise ValidationError(
            {"language": ValidationError(_("You have already had a free trial lesson in %(language)s."),
                                         code="second_trial", params={"language": language.display_name})}
        )
    enrollment = (
        Enrollment.objects.select_related("teacher").filter(student=student, language=language, is_active=True).first()
    )
    if enrollment is not None and enrollment.teacher is not None:
        raise ValidationError(
            {"language": ValidationError(_("You already study %(language)s with %(teacher)s."), code="studying",
                                         params={"language": language.display_name,
                                                 "teacher": enrollment.teacher.get_full_name()})}
        )
    if enrollment is None:
        enrollment = enrollment_create(student=student, language=language, goal=goal[:255], by=student)
    lesson = trial_lesson_create(enrollment=enrollment, starts_at=starts_at, now=now)
    booking = TrialBooking.objects.create(
        lesson=lesson, student=student, methodologist=lesson.teacher, enrollment=enrollment, language=language,
        goal=goal.strip()[:255], preferred_times=[[day, at.strftime("%H:%M")] for day, at in preferred_times],
        time_zone=time_zone, phone=phone.strip(),
    )
    booked = Booked(booking=booking, new_account=new_account)
    if new_account and welcome_url_builder is not None:
        booked.welcome_url = welcome_url_builder(welcome_token(student))
        _send_welcome(student, booking, booked.welcome_url)
    _tell_both_sides(booking)
    return booked


def _send_welcome(student: User, booking: TrialBooking, url: str) -> None:
    from tenant_apps.accounts.tasks import send_email_task

    school = current_school()
    with translation.override(student.language or school.default_language):
        context = {"student": student, "url": url, "school": school, "when": _when(student, booking.lesson.starts_at),
                   "language": booking.language.display_name}
        subject = render_to_string("website/email/welcome_subject.txt", context).strip()
        body = render_to_string("website/email/welcome.txt", context)
    transaction.on_commit(lambda: send_email_task.delay(subject, body, [student.email]))


def _tell_both_sides(booking: TrialBooking) -> None:
    student, methodologist = booking.student, booking.methodologist
    notify(student, kinds.TRIAL_BOOKED, {
        "when": _when(student, booking.lesson.starts_at), "language": str(booking.language.display_name),
        "with": methodologist.get_full_name(),
    }, url="/student/")
    notify(methodologist, kinds.TRIAL_BOOKED_STAFF, {
        "when": _when(methodologist, booking.lesson.starts_at), "language": str(booking.language.display_name),
        "student": student.get_full_name(), "goal": booking.goal,
    }, url=f"/methodologist/trials/{booking.pk}/")


# After the trial ---------------------------------------------------------------------------------
def can_run_trials(user) -> bool:
    return user.is_active and (user.is_methodologist or user.is_manager)


@transaction.atomic
def trial_result_record(
    *, booking: TrialBooking, by: User, outcome: str, level: Level | None, goal: str, notes: str,
    now: datetime | None = None,
) -> TrialBooking:
    """The methodologist records what the trial showed: held or no-show, level, goal and notes."""
    now = now or timezone.now()
    if not can_run_trials(by):
        raise PermissionDenied
    booking = locked(TrialBooking.objects.select_related("enrollment", "lesson")).get(pk=booking.pk)
    if level is not None and level.language_id != booking.language_id:
        raise ValidationError({"level": ValidationError(_("Choose a level of %(language)s."), code="level",
                                                        params={"language": booking.language.display_name})})
    trial_lesson_mark(lesson=booking.lesson, outcome=outcome, by=by, now=now)
    booking.outcome = outcome
    booking.notes = notes.strip()
    booking.goal = goal.strip()[:255]
    booking.recorded_by = by
    booking.recorded_at = now
    booking.save(update_fields=["outcome", "notes", "goal", "recorded_by", "recorded_at"])
    if outcome == TrialBooking.Outcome.HELD:
        enrollment_update(enrollment=booking.enrollment, by=by, level=level, goal=booking.goal, now=now)
    return booking


@transaction.atomic
def teacher_assign(
    *, enrollment: Enrollment, teacher: User, by: User, time_zone: str, lesson_minutes: int,
    slots: list[tuple[int, time]], now: datetime | None = None,
) -> PlanSaved:
    """Give the enrollment its teacher and weekly plan; on a change of teacher, move what is booked.

    The history (learning.EnrollmentChange) keeps who taught when. Lessons still ahead with the
    previous teacher are cancelled without cost to the student (their credits return) and the plan
    is booked again with the new teacher into the running pass.
    """
    now = now or timezone.now()
    if not can_run_trials(by):
        raise PermissionDenied
    previous = locked(Enrollment.objects).get(pk=enrollment.pk).teacher_id
    enrollment = enrollment_update(enrollment=enrollment, by=by, teacher=teacher, now=now)
    moved = previous is not None and previous != teacher.pk
    if moved:
        # The one lock order (billing.services.locked): the enrollment, then the lessons' passes, then
        # the lessons. Locking the lessons first and their passes in credit_release deadlocked
        # against a cancellation, which takes the pass and then the lesson.
        ahead = lessons_lock(Lesson.objects.filter(
            enrollment=enrollment, teacher_id=previous, kind=Lesson.Kind.REGULAR,
            status=Lesson.Status.SCHEDULED, starts_at__gt=now,
        ))
        for lesson in ahead:
            credit_release(lesson_id=lesson.pk, by=by, reason=str(_("the teacher changed")), now=now)
            lesson.status = Lesson.Status.CANCELLED_BY_TEACHER
            lesson.cancelled_by, lesson.cancelled_at = by, now
            lesson.sequence += 1
            lesson.save(update_fields=["status", "cancelled_by", "cancelled_at", "sequence"])
    saved = weekly_plan_save(enrollment=enrollment, by=by, time_zone=time_zone, lesson_minutes=lesson_minutes,
                             slots=slots, book_now=True, now=now)
    notify(enrollment.student, kinds.TEACHER_ASSIGNED, {
        "teacher": teacher.get_full_name(), "language": str(enrollment.language.display_name),
        "schedule": plan_summary(saved.plan, enrollment.student),
    }, url="/student/")
    notify(teacher, kinds.STUDENT_ASSIGNED, {
        "student": enrollment.student.get_full_name(), "language": str(enrollment.language.display_name),
        "schedule": plan_summary(saved.plan, teacher),
    }, url="/teacher/students/")
    return saved
