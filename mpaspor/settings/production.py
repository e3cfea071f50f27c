"""Production: every secret and every partner's address must come from the environment, and
each is checked here. A missing or weak value stops the process at boot (ImproperlyConfigured,
naming the variable) instead of leaving the portal running on a development default."""

from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env

# http is accepted only for these hosts: the black-box and bench installs run on loopback.
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
MIN_SECRET_LENGTH = 32
# Prefixes of the development defaults (base.py) and of Django's generated throwaway keys.
_DEVELOPMENT_PREFIXES = ("dev-only", "django-insecure-")


def _refuse(variable: str, problem: str) -> None:
    raise ImproperlyConfigured(f"Production settings: {variable} {problem}.")


def _required(variable: str) -> str:
    value = env.str(variable, default="").strip()
    if not value:
        _refuse(variable, "must be set in the environment")
    return value


def _secret(variable: str) -> str:
    value = _required(variable)
    if len(value) < MIN_SECRET_LENGTH:
        _refuse(variable, f"must be at least {MIN_SECRET_LENGTH} characters long (it has {len(value)})")
    if value.lower().startswith(_DEVELOPMENT_PREFIXES):
        _refuse(variable, "looks like a development default; generate a random value")
    return value


def _address(variable: str) -> str:
    """An https URL; plain http only to a loopback host."""
    value = _required(variable)
    try:
        parts = urlsplit(value)
        scheme, host = parts.scheme, parts.hostname
    except ValueError:
        scheme, host = "", None
    if not host or scheme not in ("https", "http"):
        _refuse(variable, "must be an https:// URL with a host")
    if scheme == "http" and host not in LOOPBACK_HOSTS:
        _refuse(variable, f"must use https:// (plain http is allowed only on loopback, not on {host!r})")
    return value


if env.bool("DEBUG", default=False):
    _refuse("DEBUG", "must be off: production never runs in debug mode")
DEBUG = False

SECRET_KEY = _secret("DJANGO_SECRET_KEY")
# API tokens are signed with a key of their own, so that neither key gives away the other.
JWT_SIGNING_KEY = _secret("JWT_SIGNING_KEY")
PAYMENT_WEBHOOK_SECRET = _secret("PAYMENT_WEBHOOK_SECRET")
POS_WEBHOOK_SECRET = _secret("POS_WEBHOOK_SECRET")
_secrets = {
    "DJANGO_SECRET_KEY": SECRET_KEY,
    "JWT_SIGNING_KEY": JWT_SIGNING_KEY,
    "PAYMENT_WEBHOOK_SECRET": PAYMENT_WEBHOOK_SECRET,
    "POS_WEBHOOK_SECRET": POS_WEBHOOK_SECRET,
}
for _name, _value in _secrets.items():
    for _other, _other_value in _secrets.items():
        if _name < _other and _value == _other_value:
            _refuse(_name, f"must differ from {_other}: every key has its own value")
SIMPLE_JWT = {**SIMPLE_JWT, "SIGNING_KEY": JWT_SIGNING_KEY}  # noqa: F405

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
DATABASES = {"default": env.db("DATABASE_URL")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"] = pooled(DATABASES["default"])  # noqa: F405 - DATABASE_POOLER, base.py

# base.py builds the caches and the Celery broker from REDIS_URL; without it tasks would run
# inside web requests and rate limits would count per process.
REDIS_URL = _required("REDIS_URL")
if urlsplit(REDIS_URL).scheme not in ("redis", "rediss", "unix"):
    _refuse("REDIS_URL", "must be a redis://, rediss:// or unix:// URL")
EMAIL_BACKEND = _required("EMAIL_BACKEND")
# The SMTP relay (base.py reads none of these): named explicitly, TLS unless the operator says no.
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_USE_SSL = env.bool("EMAIL_USE_SSL", default=False)
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=not EMAIL_USE_SSL)
EMAIL_PORT = env.int("EMAIL_PORT", default=465 if EMAIL_USE_SSL else 587)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
if EMAIL_BACKEND == "django.core.mail.backends.smtp.EmailBackend":
    EMAIL_HOST = _required("EMAIL_HOST")
    if EMAIL_USE_SSL and EMAIL_USE_TLS:
        _refuse("EMAIL_USE_TLS", "and EMAIL_USE_SSL cannot both be on")
SITE_URL = _address("SITE_URL")
# The simulator is off in production: PT Pos's real endpoint and the key it issued.
POS_API_URL = _address("POS_API_URL")
POS_API_KEY = _required("POS_API_KEY")
if POS_API_KEY == "dev-pos-key":
    _refuse("POS_API_KEY", "is the development default; use the key PT Pos issued")

SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=True)
CSRF_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=True)
if SESSION_COOKIE_SECURE:
    # The __Host- prefix makes browsers refuse the cookie unless it is Secure, for the whole
    # site and set by this host itself (no Domain): a sibling subdomain cannot plant one.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    LANGUAGE_COOKIE_SECURE = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
# HSTS is sent over https only; a year, subdomains included, unless the operator says otherwise.
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=365 * 24 * 3600)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
PAYMENT_SIMULATOR_ENABLED = False
POS_SIMULATOR_ENABLED = False
# `manage.py seed_demo` (well-known passwords) refuses to run with these settings.
DEMO_DATA_ALLOWED = False
