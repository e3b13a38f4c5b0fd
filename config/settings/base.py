"""Settings shared by every environment. Only this module reads the environment."""

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    return env(name, "1" if default else "0").lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


# ---------------------------------------------------------------------------
# Core
# ---------------------------------------------------------------------------
SECRET_KEY = env("SECRET_KEY", "dev-only-insecure-secret-key-change-me")
DEBUG = env_bool("DEBUG")
# The platform's bare domain; schools live on <subdomain>.<PLATFORM_DOMAIN>.
PLATFORM_DOMAIN = env("PLATFORM_DOMAIN", "localhost")
# How links to a school are built (scheme and optional port), e.g. "http://{host}:8000".
SCHOOL_URL_TEMPLATE = env("SCHOOL_URL_TEMPLATE", "http://{host}:8000")
# Schools may bring their own domains, so the host is validated by the tenant middleware
# (a host no Domain row names gets the 404 page before any view runs).
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "*")

# ---------------------------------------------------------------------------
# Apps: django-tenants splits them between the public schema and each school's
# ---------------------------------------------------------------------------
# Apps present in both schemas: users, auth and sessions live in each schema, so a
# platform operator and a school's user are users of their own schema.
BOTH_SCHEMAS_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.admin",
    "django.contrib.messages",
    "django.contrib.humanize",
    "tenant_apps.accounts",
    "allauth",
    "allauth.account",
    "allauth.mfa",
]
SHARED_APPS = [
    "django_tenants",
    "shared_apps.tenants",
    "shared_apps.platform",
    *BOTH_SCHEMAS_APPS,
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "channels",
]
TENANT_APPS = [
    *BOTH_SCHEMAS_APPS,
    "tenant_apps.website",
    "tenant_apps.learning",
    "tenant_apps.areas",
    "tenant_apps.notifications",
    "billing",
    "tenant_apps.scheduling",
    "tenant_apps.materials",
    "tenant_apps.vocabulary",
    "tenant_apps.worksheets",
    "classroom",
    "classroom.whiteboard",
]
INSTALLED_APPS = ["daphne"] + list(dict.fromkeys(SHARED_APPS + TENANT_APPS))

TENANT_MODEL = "tenants.School"
TENANT_DOMAIN_MODEL = "tenants.Domain"
PUBLIC_SCHEMA_NAME = "public"
# Every migration run migrates this schema too (it is a School row flagged as the
# template); new schools are cloned from it, which is faster than migrating.
TENANT_TEMPLATE_SCHEMA = "_school_template"
# Set the search_path once per connection and schema change, not before every query
# (django-tenants' default doubles every page's round trips).
TENANT_LIMIT_SET_CALLS = True
DEFAULT_NOT_FOUND_TENANT_VIEW = "shared_apps.tenants.views.unknown_school"

MIDDLEWARE = [
    "shared_apps.tenants.middleware.CachedTenantMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "config.headers.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "tenant_apps.accounts.middleware.LanguageMiddleware",
    "tenant_apps.accounts.middleware.TimezoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "tenant_apps.accounts.middleware.StaffMfaRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

# ---------------------------------------------------------------------------
# Content-Security-Policy (django-csp): scripts only from our own static files, never inline
# ---------------------------------------------------------------------------
# Styles may be inline: Excalidraw and htmx write style elements and attributes at run time, and a style
# cannot run code. Images and media may come from any https address (a teacher's video link, a library
# link's picture); frames only from the two video players the home page embeds. No form-action: payment
# forms end in a redirect to Stripe's or YooKassa's own page.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:", "https:"],
        "media-src": ["'self'", "blob:", "https:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "worker-src": ["'self'", "blob:"],
        "frame-src": ["'self'", "https://www.youtube-nocookie.com", "https://player.vimeo.com"],
        "frame-ancestors": ["'none'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
    },
}

ROOT_URLCONF = "config.urls_tenant"
PUBLIC_SCHEMA_URLCONF = "config.urls_public"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "shared_apps.tenants.context_processors.school",
                "tenant_apps.areas.context_processors.user_areas",
                "tenant_apps.notifications.context_processors.bell",
                "tenant_apps.accounts.context_processors.viewer_zone",
            ],
        },
    }
]

# ---------------------------------------------------------------------------
# Database: psycopg 3 with Django's connection pool
# ---------------------------------------------------------------------------
DATABASE_URL = env("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/panda")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL)}
DATABASES["default"]["ENGINE"] = "django_tenants.postgresql_backend"
if env_bool("DB_POOL", True):
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": 1,
        "max_size": int(env("DB_POOL_MAX", "10")),
    }
DATABASE_ROUTERS = ["django_tenants.routers.TenantSyncRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# ---------------------------------------------------------------------------
# Cache, channel layer, Celery: Redis when REDIS_URL is set, in-memory otherwise
# ---------------------------------------------------------------------------
REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "config.cache.ResilientRedisCache",  # a Redis outage is a cache miss, not a 500
            "LOCATION": REDIS_URL,
            # Every key carries the schema: one school never reads another's entries.
            "KEY_FUNCTION": "django_tenants.cache.make_key",
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", "panda"),
        }
    }
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL]},
        }
    }
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    CELERY_TASK_ALWAYS_EAGER = False
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "KEY_FUNCTION": "django_tenants.cache.make_key",
        }
    }
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    CELERY_BROKER_URL = "memory://"
    CELERY_RESULT_BACKEND = "cache+memory://"
    # Without a broker, tasks run in the caller's process, in its schema.
    CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"

# Tenant resolution is cached: a request pays no SQL round trip to find its school.
TENANT_CACHE_SECONDS = int(env("TENANT_CACHE_SECONDS", "300"))

# ---------------------------------------------------------------------------
# Auth
# ---------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "areas:me"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    # Refuses an attempt that must still wait (tenant_apps/accounts/throttle.py) before any password check.
    "tenant_apps.accounts.throttle.LoginThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
# django-allauth: email login, verified email for self-registered students, TOTP for staff.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PRESERVE_USERNAME_CASING = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_ADAPTER = "tenant_apps.accounts.adapters.SchoolAccountAdapter"
ACCOUNT_FORMS = {"signup": "tenant_apps.accounts.forms.StudentSignupForm"}
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
ACCOUNT_LOGOUT_ON_GET = False
# Requests per IP and per account; the cache keys carry the schema. Failed logins are not limited here
# (allauth's per-account limit locks the owner out too) but slowed by tenant_apps/accounts/throttle.py.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": None,
    "signup": "10/h/ip",
    "reset_password": "10/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "confirm_email": "1/3m/key",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = env("MFA_TOTP_ISSUER", "Panda")

# A signup's login link to the new school's host: short-lived and single-use.
LOGIN_LINK_MAX_AGE_SECONDS = int(env("LOGIN_LINK_MAX_AGE_SECONDS", "120"))
# Cookies stay host-only: no SESSION_COOKIE_DOMAIN, one session per school host.
SESSION_COOKIE_DOMAIN = None
CSRF_COOKIE_DOMAIN = None
SESSION_COOKIE_HTTPONLY = True

# ---------------------------------------------------------------------------
# Languages and time
# ---------------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("ru", _("Russian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
FORMAT_MODULE_PATH = ["config.formats"]  # English with day-first dates and a 24-hour clock
USE_TZ = True
TIME_ZONE = "UTC"

# ---------------------------------------------------------------------------
# Static and uploaded files
# ---------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / ".data" / "media")))
MEDIA_URL = "/media/"
# Each school's uploads live under MEDIA_ROOT/<schema>/ and are served by a view.
MULTITENANT_RELATIVE_MEDIA_ROOT = "%s"
# Lesson materials: PRIVATE_MEDIA_ROOT/<schema>/, served only after an access check. By default on the
# media volume, in a folder no school's media root can be ("-" never appears in a schema name), so the
# public media view cannot reach it.
PRIVATE_MEDIA_ROOT = Path(env("PRIVATE_MEDIA_ROOT", str(MEDIA_ROOT / "private-materials")))
STORAGES = {
    "default": {"BACKEND": "shared_apps.tenants.storage.SchoolFileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# ---------------------------------------------------------------------------
# Email
# ---------------------------------------------------------------------------
EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("EMAIL_PORT", "25"))
EMAIL_HOST_USER = env("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Panda <noreply@panda.localhost>")

# ---------------------------------------------------------------------------
# Payments (Stripe; tests point STRIPE_API_BASE at a local fake)
# ---------------------------------------------------------------------------
STRIPE_SECRET_KEY = env("STRIPE_SECRET_KEY", "sk_test_panda_local")
STRIPE_WEBHOOK_SECRET = env("STRIPE_WEBHOOK_SECRET", "whsec_panda_local")
STRIPE_API_BASE = env("STRIPE_API_BASE", "https://api.stripe.com")
# `make run` without Stripe keys: payments go to the local fake (devtools/fake_stripe.py) and the
# payment pages say that no money is taken.
PAYMENTS_DEMO = env_bool("PAYMENTS_DEMO")
# Stripe Connect: each school is paid into its own connected account (off: the platform's account).
STRIPE_CONNECT = env_bool("STRIPE_CONNECT")
STRIPE_APPLICATION_FEE_BPS = int(env("STRIPE_APPLICATION_FEE_BPS", "0"))  # 250 = 2.5 % of each payment
# The signing secret of a second (Connect) webhook endpoint, if Stripe gave it one of its own.
STRIPE_CONNECT_WEBHOOK_SECRET = env("STRIPE_CONNECT_WEBHOOK_SECRET")
# YooKassa (shop id and secret key of the platform's shop; tests point the API at a local fake)
YOOKASSA_SHOP_ID = env("YOOKASSA_SHOP_ID")
YOOKASSA_SECRET_KEY = env("YOOKASSA_SECRET_KEY")
YOOKASSA_API_BASE = env("YOOKASSA_API_BASE", "https://api.yookassa.ru/v3")

# ---------------------------------------------------------------------------
# Telegram (each school brings its own bot token; the API's address is ours to set)
# ---------------------------------------------------------------------------
TELEGRAM_API_BASE_URL = env("TELEGRAM_API_BASE_URL", "https://api.telegram.org")
TELEGRAM_TIMEOUT_SECONDS = float(env("TELEGRAM_TIMEOUT_SECONDS", "10"))

# ---------------------------------------------------------------------------
# Classroom: WebRTC's STUN/TURN servers (the app mints short-lived TURN credentials, coturn REST API)
# ---------------------------------------------------------------------------
STUN_URLS = env_list("STUN_URLS")
TURN_URLS = env_list("TURN_URLS")
TURN_SECRET = env("TURN_SECRET")
TURN_TTL = int(env("TURN_TTL", "14400"))

# ---------------------------------------------------------------------------
# Logging
# ---------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
}
