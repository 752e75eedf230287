"""The one settings module. Every knob comes from the environment.

Production differs from development only by environment values; the README
lists every variable with its default. With no DATABASE_URL and no REDIS_URL
the app runs on SQLite and the local-memory cache (`make run` on a bare box).
"""

import ipaddress
import re
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from usmle_quiz.env import (
    env_bool,
    env_choice,
    env_int,
    env_list,
    env_str,
    parse_database_url,
    parse_email_url,
)

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off "
            '(generate one with: python -c "import secrets; print(secrets.token_urlsafe(50))").'
        )
    SECRET_KEY = "insecure-development-key-only-used-with-DEBUG-true-" + "x" * 20

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "corsheaders",
    "django_prometheus",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tasks_db",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "accounts",
    "quizzes",
    "leaderboard",
    "notes",
    "faculty",
    "reports",
    "api",
    # Its AppConfig starts the error reports and the task counters (usmle_quiz.apps).
    "usmle_quiz",
]

MIDDLEWARE = [
    # Outermost, so the latency histograms cover the whole stack (django-prometheus).
    "usmle_quiz.metrics_middleware.PrometheusBeforeMiddleware",
    # Then, so every reply (a 429 of the flood guard, a 503) has its request id and its log line.
    "usmle_quiz.request_log.RequestLogMiddleware",
    # Before anything that may answer early, so a refused or rate-limited API reply carries CORS headers.
    "corsheaders.middleware.CorsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "usmle_quiz.middleware.PermissionsPolicyMiddleware",
    "usmle_quiz.static_files.StaticFilesMiddleware",
    "usmle_quiz.middleware.DatabaseUnavailableMiddleware",
    "usmle_quiz.ratelimits.FloodGuardMiddleware",
    "usmle_quiz.middleware.MalformedRequestMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "accounts.devices.DeviceCookieMiddleware",
    "usmle_quiz.middleware.PrivateCacheMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # django-prometheus's, minus the scrapes, a failed request observed once (usmle_quiz.metrics_middleware).
    "usmle_quiz.metrics_middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "usmle_quiz.urls"
# Where the admin lives ("admin/" unless set): a less guessable path keeps
# scanners off the staff login; it is not a substitute for strong passwords.
ADMIN_URL = env_str("ADMIN_URL", "admin/").strip("/") + "/"
if not re.fullmatch(r"[A-Za-z0-9_-]+(/[A-Za-z0-9_-]+)*/", ADMIN_URL):
    raise ImproperlyConfigured("ADMIN_URL must be a path such as 'staff-area/' (letters, digits, - and _).")
if not DEBUG and ADMIN_URL == "admin/":
    raise ImproperlyConfigured(
        "ADMIN_URL must not be the guessable 'admin/' when DEBUG is off: set it to a path of your own, "
        "such as 'staff-3f9a/' (letters, digits, - and _)."
    )
WSGI_APPLICATION = "usmle_quiz.wsgi.application"

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
                "django.template.context_processors.csp",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------
DATABASES = {
    "default": parse_database_url(
        "DATABASE_URL",
        env_str("DATABASE_URL", "sqlite:///db.sqlite3"),
        base_dir=BASE_DIR,
    )
}
DATABASES["default"]["CONN_MAX_AGE"] = env_int("DB_CONN_MAX_AGE", 60, minimum=0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# A query running longer than this is cancelled; the student gets a 503 page
# (usmle_quiz.middleware) and the worker is free again.
DB_STATEMENT_TIMEOUT_MS = env_int("DB_STATEMENT_TIMEOUT_MS", 5000, minimum=0)
DB_PGBOUNCER = env_bool("DB_PGBOUNCER", False)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    if DB_PGBOUNCER:
        # PgBouncer in transaction mode: a connection is lent per transaction, so
        # nothing may outlive one: no server-side cursors, no prepared statements.
        # PgBouncer refuses startup options; `make pgbouncer` sets the statement
        # timeout on its server connections (connect_query) instead.
        DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
        DATABASES["default"]["OPTIONS"]["prepare_threshold"] = None
    else:
        # Short OLTP queries only: a parallel plan's worker start-up (~5 ms) costs
        # more than it saves, and the planner picks one for 50-row lookups.
        DATABASES["default"]["OPTIONS"]["options"] = (
            f"-c statement_timeout={DB_STATEMENT_TIMEOUT_MS} -c max_parallel_workers_per_gather=0"
        )
# --- Metrics (usmle_quiz.metrics, docs/OPERATIONS.md) --------------------------
# django-prometheus counts requests, latency by view, database queries and cache hits; the product's own
# counters sit beside them. Under gunicorn the figures of every worker are summed (prometheus_client's
# multiprocess mode, PROMETHEUS_MULTIPROC_DIR, set up by gunicorn.conf.py). METRICS_ENABLED=false leaves the
# database and cache wrappers out (a few microseconds a query) and /metrics answers 404.
METRICS_ENABLED = env_bool("METRICS_ENABLED", True)
# /metrics answers only these addresses or networks (the client address as usmle_quiz.ratelimits resolves it,
# so behind a proxy the forwarded address counts), or a request bearing METRICS_TOKEN; everyone else gets 404.
METRICS_ALLOWED = env_list("METRICS_ALLOWED", ["127.0.0.1", "::1"])
for _entry in METRICS_ALLOWED:
    try:
        ipaddress.ip_network(_entry, strict=False)
    except ValueError:
        raise ImproperlyConfigured(
            f"METRICS_ALLOWED: {_entry!r} is not an address or a network such as 10.0.0.0/8."
        ) from None
METRICS_TOKEN = env_str("METRICS_TOKEN")
# Request latency and query duration buckets; 2 and 5 s are the alert thresholds (deploy/prometheus/).
PROMETHEUS_LATENCY_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 2.5, 5, 10, 30, float("inf"))
# Read by prometheus_client itself before any metric exists (gunicorn.conf.py sets it for the web workers);
# a task worker started before gunicorn would otherwise fail on the missing directory.
if env_str("PROMETHEUS_MULTIPROC_DIR"):
    Path(env_str("PROMETHEUS_MULTIPROC_DIR")).mkdir(parents=True, exist_ok=True)
if METRICS_ENABLED:
    DATABASES["default"]["ENGINE"] = DATABASES["default"]["ENGINE"].replace(
        "django.db.backends.", "django_prometheus.db.backends."
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# SQLite (the embedded default for `make run`) cannot defer a unique constraint;
# PostgreSQL, where the constraint matters, can.
SILENCED_SYSTEM_CHECKS = ["models.W038"]

# --- Cache and sessions ---------------------------------------------------
REDIS_URL = env_str("REDIS_URL")
# A dead Redis must cost milliseconds, not seconds: short socket timeouts.
REDIS_SOCKET_TIMEOUT = env_int("REDIS_SOCKET_TIMEOUT_MS", 250, minimum=10) / 1000
# After a failed call, skip Redis for this long (usmle_quiz/redis_breaker.py): a dead
# Redis then costs one socket timeout per process every few seconds, not one per call.
REDIS_CIRCUIT_OPEN_SECONDS = env_int("REDIS_CIRCUIT_OPEN_SECONDS", 5, minimum=1)
if REDIS_URL:
    from usmle_quiz.redis_breaker import connection_class_for

    _redis_options = {
        "PARSER_CLASS": "redis.connection._HiredisParser",
        "CONNECTION_POOL_KWARGS": {"connection_class": connection_class_for(REDIS_URL)},
        "SOCKET_CONNECT_TIMEOUT": REDIS_SOCKET_TIMEOUT,
        "SOCKET_TIMEOUT": REDIS_SOCKET_TIMEOUT,
        # Fail open: a dead Redis is a cache miss (pages come from PostgreSQL,
        # sessions from the database), never an error page.
        "IGNORE_EXCEPTIONS": True,
    }
    # django-prometheus's subclass of django-redis's backend counts hits and misses.
    _redis_backend = (
        "django_prometheus.cache.backends.redis.RedisCache"
        if METRICS_ENABLED
        else "django_redis.cache.RedisCache"
    )
    CACHES = {
        # Pages, fragments, counts, and the session cache in front of the database.
        "default": {
            "BACKEND": _redis_backend,
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "usmle"),
            "OPTIONS": _redis_options,
        },
        # Rate-limit counters, apart so that clearing the page cache never resets a limit.
        # Fails open too (RATELIMIT_FAIL_OPEN): with Redis down, students keep answering.
        "ratelimit": {
            "BACKEND": _redis_backend,
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "usmle") + ":rl",
            "OPTIONS": _redis_options,
        },
    }
    # Sessions survive a Redis restart: the database holds them, Redis speeds them up.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "default"},
        "ratelimit": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "ratelimit"},
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.db"

# --- Rate limits ----------------------------------------------------------
# "N/s", "N/m", "N/h" or "N/d"; empty disables that limit. Per student (or per
# session for visitors) except ip_flood, a per-address guard set far above
# what a lecture hall behind one NAT address sends.
RATELIMIT_ENABLE = env_bool("RATELIMIT_ENABLE", True)
RATELIMIT_USE_CACHE = "ratelimit"
RATELIMIT_FAIL_OPEN = True
RATELIMIT_IP_META_KEY = "usmle_quiz.ratelimits.client_ip"
RATE_LIMITS = {
    "answer": env_str("RATE_LIMIT_ANSWER", "5/s"),
    "block_create": env_str("RATE_LIMIT_BLOCK_CREATE", "10/m"),
    "note": env_str("RATE_LIMIT_NOTE", "60/m"),
    # "Report a problem" on a question: a careful student sends a few an hour, a script hundreds.
    "report": env_str("RATE_LIMIT_REPORT", "10/h"),
    # Highlights, strike-outs, suspend/resume and renames: small writes a student makes often.
    "marks": env_str("RATE_LIMIT_MARKS", "120/m"),
    # Anonymous writes. Per browser (the device cookie, which login() does not rotate):
    "signup": env_str("RATE_LIMIT_SIGNUP", "5/h"),
    # Per client address, sized so a lecture hall of 1,000 behind one NAT passes in ten minutes
    # (and 5,000 load-test logins from one machine), while a script making thousands an hour does not:
    "signup_ip": env_str("RATE_LIMIT_SIGNUP_IP", "1200/h"),
    "login_ip": env_str("RATE_LIMIT_LOGIN_IP", "6000/h"),
    "password_reset_ip": env_str("RATE_LIMIT_PASSWORD_RESET_IP", "300/h"),
    # Reset mails per email address, known or not (the reply is the same either way):
    "password_reset_email": env_str("RATE_LIMIT_PASSWORD_RESET_EMAIL", "3/h"),
    "ip_flood": env_str("RATE_LIMIT_IP_FLOOD", "60000/m"),
}
# Password guessing (accounts.lockout): free failures per account and client, then growing waits
# (2 s, 4 s, ... at most LOGIN_MAX_DELAY_SECONDS); a daily budget per account for every client without
# the account's device cookie together.
LOGIN_FREE_FAILURES = env_int("LOGIN_FREE_FAILURES", 5, minimum=1)
LOGIN_MAX_DELAY_SECONDS = env_int("LOGIN_MAX_DELAY_SECONDS", 900, minimum=1)
LOGIN_DAILY_FAILURE_LIMIT = env_int("LOGIN_DAILY_FAILURE_LIMIT", 300, minimum=1)
DEVICE_COOKIE_DAYS = env_int("DEVICE_COOKIE_DAYS", 365, minimum=1)
# Proxies (addresses or networks) whose X-Forwarded-For names the client.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", [])

# How the question page's script retries an answer that did not reach the server:
# exponential backoff from base_ms, capped at cap_ms, this many attempts; then the
# answer waits in the browser (localStorage) until the connection is back.
ANSWER_RETRY = {
    "base_ms": env_int("ANSWER_RETRY_BASE_MS", 1000, minimum=1),
    "cap_ms": env_int("ANSWER_RETRY_CAP_MS", 10_000, minimum=1),
    "attempts": env_int("ANSWER_RETRY_ATTEMPTS", 3, minimum=1),
}

SESSION_COOKIE_AGE = 14 * 24 * 60 * 60
# How long the shared part of a leaderboard page (its 50 rows) is cached.
LEADERBOARD_CACHE_SECONDS = env_int("LEADERBOARD_CACHE_SECONDS", 10, minimum=0)

# --- Accounts -------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
# The signed-in user comes from the default cache (one Redis GET, not a query per
# request) and is dropped whenever it is saved; 0 turns the cache off.
AUTHENTICATION_BACKENDS = ["accounts.backends.CachedModelBackend"]
AUTH_USER_CACHE_SECONDS = env_int("AUTH_USER_CACHE_SECONDS", 300, minimum=0)
# Background work (password-reset mail): Django's tasks framework with the database backend, on the
# PostgreSQL we already run; `manage.py db_worker` (the Procfile's worker) runs the tasks.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# Staff must sign in with a second factor (TOTP or a recovery code) before the admin opens.
ADMIN_REQUIRE_2FA = env_bool("ADMIN_REQUIRE_2FA", not DEBUG)
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "USMLE Quiz")

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
PASSWORD_HASHERS = [
    # Argon2id at one of OWASP's equal-strength minimums (7 MiB, t=5, p=1);
    # PBKDF2 after it so old hashes verify.
    "accounts.hashers.OwaspArgon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Email ----------------------------------------------------------------
MAILERS = {"default": parse_email_url("EMAIL_URL", env_str("EMAIL_URL", "console://"))}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "USMLE Quiz <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Internationalisation -------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_AUTOREFRESH = DEBUG

# --- Question images (quizzes.images) ----------------------------------------
# Local files under MEDIA_ROOT by default, served by the app itself (quizzes.views.media) with a year's cache:
# their names are hashes of their content. MEDIA_STORAGE=s3 stores them in an S3-compatible bucket through
# django-storages instead; the bucket (or the CDN in front of it, AWS_S3_CUSTOM_DOMAIN) must serve the
# question-images/ prefix publicly, because the URLs are written into each question's rendered HTML.
MEDIA_STORAGE = env_choice("MEDIA_STORAGE", "local", {"local", "s3"})
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
MEDIA_URL = env_str("MEDIA_URL", "/media/")
QUESTION_IMAGE_MAX_BYTES = env_int("QUESTION_IMAGE_MAX_BYTES", 8 * 1024 * 1024, minimum=1024)
if MEDIA_STORAGE == "s3":
    _bucket = env_str("AWS_STORAGE_BUCKET_NAME")
    if not _bucket:
        raise ImproperlyConfigured("MEDIA_STORAGE=s3 needs AWS_STORAGE_BUCKET_NAME.")
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": _bucket,
            "endpoint_url": env_str("AWS_S3_ENDPOINT_URL") or None,
            "region_name": env_str("AWS_S3_REGION_NAME") or None,
            "custom_domain": env_str("AWS_S3_CUSTOM_DOMAIN") or None,
            # Credentials come from the usual AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (boto3 reads them).
            "querystring_auth": False,  # signed URLs would expire inside the stored HTML
            "file_overwrite": True,  # names are content hashes: the same name is the same bytes
            "default_acl": None,
            "object_parameters": {"CacheControl": "public, max-age=31536000, immutable"},
        },
    }

# --- Request limits -------------------------------------------------------
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("MAX_REQUEST_BODY_BYTES", 1024 * 1024, minimum=1024)
# The admin's uploads (question images, question files with embedded images) may be larger.
MAX_UPLOAD_BYTES = env_int("MAX_UPLOAD_BYTES", 32 * 1024 * 1024, minimum=1024)
DATA_UPLOAD_MAX_NUMBER_FIELDS = 200

# --- Security -------------------------------------------------------------
# Behind a TLS-terminating proxy, set SECURE_PROXY_SSL_HEADER=true so Django
# trusts X-Forwarded-Proto from it; never set it when clients reach gunicorn directly.
if env_bool("SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"


def _media_origins() -> list[str]:
    from urllib.parse import urlsplit

    if MEDIA_STORAGE != "s3":
        return []
    domain = STORAGES["default"]["OPTIONS"]["custom_domain"]
    if domain:
        return [f"https://{domain}"]
    endpoint = STORAGES["default"]["OPTIONS"]["endpoint_url"]
    if endpoint:
        parts = urlsplit(endpoint)
        return [f"{parts.scheme}://{parts.netloc}"]
    return ["https://*.amazonaws.com"]


SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    # Question images come from this site unless they live in a bucket or CDN (MEDIA_STORAGE=s3).
    "img-src": [CSP.SELF, "data:", *_media_origins()],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}

# --- The JSON API (api/, docs/API.md) -------------------------------------------
# Browsers use their session (with CSRF on writes); other clients a token per device (accounts.api_tokens),
# sent as "Authorization: Bearer <token>", stored hashed, revocable from the profile page.
API_TOKEN_DAYS = env_int("API_TOKEN_DAYS", 90, minimum=1)
API_TOKENS_PER_USER = env_int("API_TOKENS_PER_USER", 10, minimum=1)
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.api_tokens.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "USMLE Quiz API",
    "DESCRIPTION": "Blocks, items, answers, review, stats and leaderboards for a student; see docs/API.md.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI and Redoc from this site's static files (drf-spectacular-sidecar), never a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": r"/api/v1",
}

# --- Cross-origin access (django-cors-headers) ------------------------------------
# Origins (scheme://host[:port]) whose pages may call /api/ from a browser; empty: none may. Only listed
# origins get Access-Control-Allow-Credentials; the preflight is cached for CORS_PREFLIGHT_MAX_AGE seconds.
CORS_ALLOWED_ORIGINS = env_list("CORS_ALLOWED_ORIGINS", [])
for _origin in CORS_ALLOWED_ORIGINS:
    if not re.fullmatch(r"https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?", _origin):
        raise ImproperlyConfigured(
            f"CORS_ALLOWED_ORIGINS: {_origin!r} is not an origin such as https://app.example.org "
            "(scheme, host and optional port; no path, no trailing slash)."
        )
CORS_ALLOW_CREDENTIALS = True
CORS_URLS_REGEX = r"^/api/.*$"
CORS_PREFLIGHT_MAX_AGE = env_int("CORS_PREFLIGHT_MAX_AGE", 86400, minimum=0)
CORS_ALLOW_HEADERS = [
    "accept",
    "authorization",
    "content-type",
    "idempotency-key",
    "x-csrftoken",
    "x-request-id",
]
CORS_EXPOSE_HEADERS = ["retry-after", "x-request-id"]
# A listed origin may send the session cookie with its writes: CSRF must accept it too.
CSRF_TRUSTED_ORIGINS = [
    *CSRF_TRUSTED_ORIGINS,
    *(o for o in CORS_ALLOWED_ORIGINS if o not in CSRF_TRUSTED_ORIGINS),
]

# --- Error reports (Sentry) -----------------------------------------------------
# Off unless SENTRY_DSN is set (usmle_quiz.error_reports). No personal data is sent: no cookies, no bodies,
# no user names; the request id is attached so a report and a log line can be matched.
SENTRY_DSN = env_str("SENTRY_DSN")
SENTRY_ENVIRONMENT = env_str("SENTRY_ENVIRONMENT", "production")
SENTRY_TRACES_SAMPLE_RATE = env_int("SENTRY_TRACES_PERCENT", 0, minimum=0) / 100
if SENTRY_TRACES_SAMPLE_RATE > 1:
    raise ImproperlyConfigured("SENTRY_TRACES_PERCENT must be a whole number from 0 to 100.")
if SENTRY_DSN:
    # Right after the request id is chosen, so every report from the request carries it.
    MIDDLEWARE.insert(
        MIDDLEWARE.index("usmle_quiz.request_log.RequestLogMiddleware") + 1,
        "usmle_quiz.error_reports.RequestIdMiddleware",
    )

# --- Logging --------------------------------------------------------------
LOG_LEVEL = env_choice("LOG_LEVEL", "INFO", {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"})
# json: one JSON object per line (usmle_quiz.request_log.JsonFormatter), for a log shipper; text: plain lines.
LOG_FORMAT = env_choice("LOG_FORMAT", "text", {"text", "json"})
# The per-request line (usmle_quiz.request_log), at INFO: written when LOG_LEVEL lets INFO through;
# LOG_REQUESTS=false leaves it out (gunicorn's access log has a line per request too).
LOG_REQUESTS = env_bool("LOG_REQUESTS", True)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "usmle_quiz.request_log.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if LOG_FORMAT == "json" else "plain",
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "usmle_quiz.request": {"level": LOG_LEVEL if LOG_REQUESTS else "WARNING"},
    },
}

# --- Development tools ----------------------------------------------------
if DEBUG and env_bool("DEBUG_TOOLBAR", False):
    INSTALLED_APPS.append("debug_toolbar")
    MIDDLEWARE.insert(0, "debug_toolbar.middleware.DebugToolbarMiddleware")
    INTERNAL_IPS = ["127.0.0.1"]
