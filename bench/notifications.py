"""Notifications: how fast the live bell answers a notify(), and how fast beat's fan-out gets through
50 schools with real workers.

(a) The bell: a WebSocket client (aiohttp) connected to /ws/notifications/ on a real Daphne serving
    config.asgi with the Redis pub/sub channel layer; the bench process commits a notify() for the
    client's user and times the bell message's arrival, from the notify() call and from the commit.
(b) The fan-out: 50 schools made with school_create; `shared_apps.tenants.tasks.fan_out` sent from
    the public schema to real Celery workers (solo pool, 1 and then 2 of them), timed from sending
    it until the last of the 50 per-school tasks finished (the tasks' own `date_done`). Two tasks:
    accounts' `school_user_summary` (one small query: the fan-out's own cost), and notifications'
    `send_due_reminders` with a bench reminder source that has one reminder due per school (a
    Reminder row, a Notification, the bell, and an email delivery queued; the workers send those
    emails too, to locmem, and their finish is reported as well).

Self-contained: it makes its own database (panda_bench_notif) and drops it at the end, and uses
Redis db 6 (flushed at the end). Pub/sub channel names ignore the Redis db number, so every school
here has a run-unique name (its schema is in every group name). Run from the project root:

    .venv/bin/python -m bench.notifications

Prints markdown table rows on stdout; progress goes to stderr.
"""

import asyncio
import json
import math
import os
import queue
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DB = "panda_bench_notif"
POSTGRES = "postgres://postgres@127.0.0.1:5432"
REDIS_URL = "redis://127.0.0.1:6379/6"
WORKER_ROLE = "BENCH_NOTIF_QUEUE"  # set in the workers' environment: their queue
BELL_RUNS = 50
SCHOOLS = 50
FAN_OUT_ROUNDS = 7
TIMEOUT = 60


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def p95(values: list[float]) -> float:
    # Nearest rank: with 50 values this is the 48th fastest, a real observed value.
    return sorted(values)[math.ceil(0.95 * len(values)) - 1]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def bench_env(**extra) -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": f"{POSTGRES}/{BENCH_DB}",
        "REDIS_URL": REDIS_URL,
        # Deliveries that the workers send go nowhere: this measures our code, not an SMTP server.
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        **extra,
    }


# The workers' side: imported by `celery worker --include bench.notifications` -----------------
def bench_reminders(now):
    """One reminder due now for each manager of the school it runs in."""
    from tenant_apps.accounts.models import User
    from tenant_apps.accounts.notification_kinds import INVITATION_ACCEPTED
    from tenant_apps.notifications.reminders import DueReminder

    for manager in User.objects.filter(is_manager=True):
        yield DueReminder(
            key=f"bench.manager.{manager.pk}", recipient=manager, kind=INVITATION_ACCEPTED,
            context={"name": "Bench", "roles": "Manager"}, url="/notifications/", subject_version="1",
            due_at=now, current_version=lambda: "1",
        )


def _worker_setup(queue_name: str) -> None:
    from config.celery import app
    from tenant_apps.notifications import reminders

    reminders.register("bench.reminders", bench_reminders)
    # Deliveries are queued with `.delay` on the default queue: keep them on this run's queue.
    app.conf.task_default_queue = queue_name


if os.environ.get(WORKER_ROLE):
    _worker_setup(os.environ[WORKER_ROLE])


# The database ----------------------------------------------------------------------------------
def database_recreate() -> None:
    import psycopg

    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {BENCH_DB}")
    log("migrating")
    subprocess.run(
        [sys.executable, "manage.py", "migrate_schemas", "--noinput", "-v", "0"],
        cwd=ROOT, env=bench_env(), check=True, stdout=subprocess.DEVNULL,
    )


def database_drop() -> None:
    import psycopg
    import redis

    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
    redis.Redis.from_url(REDIS_URL).flushdb()


def django_setup() -> None:
    import django

    for key, value in bench_env().items():
        os.environ[key] = value
    django.setup()


def school_make(subdomain: str):
    from shared_apps.tenants.services import school_create

    return school_create(
        name=f"Bench {subdomain}", subdomain=subdomain, time_zone="Europe/Moscow", currency="RUB",
        owner_name="Owner", owner_email=f"owner@{subdomain}.example.com",
        owner_password="correct-horse-battery-staple", default_language="en",
    )


# (a) The bell ----------------------------------------------------------------------------------
def daphne_start(port: int) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "config.asgi:application"],
        cwd=ROOT, env=bench_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("Daphne exited early.")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return process
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("Daphne did not answer.")


def session_for(schema: str, user) -> str:
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django_tenants.utils import schema_context

    with schema_context(schema):
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.save()
    return session.session_key


class BellClient:
    """A WebSocket client on its own thread and event loop; each bell message lands in `inbox`."""

    def __init__(self, url: str, host: str, cookie: str):
        self.url, self.host, self.cookie = url, host, cookie
        self.inbox: queue.Queue = queue.Queue()
        self.connected = threading.Event()
        self.thread = threading.Thread(target=lambda: asyncio.run(self._listen()), daemon=True)

    def start(self) -> None:
        self.thread.start()
        if not self.connected.wait(10):
            raise RuntimeError("The WebSocket did not connect.")

    async def _listen(self) -> None:
        import aiohttp

        async with (
            aiohttp.ClientSession() as session,
            session.ws_connect(self.url, headers={"Host": self.host, "Cookie": self.cookie}) as ws,
        ):
            first = await ws.receive_json()  # the count sent on connect
            assert first["type"] == "bell", first
            self.connected.set()
            async for message in ws:
                if message.type == aiohttp.WSMsgType.TEXT:
                    self.inbox.put((time.perf_counter(), json.loads(message.data)))


def bench_bell(tag: str) -> list[str]:
    from django.db import transaction
    from django_tenants.utils import schema_context

    from tenant_apps.accounts.models import User
    from tenant_apps.accounts.notification_kinds import INVITATION_ACCEPTED
    from tenant_apps.notifications.services import notify

    new = school_make(f"bell-{tag}")
    schema, host = new.school.schema_name, new.school.domains.get().domain
    with schema_context(schema):
        owner = User.objects.get(pk=new.owner_id)
    port = free_port()
    daphne = daphne_start(port)
    try:
        cookie = f"sessionid={session_for(schema, owner)}"
        client = BellClient(f"ws://127.0.0.1:{port}/ws/notifications/", host, cookie)
        client.start()
        from_notify, from_commit = [], []
        for run in range(BELL_RUNS + 5):  # the first 5 warm up, untimed
            committed = []
            with schema_context(schema):
                started = time.perf_counter()
                with transaction.atomic():
                    # Registered first, so it runs first on commit, before notify's own bell push.
                    transaction.on_commit(lambda committed=committed: committed.append(time.perf_counter()))
                    notification = notify(owner, INVITATION_ACCEPTED, {"name": f"Run {run}", "roles": "x"})
            arrived, message = client.inbox.get(timeout=10)
            assert message["latest"]["id"] == notification.pk, message
            if run >= 5:
                from_notify.append(arrived - started)
                from_commit.append(arrived - committed[0])
            time.sleep(0.02)
    finally:
        daphne.terminate()
        daphne.wait(timeout=10)
    log(f"bell from notify(): {[round(v * 1000, 1) for v in from_notify]} ms")
    return [
        f"| bell: notify() (committed) → WebSocket client got the update, median / p95 of {BELL_RUNS} | "
        f"{ms(statistics.median(from_notify))} / {ms(p95(from_notify))} |",
        f"| … of which commit → client got it (bell push: unread count, Redis publish, Daphne) | "
        f"{ms(statistics.median(from_commit))} / {ms(p95(from_commit))} |",
    ]


# (b) The fan-out -------------------------------------------------------------------------------
def workers_start(count: int, queue_name: str) -> list[subprocess.Popen]:
    from config.celery import app

    processes, names = [], []
    for n in range(count):
        name = f"{queue_name}-{n}@localhost"
        names.append(name)
        processes.append(subprocess.Popen(
            [
                sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "-Q", queue_name,
                "-n", name, "--include", "bench.notifications", "--without-heartbeat", "--without-mingle",
                "--without-gossip", "--loglevel=WARNING",
            ],
            cwd=ROOT, env=bench_env(**{WORKER_ROLE: queue_name}), stdout=subprocess.DEVNULL,
        ))
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        answered = {name for reply in app.control.ping(destination=names, timeout=0.5) for name in reply}
        if answered == set(names):
            return processes
    raise RuntimeError("The workers did not answer a ping.")


def workers_stop(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        process.terminate()
    for process in processes:
        process.wait(timeout=30)


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def fan_out_once(task_name: str, queue_name: str) -> float:
    """Seconds from sending the fan-out until the last per-school task finished."""
    from django.db import connection
    from django_tenants.utils import schema_context

    from shared_apps.tenants.tasks import fan_out

    connection.set_schema_to_public()
    started = datetime.now(tz=UTC)
    with schema_context("public"):
        parent = fan_out.apply_async(kwargs={"task_name": task_name, "queue": queue_name}, queue=queue_name)
    sent = parent.get(timeout=TIMEOUT)
    assert len(sent) == SCHOOLS, len(sent)
    results = [fan_out.AsyncResult(item["task_id"]) for item in sent]
    for result in results:
        result.get(timeout=TIMEOUT, interval=0.01)
    return (max(_utc(result.date_done) for result in results) - started).total_seconds()


def deliveries_done(schemas: list[str]) -> datetime:
    """Waits until each school's one email was sent; returns when the last one was."""
    from django_tenants.utils import schema_context

    from tenant_apps.notifications.models import Delivery

    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        last = []
        for schema in schemas:
            with schema_context(schema):
                sent = Delivery.objects.filter(status=Delivery.Status.SENT).values_list("sent_at", flat=True)
                last.append(sent.first())
        if all(last):
            return max(last)
        time.sleep(0.1)
    raise RuntimeError("The deliveries did not finish.")


def reminders_reset(schemas: list[str]) -> None:
    from django_tenants.utils import schema_context

    from tenant_apps.notifications.models import Notification, Reminder

    for schema in schemas:
        with schema_context(schema):
            Reminder.objects.all().delete()
            Notification.objects.all().delete()


def bench_fan_out(tag: str) -> list[str]:
    from shared_apps.tenants.tasks import live_school_schemas

    log(f"creating {SCHOOLS} schools")
    for n in range(SCHOOLS):
        school_make(f"fan-{tag}-{n:02d}")
    schemas = [schema for schema in live_school_schemas() if schema.startswith(f"fan_{tag}_")]
    assert len(schemas) == SCHOOLS
    # The bell school of (a) is still there and live: drop it so the fan-out sees exactly 50.
    from django.db import connection

    from shared_apps.tenants.models import School

    connection.set_schema_to_public()
    School.objects.filter(schema_name=f"bell_{tag}").delete()
    assert len(live_school_schemas()) == SCHOOLS

    rows = []
    for workers in (1, 2):
        queue_name = f"bench-notif-{tag}-{workers}"
        processes = workers_start(workers, queue_name)
        try:
            fan_out_once("tenant_apps.accounts.tasks.school_user_summary", queue_name)  # warm-up
            summary = [fan_out_once("tenant_apps.accounts.tasks.school_user_summary", queue_name)
                       for _ in range(FAN_OUT_ROUNDS)]
            reminders, emails = [], []
            for _ in range(FAN_OUT_ROUNDS + 1):  # the first round warms up
                reminders_reset(schemas)
                started = datetime.now(tz=UTC)
                reminders.append(fan_out_once("tenant_apps.notifications.tasks.send_due_reminders", queue_name))
                emails.append((deliveries_done(schemas) - started).total_seconds())
            reminders, emails = reminders[1:], emails[1:]
        finally:
            workers_stop(processes)
        log(f"{workers} worker(s): summary {summary}, reminders {reminders}, emails {emails}")
        label = f"{workers} worker{'s' if workers > 1 else ''} (solo pool)"
        rows += [
            f"| fan-out to {SCHOOLS} schools, a one-query task, {label}: median of {FAN_OUT_ROUNDS} | "
            f"{statistics.median(summary):.2f} s ({SCHOOLS / statistics.median(summary):.0f} schools/s) |",
            f"| fan-out to {SCHOOLS} schools, `send_due_reminders` with one due reminder each, {label} | "
            f"{statistics.median(reminders):.2f} s ({SCHOOLS / statistics.median(reminders):.0f} schools/s); "
            f"all {SCHOOLS} emails sent after {statistics.median(emails):.2f} s |",
        ]
    return rows


def main() -> None:
    database_recreate()
    try:
        django_setup()
        tag = uuid.uuid4().hex[:6]
        rows = bench_bell(tag)
        rows += bench_fan_out(tag)
        # The machine may be shared: the load says how far to trust the figures.
        log("load average at the end (1, 5, 15 min): " + ", ".join(f"{load:.1f}" for load in os.getloadavg()))
        print("\n".join(rows), flush=True)
    finally:
        from django.db import connections

        connections.close_all()
        database_drop()


if __name__ == "__main__":
    main()
