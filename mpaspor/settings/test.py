"""Settings for the test suite: `make test` provides DATABASE_URL (PostgreSQL) and REDIS_URL."""

import os
import tempfile

from .base import *  # noqa: F403
from .base import BASE_DIR, env

if not os.environ.get("DATABASE_URL"):
    raise RuntimeError("The test suite runs against PostgreSQL: start it with `make test`.")

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
PRIVATE_MEDIA_ROOT = env.path("PRIVATE_MEDIA_ROOT", default=tempfile.mkdtemp(prefix="mpaspor-private-"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = tempfile.mkdtemp(prefix="mpaspor-static-")
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Tests switch rate limits on where they test them.
RATE_LIMITS = "off"
