"""Production: secrets from the environment, HTTPS everywhere."""

from config.settings.base import *  # noqa: F403

DEBUG = False
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = 3600
if SECRET_KEY.startswith("dev-only"):  # noqa: F405
    raise RuntimeError("Set SECRET_KEY in production.")
