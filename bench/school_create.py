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


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


ROWS: list[str] = []  # printed together at the end, in table order


def row(what: str, value: str) -> None:
    log(f"{what}: {value}")
    ROWS.append(f"| {what} | {value} |")


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def p90(values: list[float]) -> float:
    # Nearest rank: with 20 runs this is the 18th fastest, a real observed value.
    return sorted(values)[math.ceil(0.9 * len(values)) - 1]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def create(subdomain: str) -> None:
    school_create(
        name=f"Bench {subdomain}",
        subdomain=subdomain,
        time_zone="Europe/Moscow",
        currency="RUB",
        owner_name="Owner",
        owner_email=f"owner@{subdomain}.example.com",
        owner_password="correct-horse-battery-staple",
    )


def delete(subdomain: str) -> None:
    # auto_drop_schema: deleting the row drops the schema, so every probe starts from the same state.
    connection.set_schema_to_public()
    School.objects.get(schema_name=schema_name_for(subdomain)).delete()


def school_count() -> int:
    """Real schools: neither the platform's public row nor the template."""
    return School.objects.exclude(schema_name=settings.PUBLIC_SCHEMA_NAME).filter(is_template=False).count()


def creation_series(label: str) -> None:
    """RUNS creations at the current number of schools; each probe is dropped again, untimed."""
    existing = school_count()
    times = []
    for i in range(RUNS):
        subdomain = f"probe-{i}"
        times.append(timed(lambda: create(subdomain)))
        delete(subdomain)
    assert school_count() == existing
    log(f"{label}: {[round(t * 1000) for t in times]} ms")
    row(f"school_create, {existing} existing schools: median / p90 of {RUNS}",
        f"{ms(statistics.median(times))} / {ms(p90(times))}")


def migrate_noop() -> float:
    """The real command in a fresh process, run twice: the second run has nothing to apply."""
    command = [sys.executable, "manage.py", "migrate_schemas", "--noinput"]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return timed(lambda: subprocess.run(command, check=True, stdout=subprocess.DEVNULL))


def schema_plain(schema: str) -> None:
    # What django-tenants does for auto_create_schema=True: create the schema, migrate it alone.
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE SCHEMA "{schema}"')
    with contextlib.redirect_stdout(sys.stderr):  # stdout carries only the table
        call_command("migrate_schemas", schema_name=schema, interactive=False, verbosity=0)


def schema_clone(schema: str) -> None:
    # What school_create does (services._schema_clone_from_template).
    CloneSchema().clone_schema(settings.TENANT_TEMPLATE_SCHEMA, schema, "DATA")


def schema_drop(schema: str) -> None:
    connection.set_schema_to_public()
    with connection.cursor() as cursor:
        cursor.execute(f'DROP SCHEMA "{schema}" CASCADE')


def main() -> None:
    assert school_count() == 0, "run on an empty bench database (bench/run-all makes one)"

    # Warm-up, untimed: the first creation also loads code and fills connection and cache pools.
    create("warmup")
    delete("warmup")

    log("creation with no schools")
    creation_series("0 schools")
    log("no-op migrate_schemas with no schools")
    migrate_empty = migrate_noop()

    log(f"creating {EXISTING} schools")
    bulk = timed(lambda: [create(f"school-{n}") for n in range(EXISTING)])
    row(f"creating {EXISTING} schools one after another: total (mean)", f"{bulk:.1f} s ({ms(bulk / EXISTING)})")

    log(f"creation with {EXISTING} schools")
    creation_series(f"{EXISTING} schools")

    # The owner's password hash is part of every creation; shown so it is not mistaken for DB time.
    hashing = statistics.median([timed(lambda: make_password("correct-horse-battery-staple")) for _ in range(5)])
    row(f"… of which hashing the owner's password ({settings.PASSWORD_HASHERS[0].rsplit('.', 1)[1]})",
        ms(hashing))

    log(f"no-op migrate_schemas with {EXISTING} schools")
    migrate_full = migrate_noop()
    schemas = School.objects.count()  # public + template + the schools: each is migrated
    row(f"no-op `migrate_schemas --noinput`, {EXISTING} schools ({schemas} schemas): total (per schema)",
        f"{migrate_full:.1f} s ({ms(migrate_full / schemas)})")
    row(f"… same with 0 schools (2 schemas); marginal cost per extra school",
        f"{migrate_empty:.1f} s; {ms((migrate_full - migrate_empty) / (schemas - 2))}")

    log("new schema: plain migrate vs clone")
    results = {"plain": [], "clone": []}
    for i in range(SCHEMA_RUNS):
        # Interleaved, so that drift (autovacuum, cache warmth) hits both alike.
        for kind, make in (("plain", schema_plain), ("clone", schema_clone)):
            schema = f"bench_{kind}_{i}"
            results[kind].append(timed(lambda: make(schema)))
            schema_drop(schema)
    plain, clone = (statistics.median(results[k]) for k in ("plain", "clone"))
    log(f"plain {[round(t * 1000) for t in results['plain']]} ms, clone {[round(t * 1000) for t in results['clone']]} ms")
    row(f"new schema, CREATE SCHEMA + `migrate_schemas --schema`: median of {SCHEMA_RUNS}", ms(plain))
    row(f"new schema, clone of the template: median of {SCHEMA_RUNS}", f"{ms(clone)} ({plain / clone:.1f}× faster)")
    print("\n".join(ROWS), flush=True)


if __name__ == "__main__":
    main()
