"""Job tests: a real Celery worker in its own process, on the test database and Redis.

The worker sees only committed data (the session's cast, and what a test commits and
removes again). It consumes a queue unique to this test run, so it never takes another
run's tasks from a shared Redis, and another run's worker never takes ours.
"""

import os
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest
import redis
from django.conf import settings
from django.db import connection

from config.celery import app

ROOT = Path(__file__).resolve().parents[2]
WORKER_START_TIMEOUT = 30


@dataclass(frozen=True)
class Worker:
    queue: str
    nodename: str


def _require_redis() -> None:
    """Worker tests never skip: without a broker they fail and say why."""
    if not settings.REDIS_URL:
        pytest.fail("REDIS_URL is not set: the worker tests need a real Redis (tasks would run eagerly).")
    try:
        redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        pytest.fail(f"Redis at {settings.REDIS_URL} is not reachable: {exc}")


def _database_url(settings_dict: dict) -> str:
    password = f":{quote(settings_dict['PASSWORD'], safe='')}" if settings_dict.get("PASSWORD") else ""
    return "postgres://{user}{password}@{host}:{port}/{name}".format(
        user=quote(settings_dict["USER"], safe=""),
        password=password,
        host=settings_dict["HOST"] or "127.0.0.1",
        port=settings_dict["PORT"] or 5432,
        name=settings_dict["NAME"],
    )


def _wait_for_worker(worker: Worker, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + WORKER_START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"The Celery worker exited early (code {process.returncode}); see its output.")
        if app.control.ping(destination=[worker.nodename], timeout=0.5):
            return
    raise RuntimeError(f"The Celery worker {worker.nodename} did not answer a ping in {WORKER_START_TIMEOUT} s.")


@pytest.fixture(scope="module")
def worker(django_db_setup, django_db_blocker):
    """A Celery worker (solo pool) serving a queue of its own; tasks go there with `queue=worker.queue`."""
    _require_redis()
    with django_db_blocker.unblock():
        # After setup_databases the connection names the test database.
        settings_dict = dict(connection.settings_dict)
    queue = f"panda-test-{uuid.uuid4().hex[:12]}"
    worker = Worker(queue=queue, nodename=f"{queue}@localhost")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": _database_url(settings_dict),
        "REDIS_URL": settings.REDIS_URL,
        "DJANGO_ALLOW_ASYNC_UNSAFE": "",
    }
    process = subprocess.Popen(
        [
            sys.executable, "-m", "celery", "-A", "config", "worker",
            "--pool=solo", "--concurrency=1", "-Q", queue, "-n", worker.nodename,
            "--without-heartbeat", "--without-mingle", "--without-gossip", "--loglevel=INFO",
        ],
        cwd=ROOT,
        env=env,
    )
    # The rest of the suite runs tasks eagerly in-process; this module sends them to the worker.
    was_eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        _wait_for_worker(worker, process)
        yield worker
    finally:
        app.conf.task_always_eager = was_eager
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
        # Drop the run's queue and its binding, so runs leave nothing behind in Redis.
        with app.connection_for_write() as conn:
            conn.default_channel.queue_delete(queue)
