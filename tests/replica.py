"""A streaming replica of the suite's PostgreSQL server, for tests that read from one.

.ci/run starts one with `make replica` and names it in TEST_REPLICA_URL; without that,
a test gets a replica of its own from deploy/replica.sh (pg_basebackup) on a free port,
removed afterwards. A replica copies the whole server, so a database made on the
primary (tests/servers.py `shared_database`) appears on it by itself.
"""

import contextlib
import os
import shutil
import subprocess
import tempfile
import time
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest

from .servers import ROOT, free_port, require

SCRIPT = ROOT / "deploy" / "replica.sh"
START_SECONDS = 120
CATCH_UP_SECONDS = 30


def on_database(server_url: str, database_url: str) -> str:
    """server_url with the database name of database_url."""
    name = urlsplit(database_url).path
    return urlunsplit(urlsplit(server_url)._replace(path=name))


@contextlib.contextmanager
def streaming_replica(primary_url: str):
    """Yield the URL of a replica streaming from primary_url's server (its database
    "postgres"); skip without PostgreSQL, fail under CI=true if none starts."""
    if not primary_url.startswith("postgres"):
        pytest.skip("A streaming replica needs the suite to run on PostgreSQL.")
    shared = os.environ.get("TEST_REPLICA_URL", "").strip()
    if shared:
        yield shared
        return
    require(
        shutil.which("pg_basebackup"), "pg_basebackup", "apt-get install postgresql"
    )
    port = free_port()
    # Under /tmp, not pytest's private tmp_path: the postgres user must reach it.
    directory = tempfile.mkdtemp(prefix="gbanews-replica-")
    env = {**os.environ, "PRIMARY_URL": on_database(primary_url, "/postgres")}
    try:
        started = subprocess.run(
            [SCRIPT, "start", directory, str(port)],
            env=env,
            capture_output=True,
            text=True,
            timeout=START_SECONDS,
        )
        if started.returncode:
            output = started.stdout + started.stderr
            if os.environ.get("CI") == "true":
                pytest.fail(f"deploy/replica.sh start failed:\n{output}")
            pytest.skip(f"No streaming replica could be started:\n{output}")
        yield f"postgres://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run([SCRIPT, "stop", directory], env=env, timeout=START_SECONDS)


def wait_until_replayed(primary_url: str, replica_url: str) -> None:
    """Wait until the replica has replayed everything the primary has written."""
    with psycopg.connect(primary_url, autocommit=True) as primary:
        (target,) = primary.execute("SELECT pg_current_wal_insert_lsn()").fetchone()
    deadline = time.monotonic() + CATCH_UP_SECONDS
    while True:
        with contextlib.suppress(psycopg.OperationalError):
            with psycopg.connect(replica_url, autocommit=True) as replica:
                (behind,) = replica.execute(
                    "SELECT pg_last_wal_replay_lsn() < %s::pg_lsn", [target]
                ).fetchone()
                if not behind:
                    return
        if time.monotonic() > deadline:
            raise AssertionError(
                f"{replica_url} has not replayed the primary's WAL up to {target} "
                f"within {CATCH_UP_SECONDS} s"
            )
        time.sleep(0.05)


@contextlib.contextmanager
def replay_paused(replica_url: str):
    """Hold the replica at what it has replayed so far; resume afterwards."""
    with psycopg.connect(replica_url, autocommit=True) as replica:
        # From here no record is replayed: the replica checks the request before
        # each one ("pause requested" becomes "paused" at the next record, which
        # an idle primary may not send for a while; nothing waits for that).
        replica.execute("SELECT pg_wal_replay_pause()")
        try:
            yield
        finally:
            replica.execute("SELECT pg_wal_replay_resume()")
