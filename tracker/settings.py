"""Settings for Treaty Tracker.

Every value has a working default so a fresh checkout runs with no
configuration (SQLite, a filesystem Celery broker, email written to files,
all under var/). Production overrides come from the environment or .env.
"""

from pathlib import Path

import environ
from corsheaders.defaults import default_headers as cors_default_headers
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"
VAR_DIR.mkdir(exist_ok=True)

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=True)

_DEV_SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"
SECRET_KEY = env.str("SECRET_KEY", default=_DEV_SECRET_KEY)
# Rotating the key: the new one in SECRET_KEY, the old ones here (comma-separated) until the links and
# sessions signed with them may lapse. Signed links in emails (manage, unsubscribe, calendars) never expire.
SECRET_KEY_FALLBACKS = env.list("SECRET_KEY_FALLBACKS", default=[])
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])

if not DEBUG:
    # Refuse to start rather than run in production with a guessable key.
    if SECRET_KEY == _DEV_SECRET_KEY or len(SECRET_KEY) < 40:
        raise ImproperlyConfigured("DEBUG is off: set SECRET_KEY to a random string of 40+ characters.")
    if any(key == _DEV_SECRET_KEY or len(key) < 40 for key in SECRET_KEY_FALLBACKS):
        raise ImproperlyConfigured("DEBUG is off: each key in SECRET_KEY_FALLBACKS must have 40+ characters.")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("DEBUG is off: set ALLOWED_HOSTS, e.g. ALLOWED_HOSTS=treaties.example.org.")

# Behind a load balancer (or a CDN and a load balancer): how many proxies append to X-Forwarded-For.
BEHIND_PROXY = env.bool("BEHIND_PROXY", default=False)
PROXY_COUNT = env.int("PROXY_COUNT", default=1 if BEHIND_PROXY else 0)
if PROXY_COUNT < 0:
    raise ImproperlyConfigured("PROXY_COUNT is the number of proxies in front of the app: 0 or more.")

SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "corsheaders",
    "csp",
    "axes",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "treaties",
    "feeds",
    "alerts",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "tracker.not_found.BrandedNotFoundMiddleware",
    # ETag on every GET, and 304 Not Modified when it matches If-None-Match.
    "django.middleware.http.ConditionalGetMiddleware",
    # Public pages served whole from the cache, under the record's version (tracker/page_cache.py).
    "tracker.page_cache.RecordCacheMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "treaties.web.asof.AsOfMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, so it sees the outcome of authentication (django-axes' rule).
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # Refuses sign-ins for a username from an address after repeated failures.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"
# The address of each request, read one way for the lockout, the API's rate limit and the subscribe limit.
AXES_CLIENT_IP_CALLABLE = "treaties.web.client_ip.client_ip"
AXES_VERBOSE = False

# History is read in the admin, never reverted from it: a revert would skip the
# admin's re-derivation of deadlines.
SIMPLE_HISTORY_REVERT_DISABLED = True

ROOT_URLCONF = "tracker.urls"
WSGI_APPLICATION = "tracker.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "treaties.web.asof.as_of",
            ],
        },
    },
    {
        # Fragments too hot for Django's templates (the timeline's rows), rendered by name with using="jinja2".
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates" / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {"environment": "treaties.web.jinja.environment", "context_processors": ["treaties.web.asof.as_of"]},
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'tracker.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The status intervals' index carries extra columns for PostgreSQL's index-only scans; SQLite indexes
    # only the keys, which is all the embedded default needs.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
    # A file-backed test database lets a real Celery worker share it in tests.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-tracker.sqlite3")}
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # A database that restarts or vanishes must fail a request or task quickly, never hang it.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"connect_timeout": 5, "keepalives": 1, "keepalives_idle": 30, "keepalives_interval": 10,
         "keepalives_count": 3,
         # JIT compiles plans for analytic queries; these are short ones, where compiling costs more than it
         # saves (measured in docs/benchmarks.md). PG_JIT=on turns it back on.
         "options": f"-c jit={'on' if env.bool('PG_JIT', default=False) else 'off'}"}
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed, compressed names in production (after collectstatic); plain files while developing.
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Security. Production runs behind HTTPS; these are harmless while developing.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz(/deep)?$"]  # load balancers and monitors probe over plain HTTP
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    # Asking browsers to preload HSTS is hard to take back (leaving their lists takes months), so only on request.
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
    if not SECURE_HSTS_PRELOAD:
        # "SECURE_HSTS_PRELOAD is not True": a choice, not an oversight
        SILENCED_SYSTEM_CHECKS = [*vars().get("SILENCED_SYSTEM_CHECKS", []), "security.W021"]
    if BEHIND_PROXY:
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# /healthz/deep calls the reminder scan stale past this many seconds (beat runs it every 5 minutes).
HEALTH_SCAN_MAX_AGE = env.int("HEALTH_SCAN_MAX_AGE", default=30 * 60)

# No inline script or style anywhere: templates use the stylesheet and external scripts only.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# Email: files under var/mail by default; EMAIL_URL=smtp://user:pass@host:587 etc.
vars().update(env.email_url("EMAIL_URL", default="filemail:///var/mail"))
# Other backends leave EMAIL_FILE_PATH empty: it stays empty (BASE_DIR / "" would be the whole checkout).
if vars().get("EMAIL_FILE_PATH") and not Path(EMAIL_FILE_PATH).is_absolute():  # noqa: F821
    EMAIL_FILE_PATH = str(BASE_DIR / EMAIL_FILE_PATH)  # noqa: F821
# An email API instead of SMTP: install django-anymail[<provider>], then set
# EMAIL_BACKEND=anymail.backends.<provider>.EmailBackend and ANYMAIL='{"<PROVIDER>_API_KEY": "…"}'.
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default=EMAIL_BACKEND)  # noqa: F821 - set by email_url above
ANYMAIL = env.json("ANYMAIL", default={})
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Treaty Tracker <alerts@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Celery: a filesystem broker under var/ needs no server; CELERY_BROKER_URL=redis://… for production.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
CELERY_BROKER_DIR = Path(env.str("CELERY_BROKER_DIR", default=str(VAR_DIR / "celery")))
if CELERY_BROKER_URL.startswith("filesystem://"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        # One folder both ways: producers write where consumers read.
        "data_folder_in": str(CELERY_BROKER_DIR / "queue"),
        "data_folder_out": str(CELERY_BROKER_DIR / "queue"),
        "control_folder": str(CELERY_BROKER_DIR / "control"),
        "store_processed": False,
    }
else:
    # Longer than the longest task (a digest batch takes seconds) and than any retry's wait (alerts.sending
    # caps them at half of it), so an unacknowledged task is redelivered only when its worker really died.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    "clear-expired-sessions": {
        "task": "treaties.tasks.clear_expired_sessions",
        "schedule": 24 * 60 * 60,
    },
    "fetch-due-feeds": {
        "task": "feeds.tasks.fetch_due_feeds",
        "schedule": 60,
    },
}

# Imports (import_data and the admin's import page): the largest file read (each file in a ZIP too, once
# unpacked), how much one ZIP may unpack to in all, and how many files it may hold.
IMPORT_MAX_FILE_BYTES = env.int("IMPORT_MAX_FILE_BYTES", default=100_000_000)
IMPORT_MAX_UNPACKED_BYTES = env.int("IMPORT_MAX_UNPACKED_BYTES", default=200_000_000)
IMPORT_MAX_ZIP_MEMBERS = env.int("IMPORT_MAX_ZIP_MEMBERS", default=500)

# News feeds (feeds): how long one fetch may take and how big a feed may be.
FEEDS_TIMEOUT = env.float("FEEDS_TIMEOUT", default=20.0)
FEEDS_MAX_BYTES = env.int("FEEDS_MAX_BYTES", default=5 * 1024 * 1024)
# Feeds are fetched from public addresses only (feeds/outbound.py); true lets a feed on the intranet or on
# this machine be fetched, and with it anything else there that answers HTTP (tests turn it on).
FEEDS_ALLOW_PRIVATE_ADDRESSES = env.bool("FEEDS_ALLOW_PRIVATE_ADDRESSES", default=False)

# The read-only API: anyone may read it from any origin, at a per-client rate.
REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer",
                                 "rest_framework.renderers.BrowsableAPIRenderer"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "UNAUTHENTICATED_USER": None,
    "DEFAULT_SCHEMA_CLASS": "treaties.api.schema.TrackerSchema",
    "DEFAULT_THROTTLE_CLASSES": ["treaties.api.throttling.ClientRateThrottle"],
}
API_RATE_LIMIT = env.str("API_RATE_LIMIT", default="120/minute")
# The record's licence (the data's; the code's is MIT), for the API's schema and index.
DATA_LICENCE = {"name": "CC BY 4.0", "url": "https://creativecommons.org/licenses/by/4.0/"}
SPECTACULAR_SETTINGS = {
    "TITLE": "Treaty Tracker API",
    "DESCRIPTION": (
        "Read-only access to treaties, parties, events, deadlines and statements. Every date carries its "
        "precision. Add `on=YYYY-MM-DD` to see the record as it stood that day.\n\n"
        "**Versions.** `/api/v1/` is this contract: fields may be added to it, none removed or changed in "
        "meaning. `/api/` lists the versions; the unversioned paths of before (`/api/treaties/` …) answer "
        "301 to the same path and query under `/api/v1/`.\n\n"
        "**Errors** are JSON everywhere under `/api/`: `{\"detail\": message}`, or for a bad query parameter "
        "`{parameter: [messages]}` naming it (an unknown treaty or party slug is quoted), or "
        "`{\"non_field_errors\": [...]}` for a rule across parameters (`date_from` after `date_to`). "
        "An empty parameter is the same as an absent one.\n\n"
        "**Pages.** A list answers `{count, next, previous, results}`; `next` and `previous` are absolute "
        "URLs (null at either end), also given in a `Link` header. `page` counts from 1; `page_size` is 1 to "
        "200 (default 50); a bad value of either is a 400, a page past the last a 404. Each list keeps a "
        "fixed order.\n\n"
        "**Caching.** Every answer has an `ETag`; send it back in `If-None-Match` for a 304. Any origin may "
        "read the API (CORS), at a per-client rate; past it, a 429 with `Retry-After`.\n\n"
        "**Licence.** The data: CC BY 4.0 (cite Treaty Tracker); the code: MIT."
    ),
    "VERSION": "1.0.0",
    "LICENSE": DATA_LICENCE,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
# Let a page on another site revalidate (If-None-Match), read the ETag, a 429's Retry-After and the pages' Link.
CORS_ALLOW_HEADERS = [*cors_default_headers, "if-none-match"]
CORS_EXPOSE_HEADERS = ["ETag", "Retry-After", "Link"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# --- Alerts: subscriptions, reminders and their emails (alerts.scan) ---
# Rate limits and other short-lived counters. One process's memory by default; set
# CACHE_URL=redis://127.0.0.1:6379/1 so every web process shares the same limits.
CACHES = {
    "default": env.cache("CACHE_URL", default="locmemcache://"),
    # Whole pages (tracker/page_cache.py) apart from the rate-limit counters in "default", so that filling it
    # with made-up query strings can only evict other pages. Production: a Redis database of its own.
    "pages": env.cache("PAGE_CACHE_URL", default=env.str("CACHE_URL", default="locmemcache://pages")),
}
# A stalled Redis fails a request after 2 s instead of holding a web process for ever (the URL may say otherwise).
# Django's backend, with its clients kept (tracker/redis_cache.py).
for _cache in CACHES.values():
    if _cache["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
        _cache["BACKEND"] = "tracker.redis_cache.RedisCache"
        _cache.setdefault("OPTIONS", {}).setdefault("socket_timeout", 2)
        _cache["OPTIONS"].setdefault("socket_connect_timeout", 2)
# A stuck SMTP server must fail a send (and retry it later), not hang a worker for ever.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
ALERTS_SCAN_EVERY = env.int("ALERTS_SCAN_EVERY", default=5 * 60)  # seconds between beat scans
# The first retry; doubles each time, up to half the broker's visibility timeout (alerts.sending.retry_delay).
ALERTS_RETRY_DELAY = env.int("ALERTS_RETRY_DELAY", default=60)
ALERTS_MAX_ATTEMPTS = env.int("ALERTS_MAX_ATTEMPTS", default=8)  # then the delivery is marked failed
# A worker that claimed an email and went silent this long is presumed dead; its claim can be taken.
ALERTS_CLAIM_TIMEOUT = env.int("ALERTS_CLAIM_TIMEOUT", default=10 * 60)
# An unsent delivery that no worker picked up in this long is handed to the queue again by the scan.
ALERTS_REQUEUE_AFTER = env.int("ALERTS_REQUEUE_AFTER", default=15 * 60)
ALERTS_CONFIRM_MAX_AGE = 7 * 24 * 60 * 60
ALERTS_SUBSCRIBE_LIMITS = {"address": (3, 60 * 60), "client": (20, 60 * 60)}  # (requests, per seconds)
# The queue alert emails go to: give them their own workers in production, their own queue in tests.
ALERTS_QUEUE = env.str("ALERTS_QUEUE", default="celery")
if not CELERY_BROKER_URL.startswith("filesystem://"):
    # JSON merged into the Redis options: tests that kill a worker shorten the visibility timeout and the
    # sweep that hands unacknowledged tasks on, and keep their keys apart with a global_keyprefix.
    CELERY_BROKER_TRANSPORT_OPTIONS.update(env.json("CELERY_BROKER_TRANSPORT_OPTIONS", default={}))
CELERY_BEAT_SCHEDULE["reminders-scan"] = {"task": "alerts.tasks.reminders_scan", "schedule": ALERTS_SCAN_EVERY}
CELERY_BEAT_SCHEDULE["subscriptions-purge-unconfirmed"] = {
    "task": "alerts.tasks.subscriptions_purge_unconfirmed",
    "schedule": 24 * 60 * 60,
}
# Keep no more than is needed (alerts.retention, daily): finished rows of the delivery log go after this many
# days, and an unsubscribed address with everything it chose after that many.
ALERTS_KEEP_DELIVERIES_DAYS = env.int("ALERTS_KEEP_DELIVERIES_DAYS", default=400)
ALERTS_ERASE_UNSUBSCRIBED_DAYS = env.int("ALERTS_ERASE_UNSUBSCRIBED_DAYS", default=30)
if ALERTS_KEEP_DELIVERIES_DAYS < 1 or ALERTS_ERASE_UNSUBSCRIBED_DAYS < 0:
    raise ImproperlyConfigured("ALERTS_KEEP_DELIVERIES_DAYS must be 1 or more, ALERTS_ERASE_UNSUBSCRIBED_DAYS 0+.")
CELERY_BEAT_SCHEDULE["alerts-retention"] = {"task": "alerts.tasks.retention_apply", "schedule": 24 * 60 * 60}
