"""A real Celery worker with beat, on the test database and the test Redis."""

import os
import subprocess
import sys
import threading
import time

import pytest
from django.conf import settings
from django.db import connection


def _database_url() -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


@pytest.fixture
def celery_worker(transactional_db, tmp_path):
    """Start `celery worker -B` and yield once it is ready; stop it afterwards."""
    if not settings.REDIS_URL:
        pytest.fail("integration tests need REDIS_URL (run them with `make test`)")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "mpaspor.settings.test",
        "DATABASE_URL": _database_url(),
        "PRIVATE_MEDIA_ROOT": str(settings.PRIVATE_MEDIA_ROOT),
        "SWEEP_INTERVAL_SECONDS": "1",
        "CONN_MAX_AGE": "0",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "mpaspor", "worker", "--beat", "--pool=solo", "--loglevel=INFO",
         "--schedule", str(tmp_path / "beat-schedule"), "--without-mingle", "--without-gossip", "--without-heartbeat"],
        cwd=settings.BASE_DIR, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    ready = threading.Event()
    lines: list[str] = []

    def read():
        for line in process.stdout:
            lines.append(line)
            if " ready." in line:
                ready.set()

    threading.Thread(target=read, daemon=True).start()
    if not ready.wait(60):
        process.kill()
        pytest.fail("the Celery worker did not start:\n" + "".join(lines[-40:]))
    yield lines
    process.terminate()
    try:
        process.wait(20)
    except subprocess.TimeoutExpired:
        process.kill()


def wait_for(predicate, timeout=30.0, every=0.25):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(every)
    return False
