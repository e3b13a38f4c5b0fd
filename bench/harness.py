"""What the self-contained benches share: their own database and Redis db, rows of a markdown table.

A bench module calls `configure(database=..., redis_url=...)` once, then uses the functions below.
"""

import math
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
POSTGRES = "postgres://postgres@127.0.0.1:5432"
ROWS: list[str] = []
_CONFIG = {"database": "", "redis_url": ""}


def configure(*, database: str, redis_url: str) -> None:
    """The bench's own database (created and dropped here) and Redis db (must be empty)."""
    _CONFIG.update(database=database, redis_url=redis_url)


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def row(what: str, value: str) -> None:
    log(f"{what}: {value}")
    ROWS.append(f"| {what} | {value} |")


def p95(values: list[float]) -> float:
    # Nearest rank: with 200 values this is the 190th fastest, a real observed value.
    return sorted(values)[math.ceil(0.95 * len(values)) - 1]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def spread(values: list[float]) -> str:
    return f"median {ms(statistics.median(values))}, p95 {ms(p95(values))} (n={len(values)})"


def bench_env() -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": f"{POSTGRES}/{_CONFIG['database']}",
        "REDIS_URL": _CONFIG["redis_url"],
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    }


def redis_check_empty() -> None:
    import redis

    if redis.Redis.from_url(_CONFIG["redis_url"]).dbsize():
        raise SystemExit(f"{_CONFIG['redis_url']} is not empty: someone may be using it; nothing measured.")


def database_recreate() -> None:
    import psycopg

    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {_CONFIG['database']} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {_CONFIG['database']}")
    log("migrating")
    subprocess.run(
        [sys.executable, "manage.py", "migrate_schemas", "--noinput", "-v", "0"],
        cwd=ROOT, env=bench_env(), check=True, stdout=subprocess.DEVNULL,
    )


def database_drop() -> None:
    import psycopg
    import redis
    from django.db import connections

    connections.close_all()
    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {_CONFIG['database']} WITH (FORCE)")
    redis.Redis.from_url(_CONFIG["redis_url"]).flushdb()


def django_setup() -> None:
    import django

    for key, value in bench_env().items():
        os.environ[key] = value
    django.setup()
