"""The test suite: real Postgres, fast hashing, mail kept in memory."""

from config.settings.base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")  # noqa: F405
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
SCHOOL_URL_TEMPLATE = env("SCHOOL_URL_TEMPLATE", "http://{host}")  # noqa: F405
# The suite creates and drops many connections across schemas; the pool is exercised by
# `make run` and the benchmarks instead.
DATABASES["default"].get("OPTIONS", {}).pop("pool", None)  # noqa: F405
TENANT_CACHE_SECONDS = 60
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Tasks run in the test's own process and transaction; tests/jobs/ switches this off for the
# module that drives a real worker.
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
