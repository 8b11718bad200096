"""A real Celery worker, with beat if asked, for tests that span processes.

The worker runs `celery -A gbanews worker` in a session of its own, on the
environment of tests/servers.py `site_env` plus a broker: TEST_BROKER_URL, else db
13 of the local Redis (the suite's cache uses the db of REDIS_URL,
test_database_faults db 14). Each site takes a queue of its own (`CELERY_QUEUE`,
see `queue_env`), so test runs sharing that Redis never take each other's tasks.
"""

import contextlib
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

from .servers import ROOT, require, stop_process

BOOT_SECONDS = 60


def broker_url() -> str:
    return os.environ.get("TEST_BROKER_URL", "").strip() or "redis://127.0.0.1:6379/13"


def queue_env(broker: str) -> dict:
    """The broker settings of one test site: its own, empty, queue on broker."""
    return {"CELERY_BROKER_URL": broker, "CELERY_QUEUE": f"test-{uuid.uuid4().hex}"}


def require_broker(url: str) -> None:
    """Skip (fail under CI) when the broker's Redis does not answer."""
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=2)
    try:
        client.ping()
        up = True
    except redis.RedisError:
        up = False
    finally:
        client.close()
    require(up, f"Redis at {url}", "apt-get install redis-server")


class Worker:
    """`celery worker` (with `-B`, its embedded beat) on env; log in log_path."""

    def __init__(self, env: dict, log_path: Path, *, beat: bool = False):
        self.log_path = log_path
        command = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "gbanews",
            "worker",
            "--loglevel",
            "INFO",
            "--concurrency",
            "2",
            "--hostname",
            f"test-{os.getpid()}-{log_path.stem}@%h",
            "--without-gossip",
            "--without-mingle",
        ]
        if beat:
            command += ["-B", "--schedule", str(log_path.with_suffix(".beat"))]
        with open(log_path, "wb") as log:
            self.process = subprocess.Popen(
                command,
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def wait_until_ready(self) -> None:
        deadline = time.monotonic() + BOOT_SECONDS
        while " ready." not in self.log():
            if self.process.poll() is not None:
                raise RuntimeError(f"the worker exited early:\n{self.log()}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"the worker was not ready in time:\n{self.log()}")
            time.sleep(0.2)

    def stop(self) -> None:
        stop_process(self.process, 20)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


@contextlib.contextmanager
def running_worker(env: dict, log_path: Path, *, beat: bool = False):
    """Yield a worker on env's broker and queue (queue_env), ready."""
    worker = Worker(env, log_path, beat=beat)
    try:
        worker.wait_until_ready()
        yield worker
    finally:
        worker.stop()
