"""Settings for the test suite: `make test` provides DATABASE_URL (PostgreSQL) and REDIS_URL."""

import atexit
import os
import shutil
import tempfile
from pathlib import Path

# Under pytest-xdist each worker has its own test database (pytest-django) and, here, its own
# Redis database: caches, rate limits and the Celery broker of one worker never meet another's.
_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
if _WORKER.startswith("gw") and os.environ.get("REDIS_URL"):
    _base, _, _number = os.environ["REDIS_URL"].rpartition("/")
    os.environ["REDIS_URL"] = f"{_base}/{int(_number or 0) + 1 + int(_WORKER[2:])}"

from .base import *  # noqa: E402, F403
from .base import BASE_DIR  # noqa: E402

if not os.environ.get("DATABASE_URL"):
    raise RuntimeError("The test suite runs against PostgreSQL: start it with `make test`.")


def _scratch_folder(variable: str) -> str:
    """The folder named by `variable` (`make test` points it into its run folder and removes
    that afterwards), else a temporary one that this process removes when it exits."""
    if os.environ.get(variable):
        return os.environ[variable]
    path = tempfile.mkdtemp(prefix=f"mpaspor-{variable.lower()}-")
    atexit.register(shutil.rmtree, path, ignore_errors=True)
    return path


PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
PRIVATE_MEDIA_ROOT = Path(_scratch_folder("PRIVATE_MEDIA_ROOT"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = _scratch_folder("STATIC_ROOT")
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Tests switch rate limits on where they test them.
RATE_LIMITS = "off"
# Django's test flush empties every table with TRUNCATE, which the audit log refuses unless the
# connection says so (core/migrations/0004); the portal's own settings never do.
DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c mpaspor.audit_truncate=allowed"  # noqa: F405
