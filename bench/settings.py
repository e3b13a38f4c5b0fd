"""Benchmark settings: production-like (DEBUG off, pooled connections) on the bench database.

run-all points DATABASE_URL at panda_bench and REDIS_URL at Redis db 13, so nothing here
can touch the development or test databases. Password hashing stays at Django's default
(PBKDF2) because school_create hashes the owner's password and that is part of its real cost.
"""

from config.settings.base import *  # noqa: F403

DEBUG = False  # DEBUG=True records every SQL query in memory and would skew throughput
# No collectstatic for benchmarks: the manifest storage would need one; no bench page uses static files.
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
# The bench view (bench/urls.py) in front of the school's own URLs.
ROOT_URLCONF = "bench.urls"
LOGGING["root"]["level"] = "WARNING"  # noqa: F405
