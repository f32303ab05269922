"""One settings module, configured from environment variables.

With no variable set the portal runs on a SQLite file and an embedded
(filesystem) Celery broker, so it starts on a machine that has only Python.
Production sets DATABASE_URL, CELERY_BROKER_URL, SECRET_KEY, FIELD_ENCRYPTION_KEYS, PORTAL_BASE_URL
and DEBUG=false.
"""

import contextlib
import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any

import environ
from csp import constants as csp
from django.core.exceptions import ImproperlyConfigured
from redis.backoff import NoBackoff
from redis.retry import Retry

from portal.keys import KeyConfigurationError, load_keys

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# A developer may keep a .env beside manage.py; the environment wins over it.
# (PORTAL_ENV_FILE points elsewhere: the tests use it to read no .env at all.)
environ.Env.read_env(os.environ.get("PORTAL_ENV_FILE", BASE_DIR / ".env"), overwrite=False)

DEBUG = env.bool("DEBUG", default=True)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"])
# Development on loopback: DEBUG on and every allowed host a loopback name
# ("testserver" is Django's test client). Only there may SECRET_KEY be
# missing; the key is then made once at random and kept in var/, never
# published, so signed links cannot be forged even on a developer's machine.
LOOPBACK_HOSTS = {"localhost", "127.0.0.1", "[::1]", "::1", "testserver"}
DEVELOPMENT_ON_LOOPBACK = DEBUG and bool(ALLOWED_HOSTS) and set(ALLOWED_HOSTS) <= LOOPBACK_HOSTS
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEVELOPMENT_ON_LOOPBACK:
        raise ImproperlyConfigured(
            "Set SECRET_KEY (50 or more random characters). Only development on loopback "
            "(DEBUG=true and ALLOWED_HOSTS only localhost, 127.0.0.1 or [::1]) runs without one."
        )
    _dev_key_file = BASE_DIR / "var" / "dev-secret-key"
    if not _dev_key_file.exists():
        # Written aside, then linked into place: the web server and the worker
        # starting together both end up reading the one key that won.
        _dev_key_file.parent.mkdir(parents=True, exist_ok=True)
        _draft = _dev_key_file.with_name(f"dev-secret-key.{os.getpid()}")
        _draft.write_text(secrets.token_urlsafe(50))
        with contextlib.suppress(FileExistsError):
            os.link(_draft, _dev_key_file)
        _draft.unlink()
    SECRET_KEY = _dev_key_file.read_text().strip()
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# Reverse proxies (addresses or networks, e.g. 10.0.0.0/8) whose X-Forwarded-For
# is believed: rate limits and lockouts then count the client they report
# (portal.http.client_ip). Empty: the connecting address is the client's.
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])
# Addresses or networks (10.0.5.0/24) that may read /metrics (portal.metrics),
# checked against the connecting address: Prometheus scrapes each web process
# directly and the reverse proxy does not forward /metrics. Others get a 404.
METRICS_ALLOWED_IPS = env.list("METRICS_ALLOWED_IPS", default=["127.0.0.1", "::1"])

# The practice this instance serves.
PRACTICE_NAME = env.str("PRACTICE_NAME", default="Seattle Christian Counseling")
PRACTICE_PHONE = env.str("PRACTICE_PHONE", default="(206) 388-3929")
PRACTICE_TIME_ZONE = env.str("PRACTICE_TIME_ZONE", default="America/Los_Angeles")
# Where a partner in safety mode goes when they press "Quick exit" (a neutral site).
SAFETY_EXIT_URL = env.str("SAFETY_EXIT_URL", default="https://www.weather.com/")
# The address links in e-mails and calendar feeds point at. Required in
# production; in development scripts/demo.sh sets it from the port it serves on.
PORTAL_BASE_URL = env.str("PORTAL_BASE_URL", default="http://localhost:8000" if DEBUG else "").rstrip("/")
if not PORTAL_BASE_URL:
    raise ImproperlyConfigured("Set PORTAL_BASE_URL, the portal's public address (https://portal.example.org).")
# The keys that encrypt clinical content in the database and the file store
# (portal/keys.py, portal/crypto.py, docs/encryption.md): Fernet keys, newest
# first; never in the database. Only development on loopback runs without
# them (a key is made once and kept in var/field-encryption-keys).
try:
    FIELD_ENCRYPTION_KEYS = load_keys(
        from_env=env.str("FIELD_ENCRYPTION_KEYS", default=""),
        key_file=env.str("FIELD_ENCRYPTION_KEYS_FILE", default=""),
        development_file=BASE_DIR / "var" / "field-encryption-keys" if DEVELOPMENT_ON_LOOPBACK else None,
    )
except KeyConfigurationError as error:
    raise ImproperlyConfigured(str(error)) from None
INVITATION_VALID_DAYS = env.int("INVITATION_VALID_DAYS", default=7)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "knox",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    # Records each signed-in session, so "sign out everywhere" can end the others.
    "allauth.usersessions",
    "axes",
    "csp",
    # Request, response and database counters for /metrics (portal.metrics).
    "django_prometheus",
    "portal",
    "accounts",
    "exercises",
    "scheduling",
    "notifications",
    "progress",
    # Documents and consent (issue 15): after progress; imports accounts, exercises, scheduling.
    "intake",
    # Secure messaging (issue 16): after intake; reads intake's published confidentiality policy.
    "messaging",
    # A person's own record (right of access): after every app, since it reads them all.
    "records",
    "retention",
]

MIDDLEWARE = [
    # Outermost, so that they see every request and answer: django-prometheus
    # starts its clock; the request gets its id and, on the way out, its
    # access line (portal.request_id).
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "portal.request_id.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Early, so that every response below it carries the policy, errors too.
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # A visitor's language: their cookie, else the browser's (Accept-Language).
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "portal.middleware.NoStoreForLoggedInMiddleware",
    "portal.middleware.RefuseNulMiddleware",
    "portal.middleware.PortalLoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.TimezoneMiddleware",
    # A logged-in person's own language, over the cookie and the browser.
    "accounts.middleware.LanguageMiddleware",
    "accounts.middleware.RequireTwoFactorMiddleware",
    # django-prometheus asks for this one last; django-axes' must stay last.
    "django_prometheus.middleware.PrometheusAfterMiddleware",
    # Last, as django-axes asks: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
CSRF_FAILURE_VIEW = "portal.error_pages.csrf_failure"
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
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.practice",
                "portal.context_processors.safety",
                "notifications.context_processors.bell",
                "scheduling.context_processors.next_appointment",
                "intake.context_processors.before_first_session",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Wait for a writer instead of failing at once: the web server and the
    # embedded Celery worker share the file.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # JIT compiling pays off for long analytic queries, not for a portal's
    # short ones: on the dashboard's statement it added 30-40 ms when the
    # planner's estimate crossed jit_above_cost.
    # Behind PgBouncer in transaction mode (DB_TRANSACTION_POOLER=true) a
    # connection is a different server session from one transaction to the
    # next: no session state may be set. So no startup "options" (jit is
    # then the server's setting: set jit=off in postgresql.conf), no
    # prepared statements (below) and no server-side cursors, which live
    # beyond a transaction.
    DB_TRANSACTION_POOLER = env.bool("DB_TRANSACTION_POOLER", default=False)
    DATABASES["default"].setdefault("OPTIONS", {})
    if DB_TRANSACTION_POOLER:
        DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
    else:
        DATABASES["default"]["OPTIONS"].setdefault("options", "-c jit=off")
    # A database that is down or unreachable is told within seconds, not
    # after the system's TCP timeout: the page answers 503 (portal.error_pages).
    DATABASES["default"]["OPTIONS"].setdefault("connect_timeout", env.int("DB_CONNECT_TIMEOUT", default=3))
    # Django binds parameters into the SQL text, so its own statements are
    # never prepared whatever this says. Cursors that bind on the server do
    # prepare after this many runs: the UPDATE recording each reminder
    # e-mail (notifications.db). A pooler in between must support
    # protocol-level prepared statements (PgBouncer does since 1.21);
    # "off" turns it off, for a pooler that cannot.
    prepare_after = env.str("DB_PREPARE_THRESHOLD", default="off" if DB_TRANSACTION_POOLER else "5")
    DATABASES["default"]["OPTIONS"]["prepare_threshold"] = None if prepare_after == "off" else int(prepare_after)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# One cache shared by every process (Redis in production), so that a TOTP
# code used once is refused everywhere and a rate limit counted through one
# web host holds on the others. Redis is asked with short timeouts and,
# when it does not answer, a database table stands in (portal.cache).
# CACHE_URL is redis://host:port/db, or sentinel://host:port,host:port/db
# with REDIS_SENTINEL_MASTER naming the Sentinels' primary. Use another
# database (or instance) than the broker's: a cache flush must not drop
# queued tasks.
REDIS_SENTINEL_MASTER = env.str("REDIS_SENTINEL_MASTER", default="")
CACHE_URL = env.str("CACHE_URL", default="locmemcache://portal")
CACHE_TIMEOUT_SECONDS = env.float("CACHE_TIMEOUT_SECONDS", default=0.3)
_redis_options = {
    "socket_connect_timeout": CACHE_TIMEOUT_SECONDS,
    "socket_timeout": CACHE_TIMEOUT_SECONDS,
    # redis-py retries three times with backoff by default: seconds, not
    # the fraction of one a page can spare. The fallback is the retry.
    "retry": Retry(NoBackoff(), 0),
}
CACHES: dict[str, dict] = {
    "database": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "portal_cache"},
}
if CACHE_URL.startswith(("redis://", "rediss://", "sentinel://")):
    if CACHE_URL.startswith("sentinel://"):
        if not REDIS_SENTINEL_MASTER:
            raise ImproperlyConfigured("A sentinel:// CACHE_URL needs REDIS_SENTINEL_MASTER, the primary's name.")
        _hosts, _, _db = CACHE_URL.removeprefix("sentinel://").partition("/")
        CACHES["redis"] = {
            "BACKEND": "portal.cache.SentinelRedisCache",
            "LOCATION": _hosts,
            "OPTIONS": {"master": REDIS_SENTINEL_MASTER, "db": int(_db or 0), **_redis_options},
        }
    else:
        CACHES["redis"] = {**env.cache_url_config(CACHE_URL), "OPTIONS": _redis_options}
    CACHES["default"] = {
        "BACKEND": "portal.cache.FailoverCache",
        "OPTIONS": {"PRIMARY": "redis", "FALLBACK": "database", "RETRY_AFTER": 5.0},
    }
else:
    CACHES["default"] = env.cache_url_config(CACHE_URL)

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # django-axes first, so a locked-out login never reaches the password check.
    "axes.backends.AxesStandaloneBackend",
    # One password check per attempt: allauth's backend would check it a
    # second time. ModelBackend finds the user by e-mail (USERNAME_FIELD),
    # case-insensitively (UserManager.get_by_natural_key).
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "account_login"

# django-allauth: e-mail is the login; accounts come only from invitations.
ACCOUNT_ADAPTER = "accounts.adapters.PortalAccountAdapter"
ACCOUNT_FORMS = {"login": "accounts.forms.PortalLoginForm"}
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{PRACTICE_NAME}] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if not DEBUG else "http"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = PRACTICE_NAME

# django-axes: lock an e-mail address, from whatever IP, after repeated failed
# logins. Its database handler counts failures under SELECT ... FOR UPDATE and
# accounts.auth.login_attempts_serialized runs one attempt per address at a
# time, so parallel guesses cannot slip past the limit. Not by IP: the
# front desks of twenty offices each share one address, and one mistyping
# colleague must not lock the whole office out.
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("LOGIN_LOCKOUT_HOURS", default=0.25)
AXES_LOCKOUT_PARAMETERS = ["username"]
# W006 warns that locking without the IP can be dodged by rotating user
# agents; that holds for user-agent lockouts, not for one keyed on the address.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_USERNAME_CALLABLE = "accounts.auth.login_identifier"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "account/lockout.html"
AXES_HTTP_RESPONSE_CODE = 429
# The address recorded with each attempt is the client's as portal.http.client_ip
# reads it (X-Forwarded-For only from TRUSTED_PROXIES), not the proxy's.
AXES_CLIENT_IP_CALLABLE = "portal.http.client_ip"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "accounts.authentication.ApiTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "portal.policy.TwoFactorSatisfied",
    ],
    "DEFAULT_SCHEMA_CLASS": "portal.schema.PortalAutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["portal.filters.PortalFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "portal.api.PortalPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "portal.api.exception_handler",
}
# API tokens (django-rest-knox): stored hashed, a new one per login, each
# valid for API_TOKEN_HOURS; revoked by a password change, by "sign out
# everywhere" and by their owner on the Security page.
API_TOKEN_HOURS = env.float("API_TOKEN_HOURS", default=72)
KNOX_TOKEN_MODEL = "accounts.ApiToken"
# knox's own migrations would create its table for the model accounts.ApiToken
# replaces; without them that table is never made.
MIGRATION_MODULES = {"knox": None}
REST_KNOX = {
    "TOKEN_MODEL": KNOX_TOKEN_MODEL,
    "TOKEN_TTL": timedelta(hours=API_TOKEN_HOURS),
    "AUTH_HEADER_PREFIX": "Token",  # what clients send today: "Authorization: Token <key>"
}
SPECTACULAR_SETTINGS = {
    "TITLE": f"{PRACTICE_NAME} portal API",
    "DESCRIPTION": "Couples, invitations and between-session exercises.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    # intake's "status" and "kind" share their names with scheduling's: named apart.
    "ENUM_NAME_OVERRIDES": {
        # Several models have a "status": each enum is named for its model.
        "CoupleStatusEnum": "accounts.models.CoupleStatus",
        "DocumentVersionStatusEnum": "intake.models.VersionStatus",
        "DocumentKindEnum": "intake.models.DocumentKind",
    },
}

# English is the source language; Spanish is a complete catalogue in
# locale/es (scripts/i18n.py keeps it current, CI fails on a missing entry).
# Each person reads the portal in their own language (User.language); one who
# has not chosen gets the practice's (PRACTICE_LANGUAGE), else their browser's.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]
PRACTICE_LANGUAGE = env.str("PRACTICE_LANGUAGE", default="")
if PRACTICE_LANGUAGE and PRACTICE_LANGUAGE not in dict(LANGUAGES):
    raise ImproperlyConfigured(f"PRACTICE_LANGUAGE must be one of {', '.join(dict(LANGUAGES))}")
LANGUAGE_COOKIE_SECURE = not DEBUG
# Every "language" in the API (a user's, each partner's at an invitation, an
# exercise's, a signature's) is the one enum of the portal's languages.
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"]["LanguageEnum"] = LANGUAGES  # type: ignore[index]
TIME_ZONE = PRACTICE_TIME_ZONE
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# Where collectstatic writes (each web host's own copy in production).
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns on every request without it
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded files (message attachments): never served from a public URL, only
# through views that check the policy (messaging.downloads). The local
# filesystem by default; any S3-compatible store when ATTACHMENTS_S3_BUCKET
# is set (django-storages; credentials from AWS_ACCESS_KEY_ID and
# AWS_SECRET_ACCESS_KEY or the host's role; see docs/production.md).
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "var" / "media")))
ATTACHMENTS_S3_BUCKET = env.str("ATTACHMENTS_S3_BUCKET", default="")
# FileSystemStorage reads MEDIA_ROOT itself (and follows it when a test changes it).
_default_storage: dict[str, Any] = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
if ATTACHMENTS_S3_BUCKET:
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": ATTACHMENTS_S3_BUCKET,
            "endpoint_url": env.str("ATTACHMENTS_S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("ATTACHMENTS_S3_REGION", default="") or None,
            "location": env.str("ATTACHMENTS_S3_PREFIX", default="portal"),
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
STORAGES = {
    "default": _default_storage,
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# E-mail: the console by default, SMTP when EMAIL_URL says so (smtp://user:pw@host:port).
_email = env.email_url("EMAIL_URL", default="consolemail://")
# SMTP goes through portal.mail's backend: Django's, with quicker serialization.
EMAIL_BACKEND = (
    "portal.mail.EmailBackend"
    if _email["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    else _email["EMAIL_BACKEND"]
)
EMAIL_HOST = _email.get("EMAIL_HOST", "localhost")
EMAIL_PORT = _email.get("EMAIL_PORT", 25)
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _email.get("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = 15  # under notifications' SEND_LEASE (30 s) less RENEW_EVERY (5 s)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default=f"{PRACTICE_NAME} <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Celery: Redis in production; with no broker configured, kombu's filesystem
# transport under var/celery so a worker runs with nothing but Python.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
CELERY_EMBEDDED_BROKER_DIR = BASE_DIR / "var" / "celery"
if CELERY_BROKER_URL.startswith("filesystem://"):
    for _sub in ("out", "processed"):
        (CELERY_EMBEDDED_BROKER_DIR / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_EMBEDDED_BROKER_DIR / "out"),
        "data_folder_out": str(CELERY_EMBEDDED_BROKER_DIR / "out"),
        "processed_folder": str(CELERY_EMBEDDED_BROKER_DIR / "processed"),
        # Fanout exchanges (the workers' remote-control pidbox); kombu's default is ./control.
        "control_folder": str(CELERY_EMBEDDED_BROKER_DIR / "control"),
        "store_processed": False,
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        # A task a worker took and did not acknowledge (the worker was
        # killed) is handed out again after this long. Reminders do not wait
        # for it: their leases lapse sooner and the sweep hands them out again.
        "visibility_timeout": 3600,
        "socket_connect_timeout": 1.0,
        # A broker that accepts and never answers costs a web request at most
        # about two seconds (this, once more on the retry below). The
        # workers read their queues through the event loop, which this does
        # not bound (health_check_interval watches those connections).
        "socket_timeout": 1.0,
        # Publishing to a broker that is down: one quick retry, then fail.
        "max_retries": 1,
        "interval_start": 0,
        "interval_step": 0.2,
        "interval_max": 0.2,
    }
    if CELERY_BROKER_URL.startswith("sentinel://"):
        # CELERY_BROKER_URL="sentinel://h1:26379;sentinel://h2:26379;sentinel://h3:26379"
        # (database 0; the cache uses another). After a failover the
        # workers and web processes ask the Sentinels for the new primary.
        if not REDIS_SENTINEL_MASTER:
            raise ImproperlyConfigured("A sentinel:// CELERY_BROKER_URL needs REDIS_SENTINEL_MASTER.")
        CELERY_BROKER_TRANSPORT_OPTIONS["master_name"] = REDIS_SENTINEL_MASTER
        CELERY_BROKER_TRANSPORT_OPTIONS["sentinel_kwargs"] = {"socket_timeout": 1.0, "socket_connect_timeout": 1.0}
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_TIME_LIMIT = 5 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 60
CELERY_TASK_ACKS_LATE = True
# Celery's Django fixup would close the database connection before and after
# every task, so each delivery batch and each minute's sweep paid for a new
# PostgreSQL session. It now closes them only after this many tasks;
# config.celery treats each task like a web request instead (CONN_MAX_AGE,
# health check after an error).
CELERY_DB_REUSE_MAX = 1000
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE: dict = {
    # Keep each recurring assignment's rolling window of occurrences filled.
    "generate-upcoming-occurrences": {"task": "exercises.generate_upcoming_occurrences", "schedule": 15 * 60},
    # Reminders: plan rows for new occurrences, then claim and hand out what is due.
    # Every 15 s, not every minute: after a fault (a lost queue, a killed
    # worker) what lapsed is handed out again within seconds of its lease.
    "notifications-sweep": {"task": "notifications.sweep", "schedule": 15},
    # Each counselor's weekly digest (Monday 07:00 their time), planned as a reminder row.
    "notifications-plan-weekly-digests": {"task": "notifications.plan_weekly_digests", "schedule": 60 * 60},
    # Erase the clinical content of closed couples past the practice's retention
    # period (retention/): once a day is enough, as the period counts in years.
    "retention-erase-past-retention": {"task": "retention.erase_past_retention", "schedule": 24 * 60 * 60},
}
# A broker that is down must not hold up a web request or the sweep: publishing
# fails within about a second and the reminders' leases bring them back later.
CELERY_BROKER_CONNECTION_TIMEOUT = 1.0
# Keep trying to reach the broker at start, as after a lost connection (and
# say so: Celery 6 will otherwise stop retrying at start).
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
CELERY_BEAT_SCHEDULE_FILENAME = str(BASE_DIR / "var" / "celerybeat-schedule")

# Production hardening: with DEBUG off, `manage.py check --deploy` is silent.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# The load balancer's health checks and Prometheus's scrapes talk plain HTTP
# to each web process: answered there, not sent to https (portal.health, portal.metrics).
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# django-csp: everything from our own origin, no inline script or style (the
# templates have none; the API docs load their start-up script from a file,
# SpectacularSwaggerSplitView), no plugins, no framing, forms post only here.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [csp.SELF],
        "script-src": [csp.SELF],
        "style-src": [csp.SELF],
        # Swagger UI's stylesheet draws its icons as data: SVGs.
        "img-src": [csp.SELF, "data:"],
        "object-src": [csp.NONE],
        "base-uri": [csp.SELF],
        "form-action": [csp.SELF],
        "frame-ancestors": [csp.NONE],
    }
}
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=60 * 60 * 12)

# Logs: one JSON object a line (LOG_FORMAT=json, the default with DEBUG off)
# or text (development), on stderr, in web processes and workers alike
# (config.celery hands Celery this configuration). Each line of a request, and
# of a task that request queued, carries its request id (portal.request_id);
# each request has one access line on "portal.access", each task run one on
# "portal.tasks". Clinical content never goes into a log line.
LOG_FORMAT = env.str("LOG_FORMAT", default="text" if DEBUG else "json")
if LOG_FORMAT not in ("json", "text"):
    raise ImproperlyConfigured("LOG_FORMAT is json or text.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "portal.request_id.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "portal.log_format.PortalJsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["request_id"]}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}
