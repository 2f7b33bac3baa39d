"""Settings shared by every environment. Environment-specific modules import from here."""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

SECRET_KEY = os.environ.get("SECRET_KEY", "insecure-development-key-change-me")
# "production" in production settings: commands that write demo data refuse to run there.
ENVIRONMENT = "development"
DEBUG = False
ALLOWED_HOSTS = [h for h in os.environ.get("ALLOWED_HOSTS", "").split(",") if h]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "django_tasks_db",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "core",
    "accounts",
    "audit",
    "communes",
    "staffing",
    "secondments",
    "headcount",
    "reports",
    "planner",
    "maintenance",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "config.middleware.LocaleMiddleware",
    "config.middleware.JunkPathMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.middleware.IdleTimeoutMiddleware",
    "accounts.middleware.ApiClientWebMiddleware",
    "accounts.middleware.TwoFactorMiddleware",
    "accounts.middleware.PasswordChangeRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "config.routers.PinPrimaryAfterWriteMiddleware",
    "config.routers.ReportsFromReplicaMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last: turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the demo server read while a command writes; immediate transactions and a busy
    # timeout make a second writer wait for the first instead of failing with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"init_command": "PRAGMA journal_mode=WAL;", "transaction_mode": "IMMEDIATE", "timeout": 20}
    )
# Planner settings for every PostgreSQL connection (data on SSD and mostly cached: an index read
# costs about a sequential one; report aggregates get memory instead of spilling; no JIT for
# queries of tens of milliseconds). Set PG_SESSION_OPTIONS="" where the server sets them itself
# or a pooler in transaction mode refuses startup options.
PG_SESSION_OPTIONS = os.environ.get("PG_SESSION_OPTIONS", "-c random_page_cost=1.1 -c jit=off -c work_mem=32MB")


def _pg_options(db):
    if db["ENGINE"] == "django.db.backends.postgresql" and PG_SESSION_OPTIONS:
        db.setdefault("OPTIONS", {})["options"] = PG_SESSION_OPTIONS
    return db


_pg_options(DATABASES["default"])
if os.environ.get("DATABASE_REPLICA_URL"):
    # Reports and exports read here (config/routers.py); writes and migrations stay on the primary.
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["DATABASE_REPLICA_URL"], conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60"))
    )
    _pg_options(DATABASES["replica"])
DATABASE_ROUTERS = ["config.routers.ReplicaRouter"]

# Sessions live in the database (read with SQL compiled once: accounts/sessions.py). With REDIS_URL
# every app server shares the cache (API rate limits) and the sessions (read from Redis, written
# through to the database so a Redis restart signs nobody out).
SESSION_ENGINE = "accounts.sessions"
if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "KEY_PREFIX": "bienche",
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# The lockout backend comes first: it refuses a locked-out account before the password is checked.
# UserBackend is Django's ModelBackend reading the signed-in user with SQL compiled once.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "accounts.backends.UserBackend",
]

# Sign-in lockout (django-axes): 5 failed sign-ins from one address for one account lock that
# pair for 15 minutes, on /login/ and /admin/login/ alike.
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("LOGIN_LOCKOUT_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.lockout.locked_out"
AXES_CLIENT_IP_CALLABLE = "accounts.lockout.client_ip"
AXES_VERBOSE = False
# Proxies in front of the app that append to X-Forwarded-For (0: use the connection's address).
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))

# A signed-in session ends after this many seconds without a request.
SESSION_IDLE_TIMEOUT = int(os.environ.get("SESSION_IDLE_TIMEOUT", str(30 * 60)))

# Roles that must use a second factor (TOTP) to sign in; "superuser" stands for superusers.
# Anyone may turn it on for themselves.
TWO_FACTOR_REQUIRED_FOR = []
OTP_TOTP_ISSUER = "Biên chế"

# API tokens: named, stored as a hash, valid for a limited number of days.
API_TOKEN_DEFAULT_DAYS = 90
API_TOKEN_MAX_DAYS = 365

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Vietnamese first, English available.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True
# Django's stock "vi" formats read 01/07/2025 as 7 January; ours read day first.
FORMAT_MODULE_PATH = ["config.formats"]

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = BASE_DIR / "media"
MEDIA_URL = "media/"

# Uploads: Excel workbooks are the largest legitimate files.
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
UPLOAD_MAX_BYTES = 10 * 1024 * 1024
# Imports: files above this size are read by the worker, and files above this many rows are
# checked and applied by it, with progress on the page.
IMPORT_BACKGROUND_BYTES = 512 * 1024
IMPORT_BACKGROUND_ROWS = 5000
# A background import (reading, checking, applying) silent for longer than this is marked failed by
# the scheduled work; its owner can start it again.
IMPORT_JOB_STALE_SECONDS = int(os.environ.get("IMPORT_JOB_STALE_SECONDS", str(10 * 60)))

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

MAILERS = {"default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend"}}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.tokens.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # Requests per client and period; a client over its rate gets 429 with Retry-After.
    "DEFAULT_THROTTLE_CLASSES": [
        "accounts.throttling.AnonThrottle",
        "accounts.throttling.UserThrottle",
        "accounts.throttling.TokenThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": os.environ.get("API_THROTTLE_ANON", "30/min"),
        "user": os.environ.get("API_THROTTLE_USER", "600/min"),
        "token": os.environ.get("API_THROTTLE_TOKEN", "300/min"),
    },
    "EXCEPTION_HANDLER": "config.api_errors.exception_handler",
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_VERSIONING_CLASS": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Biên chế API",
    "DESCRIPTION": "Provincial staffing: units, quotas, staff, movements and reports.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Every operation declares the errors it may answer, with their JSON bodies.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "config.api_errors.declare_error_responses",
    ],
    "ENUM_NAME_OVERRIDES": {
        "UnitKindEnum": "communes.models.UnitKind",
        "MovementKindEnum": "secondments.models.Kind",
        "MovementStatusEnum": "secondments.models.Status",
        "StaffStatusEnum": "staffing.models.StaffStatus",
    },
}

# The empty choice of a filter's select means "no filter" (django-filter writes "---------").
FILTERS_EMPTY_CHOICE_LABEL = _("All")

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Background exports: a running job writes a heartbeat; one silent for longer than
# EXPORT_JOB_STALE_SECONDS (its worker died) is marked failed, and so is one running longer
# than EXPORT_JOB_TIMEOUT_SECONDS. Finished exports are deleted after EXPORT_RETENTION_DAYS.
EXPORT_JOB_TIMEOUT_SECONDS = int(os.environ.get("EXPORT_JOB_TIMEOUT_SECONDS", str(60 * 60)))
EXPORT_JOB_STALE_SECONDS = int(os.environ.get("EXPORT_JOB_STALE_SECONDS", str(10 * 60)))
# The planner runs inline for a province with at most this many people on the roll, else in the
# background worker with progress shown on its page.
PLANNER_INLINE_MAX_STAFF = int(os.environ.get("PLANNER_INLINE_MAX_STAFF", "3000"))
# A run still "running" after this long is marked failed by the scheduled work.
PLANNER_RUN_TIMEOUT_SECONDS = int(os.environ.get("PLANNER_RUN_TIMEOUT_SECONDS", str(15 * 60)))
EXPORT_RETENTION_DAYS = int(os.environ.get("EXPORT_RETENTION_DAYS", "7"))
# Uploaded workbooks never confirmed are deleted after this many days.
UPLOAD_RETENTION_DAYS = 1
# Audit entries (who viewed, listed or exported personal records) are kept this many days.
AUDIT_RETENTION_DAYS = int(os.environ.get("AUDIT_RETENTION_DAYS", str(5 * 365)))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}
