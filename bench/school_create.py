"""School provisioning: how long school_create takes, how that grows with the number of schools,
what a no-op `migrate_schemas` costs per schema, and clone vs plain migrate for a new schema.

Run from the project root on an empty, migrated bench database (bench/run-all does both):
    DJANGO_SETTINGS_MODULE=bench.settings .venv/bin/python -m bench.school_create
Prints markdown table rows on stdout at the end; progress and raw timings go to stderr.
"""

import contextlib
import math
import os
import statistics
import subprocess
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
# No connection pool here: connection.close() must really end the Postgres backend (see fresh_start).
os.environ["DB_POOL"] = "0"
django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django_tenants.clone import CloneSchema  # noqa: E402

from shared_apps.tenants.models import School  # noqa: E402
from shared_apps.tenants.services import schema_name_for, school_create  # noqa: E402

RUNS = 20  # timed creations per series
EXISTING = 100  # schools present for the "many schools" series
SCHEMA_RUNS = 5  # clone vs plain migrate, each
PASSWORD = "correct-horse-battery-staple"
ROWS: list[str] = []  # printed together at the end, in table order


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def row(what: str, value: str) -> None:
    log(f"{what}: {value}")
    ROWS.append(f"| {what} | {value} |")


def timed(fn, *args, **kwargs) -> float:
    start = time.perf_counter()
    fn(*args, **kwargs)
    return time.perf_counter() - start


def p90(values: list[float]) -> float:
    # Nearest rank: with 20 runs this is the 18th fastest, a real observed value.
    return sorted(values)[math.ceil(0.9 * len(values)) - 1]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def load() -> str:
    # The machine is shared: the load average says how much the figures may be inflated.
    return f"load {os.getloadavg()[0]:.1f}"


def sql(statement: str):
    connection.set_schema_to_public()
    with connection.cursor() as cursor:
        cursor.execute(statement)
        return cursor.fetchone() if cursor.description else None


def fresh_start() -> None:
    """Untimed, before every timed step: a vacuumed, analysed catalog and a new Postgres backend.

    Both keep the figures about the code rather than about this run's history:
    - every schema adds ~25 tables of catalog rows and leaves dead ones behind; without
      autovacuum (off on the dev server these figures come from: `SHOW autovacuum`) catalog
      bloat and stale statistics made a creation at 100 schools 2–3× slower;
    - a backend that has run clone_schema keeps memory per call (the "backend memory" row) and
      slows down: 0.5 s → 2.4 s over 30 clones on one connection. Production's pool recycles
      connections and schools are created rarely, so a fresh backend is the realistic case.
    """
    sql("VACUUM (ANALYZE)")
    connection.close()
    connection.ensure_connection()  # connecting is not part of the timed work


def backend_memory() -> int:
    return int(sql("SELECT sum(total_bytes) FROM pg_backend_memory_contexts")[0])


def create(subdomain: str) -> None:
    school_create(
        name=f"Bench {subdomain}",
        subdomain=subdomain,
        time_zone="Europe/Moscow",
        currency="RUB",
        owner_name="Owner",
        owner_email=f"owner@{subdomain}.example.com",
        owner_password=PASSWORD,
    )


def delete(subdomain: str) -> None:
    # auto_drop_schema: deleting the row drops the schema, so every probe starts from the same state.
    connection.set_schema_to_public()
    School.objects.get(schema_name=schema_name_for(subdomain)).delete()


def school_count() -> int:
    """Real schools: neither the platform's public row nor the template."""
    return School.objects.exclude(schema_name=settings.PUBLIC_SCHEMA_NAME).filter(is_template=False).count()


def creation_series() -> None:
    """RUNS creations at the current number of schools; each probe is dropped again, untimed."""
    existing = school_count()
    log(f"school_create with {existing} schools, {load()}")
    times = []
    for i in range(RUNS):
        subdomain = f"probe-{i}"
        fresh_start()
        times.append(timed(create, subdomain))
        delete(subdomain)
    assert school_count() == existing
    log(f"  {[round(t * 1000) for t in times]} ms, {load()}")
    row(f"school_create, {existing} existing schools: median / p90 of {RUNS}",
        f"{ms(statistics.median(times))} / {ms(p90(times))}")


def migrate_noop() -> float:
    """The real command in a fresh process, run twice: the second run has nothing to apply."""
    log(f"no-op migrate_schemas with {school_count()} schools, {load()}")
    command = [sys.executable, "manage.py", "migrate_schemas", "--noinput"]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    fresh_start()
    return timed(subprocess.run, command, check=True, stdout=subprocess.DEVNULL)


def schema_plain(schema: str) -> None:
    # What django-tenants does for auto_create_schema=True: create the schema, migrate it alone.
    sql(f'CREATE SCHEMA "{schema}"')
    with contextlib.redirect_stdout(sys.stderr):  # stdout carries only the table
        call_command("migrate_schemas", schema_name=schema, interactive=False, verbosity=0)


def schema_clone(schema: str) -> None:
    # What school_create does (services._schema_clone_from_template).
    CloneSchema().clone_schema(settings.TENANT_TEMPLATE_SCHEMA, schema, "DATA")


def plain_vs_clone() -> None:
    log(f"new schema with {school_count()} schools: plain migrate vs clone, {load()}")
    times = {"plain": [], "clone": []}
    kept = []  # backend memory a clone leaves behind in its connection
    for i in range(SCHEMA_RUNS):
        # Interleaved, so that drift on this shared machine hits both alike.
        for kind, make in (("plain", schema_plain), ("clone", schema_clone)):
            schema = f"bench_{kind}_{i}"
            fresh_start()
            before = backend_memory()
            times[kind].append(timed(make, schema))
            if kind == "clone":
                kept.append(backend_memory() - before)
            sql(f'DROP SCHEMA "{schema}" CASCADE')
    log(f"  plain {[round(t * 1000) for t in times['plain']]} ms, "
        f"clone {[round(t * 1000) for t in times['clone']]} ms, {load()}")
    plain, clone = (statistics.median(times[kind]) for kind in ("plain", "clone"))
    row(f"new schema, CREATE SCHEMA + `migrate_schemas --schema`: median of {SCHEMA_RUNS}", ms(plain))
    row(f"new schema, clone of the template: median of {SCHEMA_RUNS}", f"{ms(clone)} ({plain / clone:.1f}× faster)")
    row("… Postgres backend memory a clone keeps until its connection closes (median)",
        f"{statistics.median(kept) / 1e6:.0f} MB")


def main() -> None:
    assert school_count() == 0, "run on an empty bench database (bench/run-all makes one)"
    log(f"server autovacuum: {sql('SHOW autovacuum')[0]} (this script vacuums before each timed step)")

    # Warm-up, untimed: the first creation also loads code and templates.
    create("warmup")
    delete("warmup")

    creation_series()
    migrate_empty = migrate_noop()

    log(f"creating {EXISTING} schools")
    for n in range(EXISTING):
        if n % 10 == 0:
            fresh_start()  # what autovacuum and connection recycling would do along the way
        create(f"school-{n}")

    creation_series()
    # The owner's password hash is part of every creation; shown so it is not mistaken for DB time.
    hashing = statistics.median([timed(make_password, PASSWORD) for _ in range(5)])
    row(f"… of which hashing the owner's password ({settings.PASSWORD_HASHERS[0].rsplit('.', 1)[1]})",
        ms(hashing))

    migrate_full = migrate_noop()
    schemas = School.objects.count()  # public + template + the schools: each one is migrated
    row(f"no-op `migrate_schemas --noinput`, {EXISTING} schools ({schemas} schemas): total (per schema)",
        f"{migrate_full:.1f} s ({ms(migrate_full / schemas)})")
    row("… same with 0 schools (2 schemas); marginal cost per extra school",
        f"{migrate_empty:.1f} s; {ms((migrate_full - migrate_empty) / (schemas - 2))}")

    plain_vs_clone()
    print("\n".join(ROWS), flush=True)


if __name__ == "__main__":
    main()
