"""Scheduling: the teacher's week and the student's lesson list, demo school vs the "scale" school.

(a) `seed_demo --scale`: how long the demo plus the scale school (100 teachers, 2,000 students,
    200,000 lessons, bulk-made: see tenant_apps/scheduling/demo.py) take to seed.
(b) The pages, through the Django test client on the school's host, logged in:
      - the teacher's week, /teacher/lessons/?week=<next Monday> (the week ahead: booked lessons);
      - the student's list, /student/lessons/ (upcoming and past lessons, running passes).
    Demo: Anna (teacher) and Ivan (student, English and Chinese). So that the demo week is not empty,
    every demo enrollment first gets a paid 8-lesson pass (payment_mark_paid; the "pass activated"
    hook books its weekly plan, as in production). Scale: teacher.000 (~22 enrollments, 44 lessons a
    week) and student.0000 (two enrollments, ~180 lessons). SQL queries of one request (after a
    warm-up request), then PAGE_RUNS timed requests.
(c) Reminders in the scale school: one `reminders_send_due` run two days ahead (24-hour and 1-hour
    reminders, unmarked lessons: all sent), then the same run again (all found sent: the steady-state
    cost of each beat).

Self-contained: it makes its own database (panda_bench_scheduling) and drops it at the end, and uses
Redis db 8 (must be empty at the start; flushed at the end). Run from the project root:

    .venv/bin/python -m bench.scheduling

Prints markdown table rows on stdout; progress goes to stderr.
"""

import io
import time
from datetime import datetime, timedelta
from datetime import time as wall

from bench import harness

ROOT = harness.ROOT
BENCH_DB = "panda_bench_scheduling"
REDIS_URL = "redis://127.0.0.1:6379/8"
PAGE_RUNS = 30
TEACHER_WEEK = "/teacher/lessons/?week={monday}"
STUDENT_LIST = "/student/lessons/"

harness.configure(database=BENCH_DB, redis_url=REDIS_URL)
ROWS, log, row, p95, ms, spread = harness.ROWS, harness.log, harness.row, harness.p95, harness.ms, harness.spread
bench_env, redis_check_empty = harness.bench_env, harness.redis_check_empty
database_recreate, database_drop, django_setup = harness.database_recreate, harness.database_drop, harness.django_setup


# (a) Seeding -----------------------------------------------------------------------------------
def bench_seed() -> None:
    from django.core.management import call_command

    out = io.StringIO()
    start = time.perf_counter()
    call_command("seed_demo", "--scale", stdout=out, stderr=io.StringIO())
    elapsed = time.perf_counter() - start
    summary = [line.strip() for line in out.getvalue().splitlines() if line.strip().startswith(("Scale", "steps"))]
    log("\n".join(summary))
    row("`seed_demo --scale` (demo + the scale school, from an empty database)", f"{elapsed:.0f} s")
    row("… of which the scale school's bulk inserts", summary[1].removeprefix("steps: ") if len(summary) > 1 else "?")


def demo_passes() -> None:
    """A paid 8-lesson pass for every demo enrollment: the plan books it (the pass-activated hook)."""
    from billing.models import Payment, Product
    from billing.services import payment_mark_paid
    from tenant_apps.learning.models import Enrollment

    product = Product.objects.filter(is_extension=False, lessons=8).first()
    for enrollment in Enrollment.objects.filter(is_active=True).select_related("student"):
        payment = Payment.objects.create(student=enrollment.student, enrollment=enrollment, product=product,
                                         amount=product.price, currency=product.currency, provider="demo")
        payment_mark_paid(payment=payment)


# (b) Pages ------------------------------------------------------------------------------------
def page_cost(host: str, schema: str, email: str, url: str) -> tuple[int, float, list[float]]:
    """SQL queries of one request and their summed database time, then PAGE_RUNS request timings."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django_tenants.utils import schema_context

    from tenant_apps.accounts.models import User

    client = Client(HTTP_HOST=host)
    with schema_context(schema):
        client.force_login(User.objects.get(email=email))
    first = client.get(url)  # sessions and the cached school, as on any later visit
    assert first.status_code == 200, (url, first.status_code)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    count = len(queries.captured_queries)  # now: the next request clears the log it reads lazily
    sql_time = sum(float(query["time"]) for query in queries.captured_queries)
    timings = []
    for _ in range(PAGE_RUNS):
        start = time.perf_counter()
        client.get(url)
        timings.append(time.perf_counter() - start)
    return count, sql_time, timings


def lessons_shown(school, teacher_email: str, student_email: str, monday) -> tuple[int, int]:
    """Lessons in the teacher's week (in the teacher's zone) and all of the student's lessons."""
    from django_tenants.utils import schema_context

    from tenant_apps.accounts.models import User
    from tenant_apps.scheduling.models import Lesson

    with schema_context(school.schema_name):
        teacher = User.objects.get(email=teacher_email)
        start = datetime.combine(monday, wall(0), tzinfo=teacher.zone(default=school.time_zone))
        in_week = Lesson.objects.filter(teacher=teacher, starts_at__gte=start, starts_at__lt=start + timedelta(days=7))
        return in_week.count(), Lesson.objects.filter(student__email=student_email).count()


def bench_pages() -> None:
    from django.utils import timezone
    from django_tenants.utils import schema_context

    from shared_apps.tenants.models import Domain
    from shared_apps.tenants.services import school_host

    demo = Domain.objects.select_related("tenant").get(domain=school_host("panda"))
    scale = Domain.objects.select_related("tenant").get(domain=school_host("scale"))
    with schema_context(demo.tenant.schema_name):
        demo_passes()
    today = timezone.localdate()
    monday = today + timedelta(days=7 - today.weekday())
    week = TEACHER_WEEK.format(monday=monday.isoformat())
    cases = [
        ("demo", demo, "teacher.anna@example.com", "student.ivan@example.com"),
        ("scale", scale, "teacher.000@scale.example.com", "student.0000@scale.example.com"),
    ]
    for name, domain, teacher, student in cases:
        schema = domain.tenant.schema_name
        in_week, of_student = lessons_shown(domain.tenant, teacher, student, monday)
        week_queries, week_sql, week_times = page_cost(domain.domain, schema, teacher, week)
        list_queries, list_sql, list_times = page_cost(domain.domain, schema, student, STUDENT_LIST)
        row(f"Teacher's week, {name} ({in_week} lessons that week): SQL queries (their time)",
            f"{week_queries} ({ms(week_sql)})")
        row(f"Teacher's week, {name}: render (test client)", spread(week_times))
        row(f"Student's lessons, {name} ({of_student} lessons in all): SQL queries (their time)",
            f"{list_queries} ({ms(list_sql)})")
        row(f"Student's lessons, {name}: render (test client)", spread(list_times))


# (c) Reminders over 200,000 lessons -------------------------------------------------------------
def bench_reminders() -> None:
    from django.utils import timezone
    from django_tenants.utils import schema_context

    from shared_apps.tenants.models import Domain
    from shared_apps.tenants.services import school_host
    from tenant_apps.notifications.reminders import reminders_send_due

    scale = Domain.objects.select_related("tenant").get(domain=school_host("scale")).tenant
    later = timezone.now() + timedelta(days=2)
    with schema_context(scale.schema_name):
        start = time.perf_counter()
        first = reminders_send_due(now=later)
        first_time = time.perf_counter() - start
        start = time.perf_counter()
        second = reminders_send_due(now=later)
        second_time = time.perf_counter() - start
    row("Reminders, scale school, a run 2 days ahead (all due ones sent)", f"{first_time:.1f} s: {first}")
    row("Reminders, the same run again (all found sent: each beat's cost)", f"{ms(second_time)}: {second}")


def main() -> None:
    redis_check_empty()
    database_recreate()
    try:
        django_setup()
        log("seeding (demo + scale)")
        bench_seed()
        log("pages")
        bench_pages()
        log("reminders")
        bench_reminders()
    finally:
        database_drop()
    print("\n".join(ROWS))


if __name__ == "__main__":
    main()
