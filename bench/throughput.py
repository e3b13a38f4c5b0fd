"""Requests/s of one logged-in school page under gunicorn, with and without tenant routing.

Both variants serve bench.views.me (GET /bench/me/, Host alpha.localhost, the same session
cookie) from the same database rows, through the same middleware minus CachedTenantMiddleware:
  tenant: bench.settings        – host → school from the Redis domain cache, django-tenants backend
  plain:  bench.settings_plain  – Django's postgres backend with search_path=alpha, no tenant middleware
Before the load, each variant serves one request in-process with every SQL statement and Redis
command recorded, so the table says exactly what a request does.

Run from the project root on a migrated bench database (bench/run-all does it):
    DJANGO_SETTINGS_MODULE=bench.settings .venv/bin/python -m bench.throughput
Prints markdown table rows on stdout; progress goes to stderr.
"""

import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOST = "alpha.localhost"
PATH = "/bench/me/"
EMAIL = "owner@alpha.example.com"
VARIANTS = {"tenant": ("bench.settings", 8801), "plain": ("bench.settings_plain", 8802)}
WORKERS = 2  # one sync worker per core
WRK = ["wrk", "-t2", "-c16"]
SECONDS = 10
ROUNDS = 5  # alternating rounds; the median per variant is reported (the machine is shared: noisy)


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def django_setup() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    django.setup()


def session_create() -> str:
    """School alpha (created if missing) and a logged-in session for its owner, in alpha's schema."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django_tenants.utils import schema_context

    from shared_apps.tenants.models import School
    from shared_apps.tenants.services import school_create
    from tenant_apps.accounts.models import User

    if not School.objects.filter(schema_name="alpha").exists():
        school_create(name="Alpha", subdomain="alpha", time_zone="Europe/Moscow", currency="RUB",
                      owner_name="Owner", owner_email=EMAIL, owner_password="correct-horse-battery-staple")
    with schema_context("alpha"):
        user = User.objects.get(email=EMAIL)
        # What django.contrib.auth.login() stores, without a request.
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        return session.session_key


def record_one_request(session_key: str) -> None:
    """(Child process, under the variant's settings.) Print the SQL and Redis work of one request."""
    import redis
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    client = Client(HTTP_HOST=HOST)
    client.cookies[settings.SESSION_COOKIE_NAME] = session_key
    assert client.get(PATH).status_code == 200  # warms the domain cache: the steady state is a hit

    sql, redis_commands = [], []
    execute_command = redis.Redis.execute_command

    def redis_recorded(self, *args, **options):
        redis_commands.append(str(args[0]))
        return execute_command(self, *args, **options)

    def sql_recorded(execute, statement, params, many, context):
        sql.append(statement)
        return execute(statement, params, many, context)

    redis.Redis.execute_command = redis_recorded
    with connection.execute_wrapper(sql_recorded):
        response = client.get(PATH)
    redis.Redis.execute_command = execute_command
    assert response.status_code == 200 and response.content.decode() == EMAIL, response
    print(json.dumps({"sql": sql, "redis": redis_commands}))


def work_of(variant: str, session_key: str) -> dict:
    settings_module, _port = VARIANTS[variant]
    out = subprocess.run(
        [sys.executable, "-m", "bench.throughput", "--record", session_key],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": settings_module},
        cwd=ROOT, check=True, capture_output=True, text=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def describe(work: dict) -> str:
    """'SET search_path…; SELECT … django_session …' → 'SET search_path, SELECT django_session'."""
    def short(statement: str) -> str:
        if statement.startswith("SET"):
            return "SET search_path"
        table = re.search(r'FROM "(\w+)"', statement)
        return f"SELECT {table.group(1)}" if table else statement[:40]

    parts = [short(s) for s in work["sql"]] + [f"Redis {c}" for c in work["redis"]]
    return f"{len(work['sql'])} SQL + {len(work['redis'])} Redis: " + ", ".join(parts)


def wrk_ensure() -> None:
    # wrk is Debian's package; installed here so a fresh machine can run the bench.
    if not shutil.which("wrk"):
        log("installing wrk")
        subprocess.run(["apt-get", "update", "-qq"], check=True)
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True,
                       env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})


def get(port: int, session_key: str) -> tuple[int, str]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{PATH}", headers={"Host": HOST, "Cookie": f"sessionid={session_key}"}
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        return response.status, response.read().decode()


def gunicorn_start(variant: str, session_key: str) -> subprocess.Popen:
    settings_module, port = VARIANTS[variant]
    server = subprocess.Popen(
        # --no-control-socket: gunicorn's default socket path is shared with every other gunicorn.
        [str(ROOT / ".venv/bin/gunicorn"), "-w", str(WORKERS), "-b", f"127.0.0.1:{port}", "--no-control-socket",
         "--log-level", "warning", "config.wsgi"],
        # No collectstatic for the bench: silence WhiteNoise's missing-directory warning.
        env={**os.environ, "DJANGO_SETTINGS_MODULE": settings_module, "PYTHONWARNINGS": "ignore:No directory at"},
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=sys.stderr,
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            status, body = get(port, session_key)
            if (status, body) != (200, EMAIL):
                raise RuntimeError(f"{variant}: {status} {body!r}, expected 200 {EMAIL!r}")
            return server
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                raise
            time.sleep(0.3)


def worker_cpu_seconds(server: subprocess.Popen) -> float:
    """User + system CPU used so far by the server's workers (the master's children), from /proc."""
    total = 0
    for pid in Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split():
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime: fields 14 and 15 of stat(5)
    return total / os.sysconf("SC_CLK_TCK")


def wrk(variant: str, session_key: str, seconds: int, server: subprocess.Popen) -> dict:
    _settings, port = VARIANTS[variant]
    cpu_before = worker_cpu_seconds(server)
    out = subprocess.run(
        [*WRK, f"-d{seconds}s", "-H", f"Host: {HOST}", "-H", f"Cookie: sessionid={session_key}",
         f"http://127.0.0.1:{port}{PATH}"],
        check=True, capture_output=True, text=True,
    ).stdout
    cpu = worker_cpu_seconds(server) - cpu_before
    # A 403 (session not found) or 5xx would be fast and inflate the figure: refuse them.
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if bad:
        raise RuntimeError(f"{variant}: {bad.group(1)} failed responses\n{out}")
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        # Worker CPU per request is far less sensitive than requests/s to other load on the machine.
        "cpu_ms": round(cpu / requests * 1000, 3),
        "latency": re.search(r"Latency\s+(\S+)", out).group(1),
        "errors": (re.search(r"Socket errors: .*", out) or [""])[0],
    }


def main() -> None:
    django_setup()
    wrk_ensure()
    session_key = session_create()
    rows = []
    for variant in VARIANTS:
        rows.append(f"| request work, {variant} | {describe(work_of(variant, session_key))} |")

    servers = {}
    try:
        servers = {variant: gunicorn_start(variant, session_key) for variant in VARIANTS}
        for variant in VARIANTS:
            wrk(variant, session_key, 3, servers[variant])  # warm-up: pools filled, code paths hot
        runs = {variant: [] for variant in VARIANTS}
        for round_ in range(ROUNDS):
            # Alternating, so background noise on this shared machine hits both variants alike.
            for variant in VARIANTS:
                result = wrk(variant, session_key, SECONDS, servers[variant])
                log(f"round {round_ + 1} {variant}: {result}, load {os.getloadavg()[0]:.1f}")
                runs[variant].append(result)
    finally:
        for server in servers.values():
            server.terminate()
            server.wait(timeout=30)

    def median(variant: str, key: str) -> float:
        return statistics.median(run[key] for run in runs[variant])

    command = f"`gunicorn -w {WORKERS}` + `{' '.join(WRK)} -d{SECONDS}s`, median of {ROUNDS}"
    for variant in VARIANTS:
        each = ", ".join(f"{run['rps']:.0f}" for run in runs[variant])
        rows.append(f"| requests/s, {variant} ({command}) | {median(variant, 'rps'):.0f} (runs: {each}) |")
    # Each round's two runs are back to back, so their ratio is less exposed to the other load on
    # the machine than the ratio of the medians: report the median of the per-round ratios.
    ratios = sorted(t["rps"] / p["rps"] for t, p in zip(runs["tenant"], runs["plain"], strict=True))
    rows.append(f"| tenant / plain requests/s: median of the {ROUNDS} per-round ratios | "
                f"{statistics.median(ratios):.2f} (range {ratios[0]:.2f}–{ratios[-1]:.2f}) |")
    tenant_cpu, plain_cpu = median("tenant", "cpu_ms"), median("plain", "cpu_ms")
    rows.append(f"| gunicorn worker CPU per request, tenant / plain (median of {ROUNDS}) | "
                f"{tenant_cpu:.2f} ms / {plain_cpu:.2f} ms: tenant routing +{tenant_cpu - plain_cpu:.2f} ms "
                f"(+{(tenant_cpu / plain_cpu - 1) * 100:.0f}%) |")
    print("\n".join(rows), flush=True)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--record"]:
        django_setup()
        record_one_request(sys.argv[2])
    else:
        main()
