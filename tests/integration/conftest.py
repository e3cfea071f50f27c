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


def start_worker(tmp_path, redis_url: str, *, production_like: bool = False):
    """Start `celery worker -B` on this Redis; return (process, log lines) once it is ready.

    `production_like` runs it as in production (a prefork pool, mingle, gossip and
    heartbeats on) instead of the quickest worker to start."""
    quick = ["--pool=solo", "--without-mingle", "--without-gossip", "--without-heartbeat"]
    pool = ["--pool=prefork", "--concurrency=1"] if production_like else quick
    env = {
        # Not PYTEST_XDIST_WORKER: the URL below is this worker's Redis already; the settings
        # would move it once more.
        **{name: value for name, value in os.environ.items() if name != "PYTEST_XDIST_WORKER"},
        "DJANGO_SETTINGS_MODULE": "mpaspor.settings.test",
        "DATABASE_URL": _database_url(),
        "REDIS_URL": redis_url,
        "PRIVATE_MEDIA_ROOT": str(settings.PRIVATE_MEDIA_ROOT),
        "SWEEP_INTERVAL_SECONDS": "1",
        "CONN_MAX_AGE": "0",
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "mpaspor",
            "worker",
            "--beat",
            "--loglevel=INFO",
            "--schedule",
            str(tmp_path / "beat-schedule"),
            *pool,
        ],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
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
    return process, lines


def stop_worker(process) -> None:
    process.terminate()
    try:
        process.wait(20)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.fixture
def celery_worker(transactional_db, tmp_path):
    """A worker with beat on the suite's Redis; yields its log lines."""
    if not settings.REDIS_URL:
        pytest.fail("integration tests need REDIS_URL (run them with `make test`)")
    process, lines = start_worker(tmp_path, settings.REDIS_URL)
    yield lines
    stop_worker(process)


class PrivateRedis:
    """A redis-server of the test's own, so that stopping it disturbs nobody else."""

    def __init__(self, directory):
        import socket

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.directory = directory
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        subprocess.run(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.directory),
                "--daemonize",
                "yes",
                "--pidfile",
                str(self.directory / "redis.pid"),
            ],
            check=True,
            capture_output=True,
        )
        assert wait_for(self.ping, timeout=10), "redis-server did not start"

    def ping(self) -> bool:
        result = subprocess.run(["redis-cli", "-p", str(self.port), "ping"], capture_output=True, text=True)
        return result.stdout.strip() == "PONG"

    def stop(self) -> None:
        subprocess.run(["redis-cli", "-p", str(self.port), "shutdown", "nosave"], capture_output=True)
        assert wait_for(lambda: not self.ping(), timeout=10), "redis-server did not stop"


@pytest.fixture
def private_redis(tmp_path):
    redis = PrivateRedis(tmp_path)
    redis.start()
    yield redis
    redis.stop()


def wait_for(predicate, timeout=30.0, every=0.25):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(every)
    return False
