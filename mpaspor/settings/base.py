"""Settings shared by every environment; values come from the environment.

Defaults are safe for a developer's machine (SQLite, tasks in-process). Production
settings (`production.py`) remove the defaults that would be unsafe there.
"""

from datetime import timedelta
from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()

# A development key; production.py requires DJANGO_SECRET_KEY and has no default.
SECRET_KEY = env("DJANGO_SECRET_KEY", default="dev-only-insecure-key-change-me-0123456789abcdef")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# Trusted reverse proxies in front (load balancers): the client's address, for rate limits
# and the sign-in guard, is then the one the nearest of them saw (core.throttling).
NUM_PROXIES = env.int("NUM_PROXIES", default=0)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework_simplejwt",
    "rest_framework_simplejwt.token_blacklist",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "core",
    "applicants",
    "queueing",
    "billing",
    "delivery",
    "appointments",
    "casework",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "core.middleware.ContentSecurityPolicyMiddleware",
    "core.middleware.PersonalDataNotStoredMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "core.middleware.RequestBodyLimitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "applicants.staff_sign_in.StaffSecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "core.middleware.SessionTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "core.middleware.NulInAddressMiddleware",
    "core.middleware.DomainErrorMiddleware",
]

ROOT_URLCONF = "mpaspor.urls"
WSGI_APPLICATION = "mpaspor.wsgi.application"
ASGI_APPLICATION = "mpaspor.asgi.application"

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
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------
# SQLite by default so `make run` needs no other service. IMMEDIATE transactions make
# SQLite take its write lock at BEGIN, which serialises writers instead of failing them.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

# DATABASE_POOLER: what sits between Django and PostgreSQL. Empty (the default): nothing, a
# connection is one PostgreSQL session. `pgbouncer-transaction`: PgBouncer in transaction
# pooling mode, where consecutive transactions may run on different server sessions, so no
# server-side cursors (they outlive a transaction); the code keeps no other session state
# (locks and lock_timeout are transaction-scoped: SET LOCAL in core/locks.py).
DATABASE_POOLERS = ("", "pgbouncer-transaction")
DATABASE_POOLER = env.str("DATABASE_POOLER", default="").strip()
if DATABASE_POOLER not in DATABASE_POOLERS:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(f"DATABASE_POOLER must be one of {DATABASE_POOLERS}, not {DATABASE_POOLER!r}.")


def pooled(database: dict) -> dict:
    """`database` (a DATABASES entry) as DATABASE_POOLER needs it."""
    if DATABASE_POOLER == "pgbouncer-transaction" and database["ENGINE"] != "django.db.backends.sqlite3":
        database["DISABLE_SERVER_SIDE_CURSORS"] = True
    return database


DATABASES["default"] = pooled(DATABASES["default"])
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, broker ----------------------------------------------------------------------
REDIS_URL = env("REDIS_URL", default="")
# Redis holds hints and counters only (mpaspor/cache.py): while it is away, `default` misses
# (PostgreSQL answers) and `counters` (rate limits, sign-in guard) counts in process memory.
if REDIS_URL:
    _redis_cache = {
        "BACKEND": "core.cache.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": env("CACHE_KEY_PREFIX", default="mpaspor"),
    }
    CACHES = {
        "default": {**_redis_cache, "OPTIONS": {"DEGRADE": "miss"}},
        "counters": {**_redis_cache, "OPTIONS": {"DEGRADE": "local"}},
    }
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "default"},
        "counters": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "counters"},
    }

# --- Accounts ---------------------------------------------------------------------------
AUTH_USER_MODEL = "applicants.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "applicants.passwords.BreachedPasswordValidator"},
    {"NAME": "applicants.passwords.PortalWordsValidator"},
    {"NAME": "applicants.passwords.VarietyValidator"},
]
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24
# Failed sign-ins per e-mail address and per network address before a cool-down.
LOGIN_MAX_FAILURES = env.int("LOGIN_MAX_FAILURES", default=5)
LOGIN_LOCKOUT_SECONDS = env.int("LOGIN_LOCKOUT_SECONDS", default=15 * 60)
# Attempts on one account per hour, from anywhere, before unknown addresses are slowed down.
LOGIN_ACCOUNT_SLOWDOWN_AFTER = env.int("LOGIN_ACCOUNT_SLOWDOWN_AFTER", default=20)
LOGIN_ACCOUNT_SLOWDOWN_SECONDS = env.int("LOGIN_ACCOUNT_SLOWDOWN_SECONDS", default=10)
# Every staff account signs in with a second factor (TOTP, or a one-time recovery code).
OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER", default="M-Paspor")
# When true, an account must confirm its e-mail address before it can book a session.
REQUIRE_VERIFIED_EMAIL = env.bool("REQUIRE_VERIFIED_EMAIL", default=True)
# Anti-automation: unpaid places one account may hold at once, and bookings it may make in 24 hours.
MAX_UNPAID_HOLDS_PER_ACCOUNT = env.int("MAX_UNPAID_HOLDS_PER_ACCOUNT", default=3)
MAX_HOLDS_PER_ACCOUNT_PER_DAY = env.int("MAX_HOLDS_PER_ACCOUNT_PER_DAY", default=8)

EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
# Where django.core.mail.backends.filebased.EmailBackend writes, when that backend is chosen.
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", default=str(BASE_DIR / "var" / "mail"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="M-Paspor <no-reply@mpaspor.localhost>")
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")

# --- Internationalisation -----------------------------------------------------------------
LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Indonesian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True
# Off: with it, every integer a template prints is grouped ("1.165" in Indonesian), and ids in
# form values and data attributes broke as soon as they passed 999 (a session button posted
# "1.165"). Amounts are grouped on purpose by the `rupiah` and `intcomma` filters.
USE_THOUSAND_SEPARATOR = False

# --- Static files and private uploads -----------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = Path(env("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Applicants' documents live outside any URL-served directory; they are only ever served
# by an authorising view.
PRIVATE_MEDIA_ROOT = Path(env("PRIVATE_MEDIA_ROOT", default=str(BASE_DIR / "var" / "private")))
DOCUMENT_MAX_BYTES = env.int("DOCUMENT_MAX_BYTES", default=10 * 1024 * 1024)
DOCUMENT_MAX_PIXELS = env.int("DOCUMENT_MAX_PIXELS", default=40_000_000)
DOCUMENT_MAX_EDGE = env.int("DOCUMENT_MAX_EDGE", default=2000)
# A PDF upload is parsed and rebuilt in a child process that is killed after this long.
PDF_PARSE_SECONDS = env.float("PDF_PARSE_SECONDS", default=10.0)
# Whole request bodies above this are refused before Django reads them.
REQUEST_BODY_MAX_BYTES = env.int("REQUEST_BODY_MAX_BYTES", default=DOCUMENT_MAX_BYTES + 512 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# --- Application rules ---------------------------------------------------------------------
MAX_ACTIVE_APPLICATIONS_PER_ACCOUNT = env.int("MAX_ACTIVE_APPLICATIONS_PER_ACCOUNT", default=6)
MAX_RESCHEDULES = env.int("MAX_RESCHEDULES", default=1)
# How long a booking waits for the hot session row before answering "busy, try again".
BOOKING_LOCK_TIMEOUT_MS = env.int("BOOKING_LOCK_TIMEOUT_MS", default=3000)
# A claimed Idempotency-Key whose request died before answering is taken over after this long.
IDEMPOTENCY_CLAIM_SECONDS = env.int("IDEMPOTENCY_CLAIM_SECONDS", default=60)
# A "full" hint never outlives the first unpaid hold that could lapse, and every change
# that frees a place clears it; this only caps it.
SLOT_FULL_FLAG_SECONDS = env.int("SLOT_FULL_FLAG_SECONDS", default=30)
AVAILABILITY_CACHE_SECONDS = env.int("AVAILABILITY_CACHE_SECONDS", default=3)
# How long one process may reuse a hint (availability, "full") before asking Redis again.
FASTPATH_LOCAL_SECONDS = env.float("FASTPATH_LOCAL_SECONDS", default=1.0)

# --- Billing (SIMPONI / MPN G2) ---------------------------------------------------------------
BILL_TTL_SECONDS = env.int("BILL_TTL_SECONDS", default=7200)
# How long a place freed on a drawn day stays offered to the next person on its waitlist.
WAITLIST_OFFER_MINUTES = env.int("WAITLIST_OFFER_MINUTES", default=60)
BILL_REMINDER_SECONDS = env.int("BILL_REMINDER_SECONDS", default=1800)
PAYMENT_WEBHOOK_SECRET = env("PAYMENT_WEBHOOK_SECRET", default="dev-payment-secret")
PAYMENT_WEBHOOK_TOLERANCE_SECONDS = 300
PAYMENT_SIMULATOR_ENABLED = env.bool("PAYMENT_SIMULATOR_ENABLED", default=DEBUG)
# Codes printed on a SIMPONI bill: ministry, echelon, work unit, revenue account.
SIMPONI_MINISTRY_CODE = env("SIMPONI_MINISTRY_CODE", default="113")
SIMPONI_ECHELON_CODE = env("SIMPONI_ECHELON_CODE", default="06")
SIMPONI_WORK_UNIT_CODE = env("SIMPONI_WORK_UNIT_CODE", default="415422")
SIMPONI_ACCOUNT_CODE = env("SIMPONI_ACCOUNT_CODE", default="425161")
POS_WEBHOOK_SECRET = env("POS_WEBHOOK_SECRET", default="dev-pos-secret")
# Empty: the built-in PT Pos simulator. Otherwise PT Pos's API base URL and key.
POS_API_URL = env("POS_API_URL", default="")
POS_API_KEY = env("POS_API_KEY", default="dev-pos-key")
POS_SIMULATOR_ENABLED = env.bool("POS_SIMULATOR_ENABLED", default=DEBUG)
# Notification channels, in order; SMS and WhatsApp providers plug in behind the same call.
NOTIFICATION_CHANNELS = env.list("NOTIFICATION_CHANNELS", default=["email"])
# How long a sender holds an outbox entry before another may send it again.
NOTIFICATION_LEASE_SECONDS = env.int("NOTIFICATION_LEASE_SECONDS", default=120)
# A passport not collected within this many days is cancelled (DOMAIN.md: one month).
COLLECTION_DAYS = env.int("COLLECTION_DAYS", default=30)
PASSPORT_READY_WORKING_DAYS = env.int("PASSPORT_READY_WORKING_DAYS", default=4)

# --- REST API ------------------------------------------------------------------------------
RATE_LIMITS = env("RATE_LIMITS", default="")
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework_simplejwt.authentication.JWTAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": ["core.json_input.JSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "core.api_errors.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [],
    "DEFAULT_THROTTLE_RATES": {},
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 50,
}
# Tokens are signed with a key of their own: leaking one of SECRET_KEY and this key does not
# give away the other's power (production requires both, distinct, of 32 characters or more).
JWT_SIGNING_KEY = env("JWT_SIGNING_KEY", default="dev-only-jwt-signing-key-not-for-production")
SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=env.int("JWT_ACCESS_MINUTES", default=30)),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=env.int("JWT_REFRESH_DAYS", default=7)),
    "AUTH_HEADER_TYPES": ("Bearer",),
    "SIGNING_KEY": JWT_SIGNING_KEY,
    # Each refresh token is used once (applicants/credentials.py renews and blacklists), and
    # every token carries a digest of the password it was issued under: a changed password
    # ends access tokens at once and refresh tokens by the blacklist.
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "CHECK_REVOKE_TOKEN": True,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "M-Paspor API",
    "DESCRIPTION": "Online passport applications: accounts, applications, documents, "
    "appointments, billing and delivery. Errors are JSON with `code`, `detail` and `fields`.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI served from our own static files: no CDN, works offline and behind firewalls.
    "ENUM_NAME_OVERRIDES": {
        "DocumentKindEnum": "applicants.models.DocumentKind",
        "OfficeKindEnum": "queueing.models.OfficeKind",
        "TrackingStatusEnum": "delivery.models.TrackingStatus",
        "DocumentStatusEnum": "applicants.models.DocumentStatus",
        "ApplicationStatusEnum": "applicants.models.ApplicationStatus",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "core.api_errors.document_errors",
    ],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# --- Celery --------------------------------------------------------------------------------
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
# Without Redis, tasks run in-process so the portal works with no other service.
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 120
# Redis may restart under a running worker: keep reconnecting for as long as it takes, at
# start-up too, and notice a dead connection within seconds rather than hang on it.
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": 5,
    "socket_timeout": 10,
    "socket_keepalive": True,
    "retry_on_timeout": True,
    "health_check_interval": 10,
    "visibility_timeout": 3600,
}
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    "expire-due-bookings": {
        "task": "appointments.tasks.expire_due_bookings",
        "schedule": env.float("SWEEP_INTERVAL_SECONDS", default=60.0),
    },
    "generate-sessions": {"task": "queueing.tasks.generate_sessions", "schedule": 6 * 3600.0},
    # The draws: each window opened (commitment public) and each closed one drawn within a minute.
    "draw-closed-releases": {"task": "appointments.tasks.draw_closed_releases", "schedule": 30.0},
    "offer-waitlist-places": {"task": "appointments.tasks.offer_waitlist_places", "schedule": 60.0},
    "mark-no-shows": {"task": "queueing.tasks.mark_no_shows", "schedule": 15 * 60.0},
    "send-bill-reminders": {"task": "billing.tasks.send_bill_reminders", "schedule": 60.0},
    "poll-shipments": {
        "task": "delivery.tasks.poll_shipments",
        "schedule": env.float("POS_POLL_SECONDS", default=900.0),
    },
    "cancel-uncollected": {"task": "casework.tasks.cancel_uncollected", "schedule": 24 * 3600.0},
    "flush-expired-tokens": {"task": "applicants.tasks.flush_expired_tokens", "schedule": 24 * 3600.0},
    "send-notifications": {
        "task": "core.tasks.send_notifications",
        "schedule": env.float("NOTIFY_INTERVAL_SECONDS", default=10.0),
    },
}

# --- Security defaults that hold in every environment ----------------------------------------
SESSION_COOKIE_HTTPONLY = True
# Every HTML page: scripts and styles only from our own files (the templates have no inline
# script or handler), nothing framed, no plugins. Django's admin and the API docs keep inline
# styles (their own templates use them); documents served to officers get `sandbox` on top.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}
# Browser sessions (core.middleware.SessionTimeoutMiddleware): staff idle out after 15 minutes
# and end after a working day; applicants idle out after 2 hours (forms are long and uploads slow
# on a poor network) and end after 7 days. API tokens have their own lifetimes (SIMPLE_JWT).
STAFF_SESSION_IDLE_SECONDS = env.int("STAFF_SESSION_IDLE_SECONDS", default=15 * 60)
STAFF_SESSION_MAX_SECONDS = env.int("STAFF_SESSION_MAX_SECONDS", default=9 * 3600)
APPLICANT_SESSION_IDLE_SECONDS = env.int("APPLICANT_SESSION_IDLE_SECONDS", default=2 * 3600)
SESSION_COOKIE_AGE = env.int("APPLICANT_SESSION_MAX_SECONDS", default=7 * 24 * 3600)
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"django.request": {"level": "ERROR"}},
}
