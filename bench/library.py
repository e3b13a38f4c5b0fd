"""The library: search over 10,000 materials, and the library pages' SQL queries from 10 to 10,000.

(a) Search: a school with 10,000 materials (bulk-made, then indexed by materials.library.material_reindex
    exactly as a save indexes one: English and Russian full text, weighted title; a pg_trgm index on the
    titles), a third shared with the school and the rest on 20 teachers' shelves, in 100 courses of 10
    lessons, English and Russian words mixed, 40 topics. `selectors.material_search` for one teacher,
    QUERY_RUNS times over a mix of queries (a word, a prefix as typed, two words, a typo, a Russian word,
    a filter by kind, an empty box): the server time of the query and the list of results (the fixed
    number of SQL statements), median and p95. The bar is p95 ≤ 50 ms.
(b) The library's pages (the test client, logged in as a teacher): SQL statements with 10 materials,
    then with 10,000 (the same school grown): the count must not grow.

Self-contained: makes its own database (panda_bench_library) and drops it at the end; Redis db 12 (must
be empty at the start; flushed at the end). Run from the project root:

    .venv/bin/python -m bench.library

Prints markdown table rows on stdout; progress goes to stderr.
"""

import random
import time

from bench import harness

BENCH_DB = "panda_bench_library"
REDIS_URL = "redis://127.0.0.1:6379/12"
MATERIALS = 10_000
QUERY_RUNS = 300
QUERIES = [
    {"q": "verbs"}, {"q": "irreg"}, {"q": "past simple"}, {"q": "irregulr"}, {"q": "каникулы"},
    {"q": "погода"}, {"q": "holiday", "kind": "link"}, {"q": ""}, {"q": "dialog"}, {"q": "phrasal verbs"},
]
PAGES = ["/teacher/materials/library/", "/teacher/materials/library/search/?q=verbs", "/teacher/links/",
         "/teacher/files/", "/teacher/topics/"]

harness.configure(database=BENCH_DB, redis_url=REDIS_URL)
ROWS, log, row, spread = harness.ROWS, harness.log, harness.row, harness.spread

WORDS_EN = ["verbs", "irregular", "holidays", "weather", "family", "food", "travel", "present", "past", "future",
            "simple", "continuous", "phrasal", "dialogue", "listening", "reading", "story", "shopping", "time"]
WORDS_RU = ["каникулы", "погода", "семья", "еда", "путешествие", "глаголы", "прошедшее", "время", "рассказ",
            "покупки", "диалог", "чтение"]


def _school():
    from shared_apps.tenants.services import school_create

    new = school_create(name="Library bench", subdomain="librarybench", time_zone="Europe/Moscow", currency="RUB",
                        owner_name="Owner", owner_email="owner@librarybench.example.com",
                        owner_password="correct-horse-battery-staple", default_language="en")
    return new.school.schema_name, new.school.domains.get().domain


def _grow(teachers, total: int, rng: random.Random) -> None:
    """Bulk-make materials up to `total`, in courses of 10 lessons, then index them all as a save would."""
    from tenant_apps.learning.models import Language
    from tenant_apps.materials import library
    from tenant_apps.materials.models import Course, CourseLesson, Material

    english = Language.objects.get(code="en")
    topics = library.topics_resolve([f"{rng.choice(WORDS_EN)} {n}" for n in range(40)])
    have = Material.objects.count()
    lessons = list(CourseLesson.objects.all())
    while len(lessons) * 10 < total:
        course = Course.objects.create(owner=rng.choice(teachers), title=f"Course {len(lessons) // 10}",
                                       language=english, shared=True)
        lessons += CourseLesson.objects.bulk_create(
            [CourseLesson(course=course, number=n, title=f"Lesson {n}") for n in range(1, 11)])
    rows = []
    for n in range(have, total):
        words = " ".join(rng.choice(WORDS_EN) for _ in range(3)) + " " + " ".join(rng.choice(WORDS_RU)
                                                                                   for _ in range(2))
        kind = rng.choice(["text", "text", "link", "pdf", "words"])
        rows.append(Material(
            owner=rng.choice(teachers), shared=n % 3 == 0, kind=kind, title=f"{words.split(' ', 2)[0].title()} "
            f"{words.split(' ')[1]} {n}", description=words, text=f"<p>{words} {words}</p>" if kind == "text" else "",
            url=f"https://example.com/{n}" if kind in ("link", "pdf") else "", language=english,
            lesson=lessons[n % len(lessons)], position=n))
    made = Material.objects.bulk_create(rows, batch_size=2000)
    through = Material.topics.through
    through.objects.bulk_create([through(material_id=material.pk, topic_id=rng.choice(topics).pk) for material in made],
                                batch_size=5000)
    for start in range(0, len(made), 2000):
        library.material_reindex(Material.objects.filter(pk__in=[m.pk for m in made[start:start + 2000]]))


def _query_counts(client) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = {}
    for path in PAGES:
        client.get(path)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200, path
        counts[path] = len(queries)
    return counts


def main() -> None:
    harness.redis_check_empty()
    harness.database_recreate()
    try:
        harness.django_setup()
        from django.db import connection
        from django.test import Client
        from django_tenants.utils import schema_context

        from tenant_apps.accounts.services import user_create
        from tenant_apps.materials.selectors import LibraryFilters, material_search

        schema, host = _school()
        rng = random.Random(28)
        with schema_context(schema):
            teachers = [user_create(email=f"teacher{n}@bench.test", password=None, full_name=f"Teacher {n}",
                                    is_teacher=True) for n in range(20)]
            client = Client(HTTP_HOST=host)
            client.force_login(teachers[0])
            _grow(teachers, 10, rng)
            small = _query_counts(client)
            log(f"growing to {MATERIALS} materials")
            start = time.perf_counter()
            _grow(teachers, MATERIALS, rng)
            log(f"grown and indexed in {time.perf_counter() - start:.1f} s")
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
            large = _query_counts(client)
            timings = []
            for run in range(QUERY_RUNS):
                filters = LibraryFilters(**QUERIES[run % len(QUERIES)])
                start = time.perf_counter()
                list(material_search(teachers[0], filters))
                timings.append(time.perf_counter() - start)
        row(f"Library search, {MATERIALS:,} materials (a mix of {len(QUERIES)} queries: words, prefix, typo, "
            "Russian, a filter, empty)", spread(timings))
        for path in PAGES:
            row(f"SQL statements, `{path}`, 10 → {MATERIALS:,} materials", f"{small[path]} → {large[path]}")
    finally:
        harness.database_drop()
    print("\n".join(ROWS))


if __name__ == "__main__":
    main()
