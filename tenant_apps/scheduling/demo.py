"""Demo scheduling data: the "panda" school's hours and plans, and the "scale" school for benchmarks.

`seed_scheduling()` is safe to run twice: hours and plans that exist are left as they are (so what
was changed in the demo since stays changed), and booking again books only what is not booked yet.

`seed_scale()` fills an empty school with 100 teachers, 2,000 students and 200,000 lessons through
`bulk_create` (no services, no notifications): see its docstring for what it does and does not write.
"""

import random
import time as clock
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta

from django.db import connection, transaction
from django.utils import timezone

from billing.models import LedgerEntry, Pass, Product, Reservation
from tenant_apps.accounts.models import User
from tenant_apps.learning.models import Enrollment, Language
from tenant_apps.scheduling.models import Lesson, PlanSlot, WeeklyPlan, WorkingHours
from tenant_apps.scheduling.services import plan_book
from tenant_apps.scheduling.setup_services import current_pass, weekly_plan_save

MON, TUE, WED, THU, FRI, SAT = range(6)
# teacher email, zone, weekdays, from, until
DEMO_HOURS = [
    ("teacher.anna@example.com", "Europe/London", (MON, TUE, WED, THU, FRI), time(9), time(21)),
    ("teacher.li@example.com", "Asia/Shanghai", (MON, TUE, WED, THU, FRI, SAT), time(10), time(22)),
]
# student email, language code, zone, weekly times
DEMO_PLANS = [
    ("student.ivan@example.com", "en", "Europe/London", [(MON, time(19)), (THU, time(19))]),
    ("student.ivan@example.com", "zh", "Asia/Shanghai", [(TUE, time(12))]),
    ("student.maria@example.com", "en", "Europe/London", [(WED, time(18))]),
    ("student.alex@example.com", "zh", "Asia/Shanghai", [(SAT, time(11))]),
]


@transaction.atomic
def seed_scheduling(*, now: datetime | None = None) -> None:
    """Working hours for the demo teachers, weekly plans for the demo enrollments, booked into running passes.

    Call inside the demo school's schema, after seed_learning() and seed_billing(). Ivan's English pass
    was bought ~27 days ago, so booking fills only what is left of it; the others have no pass yet and
    get their lessons when one is paid (billing's "pass activated" hook books the plan).
    """
    now = now or timezone.now()
    for email, zone, weekdays, starts, ends in DEMO_HOURS:
        teacher = User.objects.get(email=email)
        if not teacher.time_zone:  # the plans' default zone and how the teacher's pages read times
            teacher.time_zone = zone
            teacher.save(update_fields=["time_zone"])
        if not WorkingHours.objects.filter(teacher=teacher).exists():
            WorkingHours.objects.bulk_create(
                WorkingHours(teacher=teacher, weekday=day, starts=starts, ends=ends, time_zone=zone) for day in weekdays
            )
    methodologist = User.objects.filter(is_methodologist=True).order_by("pk").first()
    for email, code, zone, slots in DEMO_PLANS:
        enrollment = (
            Enrollment.objects.filter(student__email=email, language__code=code, is_active=True)
            .select_related("student", "teacher")
            .first()
        )
        if enrollment is None:
            continue
        plan = WeeklyPlan.objects.filter(enrollment=enrollment).first()
        if plan is None:
            plan = weekly_plan_save(enrollment=enrollment, by=methodologist, time_zone=zone, lesson_minutes=60,
                                    slots=slots, now=now).plan
        lesson_pass = current_pass(enrollment, now=now)
        if lesson_pass is not None:
            plan_book(plan=plan, lesson_pass=lesson_pass, now=now, by=methodologist)


def _booked(enrollment, lesson_pass, starts_at, now):
    """A demo lesson at `starts_at`, or None when the time is taken or the pass has no free credit."""
    from billing.services import free_credits
    from tenant_apps.scheduling.services import SlotTaken, _create_lesson

    if lesson_pass is None or free_credits(lesson_pass) <= 0:
        return None
    try:
        lesson = _create_lesson(enrollment=enrollment, lesson_pass=lesson_pass, starts_at=starts_at, minutes=60,
                                now=now)
    except SlotTaken:
        return None
    # As if booked yesterday: a lesson booked after its reminder's time gets none (reminders.lessons_soon),
    # and the demo should print the 1-hour reminder at beat's next run.
    Lesson.objects.filter(pk=lesson.pk).update(created_at=now - timedelta(days=1))
    return lesson


def _enrollment(email: str, code: str):
    return (Enrollment.objects.filter(student__email=email, language__code=code, is_active=True)
            .select_related("student", "teacher").first())


@transaction.atomic
def seed_showcase(*, now: datetime | None = None) -> None:
    """What a visitor of the demo should find at once: a lesson starting within minutes (the classroom can
    be tried now), another later today, past lessons held, and a frozen pass.

    Call after seed_scheduling(). Safe to run again: past lessons and the freeze are made once; a lesson
    "within minutes" is added again only when none starts between 5 and 60 minutes from now.
    """
    from tenant_apps.scheduling.services import lesson_mark, pass_freeze

    now = now or timezone.now()
    maria, alex, ivan = (_enrollment("student.maria@example.com", "en"), _enrollment("student.alex@example.com", "zh"),
                         _enrollment("student.ivan@example.com", "en"))
    if maria is not None:
        soon = (now + timedelta(minutes=10)).replace(second=0, microsecond=0)
        if not Lesson.objects.filter(enrollment=maria, status="scheduled", starts_at__gte=now + timedelta(minutes=5),
                                     starts_at__lt=now + timedelta(hours=1)).exists():
            _booked(maria, current_pass(maria, now=now), soon, now)
    if alex is not None:
        later = (now + timedelta(hours=3)).replace(minute=0, second=0, microsecond=0)
        if not Lesson.objects.filter(enrollment=alex, starts_at__date=later.date(), starts_at__gte=now).exists():
            _booked(alex, current_pass(alex, now=now), later, now)
    if ivan is not None and not Lesson.objects.filter(enrollment=ivan, starts_at__lt=now).exists():
        lesson_pass = Pass.objects.filter(enrollment=ivan).order_by("starts_at").first()
        for days_ago in (20, 13, 6):  # held, held, and one the student missed
            lesson = _booked(ivan, lesson_pass, (now - timedelta(days=days_ago)).replace(minute=0, second=0,
                                                                                        microsecond=0), now)
            if lesson is not None:
                lesson_mark(lesson=lesson, outcome="no_show" if days_ago == 6 else "held", by=ivan.teacher, now=now)
    if alex is not None:
        lesson_pass = current_pass(alex, now=now)
        if lesson_pass is not None and not lesson_pass.freezes.exists():
            pass_freeze(lesson_pass=lesson_pass, by=alex.student, starts_at=now + timedelta(days=3), now=now)


# The scale school -----------------------------------------------------------------------------
SCALE_TEACHERS = 100
SCALE_STUDENTS = 2_000
SCALE_LESSONS = 200_000
SCALE_SECOND_LANGUAGE_EVERY = 10  # every 10th student learns both languages
SCALE_HOURS = range(7, 21)  # lessons start on the hour, 07:00–20:00 UTC, every day
PASS_LESSONS, PASS_DAYS, PASS_AGE = 8, 28, timedelta(days=7)
BATCH = 5_000
STUDENT_ZONES = ["Europe/Moscow", "Europe/London", "America/New_York", "Asia/Shanghai", ""]


@dataclass
class ScaleReport:
    counts: dict = field(default_factory=dict)
    seconds: dict = field(default_factory=dict)


def _timed(report: ScaleReport, what: str, started: float) -> float:
    now = clock.perf_counter()
    report.seconds[what] = round(now - started, 1)
    return now


def _status_of_past(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.90:
        return Lesson.Status.HELD
    if roll < 0.95:
        return Lesson.Status.NO_SHOW
    if roll < 0.98:
        return Lesson.Status.CANCELLED_IN_TIME
    return Lesson.Status.CANCELLED_LATE


def _lesson(enrollment, starts_at, status, plan_id, lesson_pass_id=None) -> Lesson:
    ends_at = starts_at + timedelta(hours=1)
    lesson = Lesson(enrollment_id=enrollment.pk, teacher_id=enrollment.teacher_id, student_id=enrollment.student_id,
                    plan_id=plan_id, lesson_pass_id=lesson_pass_id, starts_at=starts_at, ends_at=ends_at, status=status)
    if status in (Lesson.Status.HELD, Lesson.Status.NO_SHOW):
        lesson.marked_by_id, lesson.marked_at = enrollment.teacher_id, ends_at + timedelta(hours=1)
    elif status != Lesson.Status.SCHEDULED:
        lesson.cancelled_by_id, lesson.cancelled_at = enrollment.student_id, starts_at - timedelta(days=1)
    return lesson


def _first_at_or_after(moment: datetime, weekday: int, hour: int) -> datetime:
    day = moment.replace(hour=hour, minute=0, second=0, microsecond=0)
    day += timedelta(days=(weekday - day.weekday()) % 7)
    return day if day >= moment else day + timedelta(days=7)


def _weekly_slots(enrollments: list[Enrollment]) -> dict[int, list[tuple[int, int]]]:
    """Two weekly (weekday, hour) slots per enrollment, on different days, free for its teacher and its
    student: whatever the weeks, no two occupying lessons of one person overlap (the exclusion
    constraints would refuse the batch otherwise)."""
    grid = [(day, hour) for hour in SCALE_HOURS for day in range(7)]
    teachers_taken: dict[int, set] = {}
    students_taken: dict[int, set] = {}
    slots = {}
    for number, enrollment in enumerate(enrollments):
        teacher_taken = teachers_taken.setdefault(enrollment.teacher_id, set())
        student_taken = students_taken.setdefault(enrollment.student_id, set())
        chosen: list[tuple[int, int]] = []
        for step in range(len(grid)):
            day, hour = grid[(number * 3 + step) % len(grid)]
            if (day, hour) in teacher_taken or (day, hour) in student_taken or any(d == day for d, _h in chosen):
                continue
            chosen.append((day, hour))
            if len(chosen) == 2:
                break
        if len(chosen) < 2:
            raise RuntimeError("The scale grid is too small for this many enrollments per teacher.")
        for slot in chosen:
            teacher_taken.add(slot)
            student_taken.add(slot)
        slots[enrollment.pk] = chosen
    return slots


@transaction.atomic
def seed_scale(*, password_hash: str, now: datetime | None = None, log=print) -> ScaleReport:
    """Fill the current (empty) school: 100 teachers, 2,000 students, 2,200 enrollments, 200,000 lessons.

    Call inside the school's schema. Everything is bulk-made; what that leaves out, on purpose:
      - every enrollment has one running pass (8 lessons, bought 7 days ago, 28 days) with a consistent
        ledger (purchase +8, one "booked" −1 per lesson, "held" 0 for the ones held) and one reservation
        per lesson (consumed when held, open otherwise): the 8 lessons inside the pass's window;
      - the ~180,000 older lessons (≈ 41 weeks back) belong to no pass and have no ledger rows: history
        imported as it was; no notifications, no EnrollmentChange rows;
      - lessons are on the hour, 07:00–20:00 UTC, two weekly slots per enrollment (a weekly plan in
        UTC); of the past ones 90 % held, 5 % no-show, 5 % cancelled, and those that ended within the
        last 24 hours are left unmarked.
    """
    now = (now or timezone.now()).astimezone(UTC).replace(second=0, microsecond=0)
    report = ScaleReport()
    started = clock.perf_counter()
    teachers, students = _scale_people(password_hash)
    started = _timed(report, "people", started)
    enrollments, occurrences = _scale_enrollments(teachers, students)
    started = _timed(report, "enrollments and plans", started)
    current, ledger_rows = _scale_running_passes(enrollments, occurrences, now=now)
    started = _timed(report, "passes, their lessons and ledgers", started)
    weeks = _scale_history(occurrences, already=current, pass_start=now - PASS_AGE, log=log)
    started = _timed(report, "history lessons", started)
    # Fresh statistics, as autovacuum would leave them a minute later: without them the planner takes
    # these tables for nearly empty and picks plans no real school would get.
    with connection.cursor() as cursor:
        for model in (User, Enrollment, WeeklyPlan, PlanSlot, Pass, LedgerEntry, Reservation, Lesson):
            cursor.execute(f'ANALYZE "{model._meta.db_table}"')
    _timed(report, "analyze", started)
    report.counts = {
        "teachers": len(teachers), "students": len(students), "enrollments": len(enrollments),
        "lessons": Lesson.objects.count(), "weeks of history": weeks, "passes": len(enrollments),
        "ledger rows": ledger_rows,
    }
    return report


def _scale_people(password_hash: str) -> tuple[list[User], list[User]]:
    from allauth.account.models import EmailAddress

    teachers = User.objects.bulk_create(
        User(email=f"teacher.{n:03d}@scale.example.com", full_name=f"Teacher {n:03d}", is_teacher=True,
             password=password_hash)
        for n in range(SCALE_TEACHERS)
    )
    students = User.objects.bulk_create(
        (User(email=f"student.{n:04d}@scale.example.com", full_name=f"Student {n:04d}", is_student=True,
              password=password_hash, time_zone=STUDENT_ZONES[n % len(STUDENT_ZONES)])
         for n in range(SCALE_STUDENTS)),
        batch_size=BATCH,
    )
    EmailAddress.objects.bulk_create(
        (EmailAddress(user=user, email=user.email, verified=True, primary=True) for user in teachers + students),
        batch_size=BATCH,
    )
    WorkingHours.objects.bulk_create(
        WorkingHours(teacher=teacher, weekday=day, starts=time(SCALE_HOURS.start), ends=time(SCALE_HOURS.stop),
                     time_zone="UTC")
        for teacher in teachers for day in range(7)
    )
    return teachers, students


def _scale_enrollments(teachers, students) -> tuple[list[Enrollment], list[tuple[Enrollment, int, int, int]]]:
    """Enrollments with their weekly plans; returns them and every (enrollment, plan id, weekday, hour)."""
    manager = User.objects.filter(is_manager=True).order_by("pk").first()
    languages = [Language.objects.get(code="en"), Language.objects.get(code="zh")]
    # Half learn English, half Chinese, every 10th both; 50 teachers per language, ~22 enrollments each.
    per_language = [teachers[: SCALE_TEACHERS // 2], teachers[SCALE_TEACHERS // 2:]]
    enrollments = []
    for n, student in enumerate(students):
        first = n % 2
        wanted = [(first, n // 2)]
        if n % SCALE_SECOND_LANGUAGE_EVERY == 0:
            wanted.append((1 - first, n // SCALE_SECOND_LANGUAGE_EVERY))
        for index, spread in wanted:
            teacher = per_language[index][spread % len(per_language[index])]
            enrollments.append(Enrollment(student=student, language=languages[index], teacher=teacher,
                                          goal="Speak with confidence", created_by=manager))
    enrollments = Enrollment.objects.bulk_create(enrollments, batch_size=BATCH)
    slots = _weekly_slots(enrollments)
    plans = WeeklyPlan.objects.bulk_create(
        WeeklyPlan(enrollment=enrollment, time_zone="UTC", lesson_minutes=60, agreed_by=manager)
        for enrollment in enrollments
    )
    occurrences = [
        (enrollment, plan.pk, day, hour) for enrollment, plan in zip(enrollments, plans, strict=True)
        for day, hour in slots[enrollment.pk]
    ]
    PlanSlot.objects.bulk_create(
        (PlanSlot(plan_id=plan_id, weekday=day, starts=time(hour)) for _e, plan_id, day, hour in occurrences),
        batch_size=BATCH,
    )
    return enrollments, occurrences


def _scale_running_passes(enrollments, occurrences, *, now: datetime) -> tuple[list[Lesson], int]:
    """One running pass per enrollment, its 8 lessons (past ones held, or unmarked if just ended), its
    ledger and reservations, written in the order the real services write them."""
    product, _created = Product.objects.get_or_create(
        name="8 lessons", defaults={"lessons": PASS_LESSONS, "price": 1_990_000, "currency": "RUB"}
    )
    pass_start = now - PASS_AGE
    passes = Pass.objects.bulk_create(
        Pass(enrollment=e, product=product, lessons=PASS_LESSONS, starts_at=pass_start,
             valid_until=pass_start + timedelta(days=PASS_DAYS))
        for e in enrollments
    )
    pass_of = {p.enrollment_id: p.pk for p in passes}
    lessons = []
    for enrollment, plan_id, day, hour in occurrences:
        first = _first_at_or_after(pass_start, day, hour)
        for week in range(PASS_DAYS // 7):
            starts_at = first + timedelta(weeks=week)
            held = starts_at + timedelta(hours=1) <= now - timedelta(hours=24)
            status = Lesson.Status.HELD if held else Lesson.Status.SCHEDULED
            lessons.append(_lesson(enrollment, starts_at, status, plan_id, pass_of[enrollment.pk]))
    lessons = Lesson.objects.bulk_create(lessons, batch_size=BATCH)

    ledger = [
        LedgerEntry(lesson_pass=p, seq=1, change=PASS_LESSONS, balance_after=PASS_LESSONS,
                    kind=LedgerEntry.Kind.PURCHASE, actor_id=p.enrollment.student_id, reason=product.name)
        for p in passes
    ]
    seq_and_free = {p.pk: (1, PASS_LESSONS) for p in passes}

    def append(lesson, change, kind, actor_id=None):
        seq, free = seq_and_free[lesson.lesson_pass_id]
        seq_and_free[lesson.lesson_pass_id] = (seq + 1, free + change)
        ledger.append(LedgerEntry(lesson_pass_id=lesson.lesson_pass_id, seq=seq + 1, change=change,
                                  balance_after=free + change, kind=kind, actor_id=actor_id, lesson_id=lesson.pk))

    in_order = sorted(lessons, key=lambda lesson: (lesson.lesson_pass_id, lesson.starts_at))
    for lesson in in_order:  # all booked when the pass was activated ...
        append(lesson, -1, LedgerEntry.Kind.BOOKED)
    for lesson in in_order:  # ... then marked held one by one
        if lesson.status == Lesson.Status.HELD:
            append(lesson, 0, LedgerEntry.Kind.HELD, actor_id=lesson.teacher_id)
    LedgerEntry.objects.bulk_create(ledger, batch_size=BATCH)
    spent = {Lesson.Status.HELD: Reservation.Status.CONSUMED}
    Reservation.objects.bulk_create(
        (Reservation(lesson_pass_id=lesson.lesson_pass_id, lesson_id=lesson.pk, lesson_starts_at=lesson.starts_at,
                     status=spent.get(lesson.status, Reservation.Status.OPEN), closed_at=lesson.marked_at)
         for lesson in lessons),
        batch_size=BATCH,
    )
    return lessons, len(ledger)


def _scale_history(occurrences, *, already: list[Lesson], pass_start: datetime, log) -> int:
    """Week after week back from the passes' start until the school has 200,000 lessons; returns the weeks."""
    rng = random.Random(2026)  # the same school on every run
    firsts = [_first_at_or_after(pass_start, day, hour) for _e, _plan, day, hour in occurrences]
    total, week, pending = len(already), 0, []
    while total < SCALE_LESSONS:
        week += 1
        for (enrollment, plan_id, _day, _hour), first in zip(occurrences, firsts, strict=True):
            if total >= SCALE_LESSONS:
                break
            pending.append(_lesson(enrollment, first - timedelta(weeks=week), _status_of_past(rng), plan_id))
            total += 1
        if len(pending) >= 20_000 or total >= SCALE_LESSONS:
            Lesson.objects.bulk_create(pending, batch_size=BATCH)
            log(f"  lessons: {total:,}")
            pending = []
    return week
