"""The dictionary: its page with 5,000 words, and a new word's transcription and audio.

(a) The page: a school made with school_create, a student with 5,000 words (English and Chinese, with their
    FSRS cards), and the dictionary page requested through Django's test client (the whole middleware
    stack, the template rendered) 100 times each: the first page, a full-text search, a filter. Queries
    are counted too (the same with 3 words and with 5,000; tests/vocabulary/test_pages.py asserts it).
(b) A new word: `dictionary_add_word` (CMUdict IPA or pypinyin, the row, its cards) plus its espeak-ng
    audio, for 40 English and 20 Chinese words never seen before; then the same audio again (cached).
    The first word of a process also loads the pronunciation dictionary; that cost is reported apart.

Self-contained: its own database (panda_bench_dict), dropped at the end; Redis db 13. Run from the root:

    .venv/bin/python -m bench.dictionary

Prints markdown table rows on stdout; progress goes to stderr.
"""

import math
import os
import subprocess
import sys
import tempfile
import time

BENCH_DB = "panda_bench_dict"
POSTGRES = "postgres://postgres@127.0.0.1:5432"
WORDS = 5000
RUNS = 100


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def p95(values: list[float]) -> float:
    return sorted(values)[math.ceil(0.95 * len(values)) - 1]


def psql(sql: str) -> None:
    subprocess.run(["psql", "-q", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-c", sql], check=True)


def setup_django() -> None:
    os.environ["DATABASE_URL"] = f"{POSTGRES}/{BENCH_DB}"
    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/13")
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    os.environ["PRIVATE_MEDIA_ROOT"] = tempfile.mkdtemp(prefix="panda-bench-dict-")
    os.environ["DB_POOL"] = "0"
    import django

    django.setup()


def make_school():
    from django.core.management import call_command

    from shared_apps.tenants.services import school_create

    call_command("migrate_schemas", "--noinput", verbosity=0)
    return school_create(name="Bench", subdomain="dictbench", time_zone="Europe/Moscow", currency="RUB",
                         owner_name="Bench Manager", owner_email="manager@dictbench.test",
                         owner_password="bench-password-123", default_language="en").school


def fill(student, english, chinese) -> None:
    """5,000 entries (4,000 English from CMUdict, 1,000 Chinese) with their cards, in bulk."""
    from django.utils import timezone

    from tenant_apps.vocabulary.models import Card, Word
    from tenant_apps.vocabulary.transcription import _cmudict_lines

    now = timezone.now()
    english_words = [line.split(" ", 1)[0] for line in _cmudict_lines()[2000:60000:14] if "(" not in line][:4000]
    chinese_words = [chr(0x4E00 + index) + chr(0x4E00 + index * 7 % 20000) for index in range(1000)]
    rows = [Word(student=student, language=english, word=text, translation=f"перевод {index}",
                 transcription="ˈtɛst", examples=[{"text": f"An example with {text}.", "lesson": None}],
                 topics=["topic-" + str(index % 12)]) for index, text in enumerate(english_words)]
    rows += [Word(student=student, language=chinese, word=text, translation=f"перевод {index}",
                  transcription="yī èr", topics=["hsk"]) for index, text in enumerate(chinese_words)]
    Word.objects.bulk_create(rows, batch_size=1000)
    Card.objects.bulk_create([Card(word=word, student=student, direction=direction, due=now)
                              for word in Word.objects.filter(student=student)
                              for direction in ("word_meaning", "meaning_word")], batch_size=2000)


def page_timings(client, path: str, params: dict) -> tuple[float, float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(path, params)
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        response = client.get(path, params)
        times.append(time.perf_counter() - started)
        assert response.status_code == 200
    with CaptureQueriesContext(connection) as queries:
        client.get(path, params)
    return sorted(times)[len(times) // 2] * 1000, p95(times) * 1000, len(queries)


def main() -> None:
    psql(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
    psql(f"CREATE DATABASE {BENCH_DB}")
    try:
        setup_django()
        run()
    finally:
        from django.db import connections

        connections.close_all()
        psql(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")


def run() -> None:
    from django.test import Client
    from django_tenants.utils import schema_context

    from tenant_apps.accounts.services import user_create
    from tenant_apps.learning.models import Language
    from tenant_apps.vocabulary import audio
    from tenant_apps.vocabulary.models import Word
    from tenant_apps.vocabulary.services import dictionary_add_word

    log("school")
    school = make_school()
    host = school.domains.get().domain
    with schema_context(school.schema_name):
        english, chinese = Language.objects.get(code="en"), Language.objects.get(code="zh")
        student = user_create(email="student@dictbench.test", password=None, full_name="Bench Student",
                              is_student=True)
        # (b) first, in a fresh process state: the first word pays for loading CMUdict and pypinyin.
        log("new words")
        started = time.perf_counter()
        first = dictionary_add_word(student=student, language=english, word="serendipity", translation="t")
        audio.synthesized(first)
        first_english = time.perf_counter() - started
        started = time.perf_counter()
        first = dictionary_add_word(student=student, language=chinese, word="你好", translation="t")
        audio.synthesized(first)
        first_chinese = time.perf_counter() - started
        new, cached = [], []
        fresh_english = ["ambiguous", "thorough", "negotiate", "queue", "although", "schedule", "colleague",
                         "reluctant", "breathe", "choir", "island", "knowledge", "pursue", "rhythm", "scissors",
                         "subtle", "thumb", "vehicle", "wednesday", "yacht", "anxiety", "bureau", "colonel",
                         "debris", "entrepreneur", "facade", "genre", "hierarchy", "indict", "jewelry",
                         "lieutenant", "mortgage", "nausea", "onion", "pharaoh", "quay", "receipt", "sword",
                         "tongue", "worcester"]
        fresh_chinese = ["银行", "菜单", "地铁", "谢谢", "朋友", "学校", "医院", "电脑", "飞机", "图书馆", "超市",
                         "咖啡", "天气", "工作", "时间", "问题", "音乐", "电影", "老师", "同学"]
        for language, texts in ((english, fresh_english), (chinese, fresh_chinese)):
            for text in texts:
                started = time.perf_counter()
                word = dictionary_add_word(student=student, language=language, word=text, translation="t")
                audio.synthesized(word)
                new.append(time.perf_counter() - started)
                started = time.perf_counter()
                audio.word_audio(word)
                cached.append(time.perf_counter() - started)
        Word.objects.filter(student=student).delete()

        log("5,000 words")
        fill(student, english, chinese)
        client = Client(HTTP_HOST=host)
        client.force_login(student)
    path = "/student/dictionary/"
    pages = {
        "first page": {},
        "full-text search": {"q": "example"},
        "filter (topic + language)": {"topic": "topic-3", "language": str(english.pk)},
    }
    log("page")
    results = {name: page_timings(client, path, params) for name, params in pages.items()}
    for name, (median, p95_ms, queries) in results.items():
        print(f"| Dictionary page, {WORDS:,} words, {name} (median / p95 of {RUNS}) "
              f"| {median:.1f} ms / {p95_ms:.1f} ms, {queries} queries |")
    print(f"| New word: IPA or pinyin + row + cards + espeak-ng audio (median / p95 of {len(new)}) "
          f"| {sorted(new)[len(new) // 2] * 1000:.1f} ms / {p95(new) * 1000:.1f} ms |")
    print(f"| Its audio again, from the school's cache (median / p95) "
          f"| {sorted(cached)[len(cached) // 2] * 1000:.2f} ms / {p95(cached) * 1000:.2f} ms |")
    print(f"| First word of a process (loads CMUdict; pypinyin for the first Chinese word) "
          f"| {first_english * 1000:.0f} ms; {first_chinese * 1000:.0f} ms |")


if __name__ == "__main__":
    main()
