"""Production settings fail closed: a missing or weak value stops the boot and names the variable.

Each case boots a fresh Python (the settings read the environment once, at import), so these
tests need no database and change nothing in the test process.
"""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PRODUCTION = "mpaspor.settings.production"
UNDER_TEST = (
    "DJANGO_SETTINGS_MODULE",
    "DJANGO_SECRET_KEY",
    "JWT_SIGNING_KEY",
    "PAYMENT_WEBHOOK_SECRET",
    "POS_WEBHOOK_SECRET",
    "ALLOWED_HOSTS",
    "DATABASE_URL",
    "REDIS_URL",
    "DATABASE_POOLER",
    "EMAIL_BACKEND",
    "EMAIL_HOST",
    "EMAIL_USE_TLS",
    "EMAIL_USE_SSL",
    "SITE_URL",
    "POS_API_URL",
    "POS_API_KEY",
    "DEBUG",
    "SECURE_COOKIES",
    # The browser tests' conftest sets this for the whole test process; a deployment never does.
    "DJANGO_ALLOW_ASYNC_UNSAFE",
)


def _secret() -> str:
    return secrets.token_urlsafe(48)


@pytest.fixture
def valid_env(tmp_path):
    """A complete production environment (without DJANGO_SETTINGS_MODULE)."""
    env = {name: value for name, value in os.environ.items() if name not in UNDER_TEST}
    env.update(
        DJANGO_SECRET_KEY=_secret(),
        JWT_SIGNING_KEY=_secret(),
        PAYMENT_WEBHOOK_SECRET=_secret(),
        POS_WEBHOOK_SECRET=_secret(),
        ALLOWED_HOSTS="mpaspor.example.go.id",
        # Never opened: a refused boot or command must not reach a database.
        DATABASE_URL=f"sqlite:///{tmp_path / 'never-created.sqlite3'}",
        REDIS_URL="redis://127.0.0.1:1/0",
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="smtp.example.go.id",
        SITE_URL="https://mpaspor.example.go.id",
        POS_API_URL="https://api.posindonesia.example/v1",
        POS_API_KEY="issued-by-pt-pos",
        STATIC_ROOT=str(tmp_path / "static"),
        PRIVATE_MEDIA_ROOT=str(tmp_path / "private"),
    )
    return env


def _run(args, env, settings_module=PRODUCTION):
    if settings_module:
        env = {**env, "DJANGO_SETTINGS_MODULE": settings_module}
    return subprocess.run([sys.executable, *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=60)


BOOT = [
    "-c",
    "import django; django.setup(); from django.conf import settings as s;"
    "print(s.SETTINGS_MODULE, s.DEBUG, s.SIMPLE_JWT['SIGNING_KEY'] == s.JWT_SIGNING_KEY != s.SECRET_KEY,"
    " s.PAYMENT_SIMULATOR_ENABLED, s.POS_SIMULATOR_ENABLED, s.CELERY_TASK_ALWAYS_EAGER)",
]


def test_a_complete_environment_boots_and_passes_the_deployment_checks(valid_env):
    booted = _run(BOOT, valid_env)
    assert booted.returncode == 0, booted.stderr
    assert booted.stdout.split() == [PRODUCTION, "False", "True", "False", "False", "False"]
    checked = _run(["manage.py", "check", "--deploy", "--fail-level", "ERROR"], valid_env)
    assert checked.returncode == 0, checked.stderr
    assert "security.W009" not in checked.stderr  # the secret key is long and random enough


def test_loopback_installs_may_use_plain_http(valid_env):
    valid_env.update(SITE_URL="http://127.0.0.1:8123", POS_API_URL="http://localhost:9/pt-pos")
    booted = _run(BOOT, valid_env)
    assert booted.returncode == 0, booted.stderr


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("DJANGO_SECRET_KEY", None, "DJANGO_SECRET_KEY must be set"),
        ("DJANGO_SECRET_KEY", "x" * 31, "DJANGO_SECRET_KEY must be at least 32 characters"),
        ("DJANGO_SECRET_KEY", "dev-only-insecure-key-change-me-0123456789abcdef", "DJANGO_SECRET_KEY looks like"),
        ("JWT_SIGNING_KEY", None, "JWT_SIGNING_KEY must be set"),
        ("JWT_SIGNING_KEY", "=DJANGO_SECRET_KEY", "must differ from JWT_SIGNING_KEY"),
        ("PAYMENT_WEBHOOK_SECRET", "short-payment-secret", "PAYMENT_WEBHOOK_SECRET must be at least 32"),
        ("POS_WEBHOOK_SECRET", "dev-pos-secret", "POS_WEBHOOK_SECRET must be at least 32"),
        ("DEBUG", "1", "DEBUG must be off"),
        ("EMAIL_BACKEND", None, "EMAIL_BACKEND must be set"),
        ("EMAIL_HOST", None, "EMAIL_HOST must be set"),
        ("REDIS_URL", None, "REDIS_URL must be set"),
        ("SITE_URL", "http://mpaspor.example.go.id", "SITE_URL must use https://"),
        ("SITE_URL", "mpaspor.example.go.id", "SITE_URL must be an https:// URL"),
        ("POS_API_URL", None, "POS_API_URL must be set"),
        ("POS_API_URL", "http://api.posindonesia.example/v1", "POS_API_URL must use https://"),
        ("POS_API_KEY", None, "POS_API_KEY must be set"),
    ],
)
def test_a_missing_or_weak_value_stops_the_boot_and_names_the_variable(valid_env, variable, value, message):
    if value is None:
        del valid_env[variable]
    elif value.startswith("="):
        valid_env[variable] = valid_env[value[1:]]
    else:
        valid_env[variable] = value
    booted = _run(BOOT, valid_env)
    assert booted.returncode != 0
    assert "ImproperlyConfigured" in booted.stderr and message in booted.stderr, booted.stderr[-2000:]
    if variable.endswith(("_KEY", "_SECRET")) and value and not value.startswith("="):
        assert value not in booted.stderr  # a refused secret is not echoed into the logs


def test_cookies_carry_the_host_prefix_whenever_they_are_secure(valid_env):
    script = [
        "-c",
        "import django; django.setup(); from django.conf import settings as s;"
        "print(s.SESSION_COOKIE_NAME, s.CSRF_COOKIE_NAME, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE)",
    ]
    secure = _run(script, valid_env)
    assert secure.stdout.split() == ["__Host-sessionid", "__Host-csrftoken", "True", "True"], secure.stderr
    loopback = _run(script, {**valid_env, "SECURE_COOKIES": "false"})
    assert loopback.stdout.split() == ["sessionid", "csrftoken", "False", "False"], loopback.stderr


@pytest.mark.parametrize("module", ["mpaspor.wsgi", "mpaspor.asgi", "mpaspor.celery"])
def test_servers_and_workers_default_to_production(valid_env, module):
    script = f"import {module}; from django.conf import settings; print(settings.SETTINGS_MODULE)"
    started = _run(["-c", script], valid_env, settings_module=None)
    assert started.returncode == 0, started.stderr
    assert started.stdout.strip() == PRODUCTION


def test_seed_demo_refuses_production_and_writes_nothing(valid_env, tmp_path):
    refused = _run(["manage.py", "seed_demo"], valid_env)
    assert refused.returncode != 0
    assert "seed_demo refused" in refused.stderr and PRODUCTION in refused.stderr, refused.stderr
    assert "Demo data ready" not in refused.stdout
    assert not (tmp_path / "never-created.sqlite3").exists()


POOLER = [
    "-c",
    "import django; django.setup(); from django.conf import settings as s;"
    "print(s.DATABASES['default'].get('DISABLE_SERVER_SIDE_CURSORS', False))",
]


@pytest.mark.parametrize(("pooler", "disabled"), [(None, "False"), ("pgbouncer-transaction", "True")])
def test_behind_pgbouncer_in_transaction_mode_there_are_no_server_side_cursors(valid_env, pooler, disabled):
    valid_env["DATABASE_URL"] = "postgres://portal@db.example.go.id:6432/mpaspor"  # never opened
    if pooler:
        valid_env["DATABASE_POOLER"] = pooler
    booted = _run(POOLER, valid_env)
    assert booted.returncode == 0, booted.stderr
    assert booted.stdout.split() == [disabled]


def test_an_unknown_database_pooler_stops_the_boot(valid_env):
    valid_env["DATABASE_POOLER"] = "pgbouncer-statement"
    booted = _run(POOLER, valid_env)
    assert booted.returncode != 0
    assert "DATABASE_POOLER must be one of" in booted.stderr
