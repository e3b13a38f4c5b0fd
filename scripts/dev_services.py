"""Find or start what `make run` needs and print the environment for it (shell `export` lines).

Postgres: $DATABASE_URL, else the server on 127.0.0.1:5432, else an embedded one under .data/pg.
Redis: $REDIS_URL or 127.0.0.1:6379 if it answers, else nothing (in-memory stand-ins are used).
"""

import os
import shlex
import socket
import sys
from pathlib import Path
from urllib.parse import quote

import psycopg

ROOT = Path(__file__).resolve().parent.parent
DATABASE_NAME = os.environ.get("PANDA_DB_NAME", "panda")


def answers(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def ensure_database(server_url: str, name: str) -> None:
    with psycopg.connect(server_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def database_url() -> str:
    if os.environ.get("DATABASE_URL"):
        return os.environ["DATABASE_URL"]
    if answers("127.0.0.1", 5432):
        ensure_database("postgresql://postgres@127.0.0.1:5432/postgres", DATABASE_NAME)
        return f"postgres://postgres@127.0.0.1:5432/{DATABASE_NAME}"
    import pgserver  # embedded Postgres: no system server needed

    server = pgserver.get_server(ROOT / ".data" / "pg", cleanup_mode=None)
    ensure_database(server.get_uri(), DATABASE_NAME)
    print("Started an embedded Postgres under .data/pg", file=sys.stderr)
    socket_dir = str(ROOT / ".data" / "pg")
    return f"postgres://postgres@{quote(socket_dir, safe='')}/{DATABASE_NAME}"


def redis_url() -> str:
    if os.environ.get("REDIS_URL"):
        return os.environ["REDIS_URL"]
    if answers("127.0.0.1", 6379):
        return "redis://127.0.0.1:6379/0"
    print("No Redis: using in-memory cache, channel layer and eager Celery.", file=sys.stderr)
    return ""


if __name__ == "__main__":
    print(f"export DATABASE_URL={shlex.quote(database_url())}")
    print(f"export REDIS_URL={shlex.quote(redis_url())}")
