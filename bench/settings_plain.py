"""The same stack without tenant routing: the baseline for bench/throughput.py.

Differences from bench.settings, and nothing else:
- Django's own postgres backend, whose connections open with search_path=alpha (the school
  schema the tenant variant serves), so the view reads the very same session and user rows;
  django-tenants' backend instead issues `SET search_path` on the connection each request takes
  (on every cursor unless TENANT_LIMIT_SET_CALLS).
- no CachedTenantMiddleware: no host → school lookup in Redis and no schema switch.
Same apps, pool, session engine, auth, remaining middleware and URLconf.
"""

from bench.settings import *  # noqa: F403

BENCH_SCHEMA = "alpha"
DATABASES["default"]["ENGINE"] = "django.db.backends.postgresql"  # noqa: F405
DATABASES["default"].setdefault("OPTIONS", {})["options"] = f"-c search_path={BENCH_SCHEMA}"  # noqa: F405
MIDDLEWARE = [m for m in MIDDLEWARE if m != "shared_apps.tenants.middleware.CachedTenantMiddleware"]  # noqa: F405
