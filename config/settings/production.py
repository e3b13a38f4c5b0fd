"""Production: secrets from the environment, HTTPS everywhere."""

from config.settings.base import *  # noqa: F403

DEBUG = False
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
# HTTPS only, remembered by browsers for a year on the platform's domain and every school's subdomain,
# and eligible for the browsers' preload list. The proxy terminates TLS and says so in X-Forwarded-Proto
# (the Helm chart's readiness probe sends it too, so the probe is not redirected).
SECURE_SSL_REDIRECT = True
SECURE_HSTS_SECONDS = 365 * 24 * 3600
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
if SECRET_KEY.startswith("dev-only"):  # noqa: F405
    raise RuntimeError("Set SECRET_KEY in production.")
