"""Real gunicorn servers on a database of their own, for tests that span processes.

Each server runs the production settings (debug off, manifest-ready static files,
the page cache on) with two sync workers, as bench/run.py starts it, behind
tests/pid_wsgi.py so that every response names the worker that made it. The
database is a SQLite file or, when the suite runs on PostgreSQL, a throwaway
database beside the test database; `manage.py` subprocesses prepare it and write
to it, as an editor's shell or a cron job would.
"""

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from email.message import Message
from pathlib import Path
from typing import NamedTuple
from urllib.parse import urlsplit, urlunsplit

import pytest

ROOT = Path(__file__).resolve().parent.parent
WORKERS = 2
SECRET_KEY = "processes-test-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"
BOOT_SECONDS = 60
MANAGE_SECONDS = 120


class Response(NamedTuple):
    server: str
    path: str
    pid: int
    status: int
    headers: Message
    body: str

    @property
    def page_cache(self) -> str:
        return self.headers.get("X-Page-Cache", "absent")

    def describe(self) -> str:
        where = f"{self.server}{self.path} from worker {self.pid}"
        return f"{where}: {self.status}, X-Page-Cache {self.page_cache}"


class NoRedirects(urllib.request.HTTPRedirectHandler):
    """Report a redirect as the response it is: it names the worker that sent it."""

    def redirect_request(self, *args, **kwargs):
        return None


# No proxy from the environment: the servers are on this machine.
_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), NoRedirects)


def free_ports(count: int) -> list[int]:
    """Ports of 127.0.0.1 nothing listens on now; held together so that they differ."""
    with contextlib.ExitStack() as stack:
        sockets = [
            stack.enter_context(socket.create_server(("127.0.0.1", 0)))
            for _ in range(count)
        ]
        return [sock.getsockname()[1] for sock in sockets]


def free_port() -> int:
    return free_ports(1)[0]


def site_env(database_url: str, static_root: Path, redis_url: str = "") -> dict:
    """The environment of a production process on this database (and Redis)."""
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in ("DATABASE_URL", "DATABASE_REPLICA_URL", "REDIS_URL")
        and not name.startswith(("DJANGO_", "GUNICORN_", "PYTEST_"))
    }
    env.update(
        DATABASE_URL=database_url,
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=SECRET_KEY,
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_STATIC_ROOT=str(static_root),
        DJANGO_LOG_LEVEL="WARNING",
        PAGE_CACHE_SECONDS="300",
        # Pages showing a "most read" list end with its clock-aligned period: a
        # period of years keeps which page is cached off the clock.
        MOST_READ_SECONDS=str(10**9),
    )
    if redis_url:
        env["REDIS_URL"] = redis_url
    return env


def manage(env: dict, *args: str) -> str:
    """Run manage.py in a process of its own; return its output."""
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=MANAGE_SECONDS,
    )
    if result.returncode:
        command = " ".join(args)
        raise RuntimeError(
            f"manage.py {command} exited with {result.returncode}:\n"
            f"{result.stdout}{result.stderr}"
        )
    return result.stdout


def shell_json(env: dict, code: str):
    """Run code in `manage.py shell`; return what its last line printed, as JSON."""
    output = manage(env, "shell", "--no-imports", "-c", code)
    return json.loads(output.strip().splitlines()[-1])


@contextlib.contextmanager
def shared_database(tmp_path: Path, suffix: str = "_procs"):
    """Yield the URL of a database for separate processes, not the suite's own.

    A SQLite file under tmp_path; on PostgreSQL (DATABASE_URL), a database named
    after the suite's test database with suffix added, dropped afterwards.
    """
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        yield "sqlite:///" + str(tmp_path / "site.sqlite3")
        return
    name = "test_" + urlsplit(url).path.lstrip("/") + suffix
    with postgres_database(url, name) as database_url:
        yield database_url


@contextlib.contextmanager
def postgres_database(server_url: str, name: str):
    """Yield the URL of a new, empty database on the server; drop it afterwards."""
    import psycopg

    maintenance = urlunsplit(urlsplit(server_url)._replace(path="/postgres"))

    def drop(conn):
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    with psycopg.connect(maintenance, autocommit=True) as conn:
        drop(conn)  # left over from an interrupted run
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(urlsplit(server_url)._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(maintenance, autocommit=True) as conn:
            drop(conn)


def flush_redis(url: str) -> None:
    import redis

    client = redis.Redis.from_url(url)
    try:
        client.flushdb()
    finally:
        client.close()


def require(found, program: str, install: str) -> None:
    """Skip a test whose program is missing; under CI=true, fail it instead."""
    if found:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"{program} is missing; .ci/run installs it ({install}).")
    pytest.skip(f"{program} is not installed ({install}).")


def stop_process(process: subprocess.Popen, seconds: float) -> None:
    """Terminate a server started in a session of its own; kill its group if slow."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


class Server:
    """gunicorn with WORKERS sync workers on a free port of 127.0.0.1.

    headers go with every request the test makes, as a proxy in front would add
    them (X-Forwarded-Proto when the site redirects plain HTTP).
    """

    def __init__(self, env: dict, log_path: Path, headers: dict | None = None):
        # gunicorn takes over a socket bound here, so no other program can take
        # the port between choosing it and serving on it.
        listener = socket.create_server(("127.0.0.1", 0))
        port = listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        self.log_path = log_path
        self.headers = headers or {}
        with listener, open(log_path, "wb") as log:
            fd = listener.fileno()
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "tests.pid_wsgi:application",
                    "--bind",
                    f"fd://{fd}",
                    "--workers",
                    str(WORKERS),
                    "--worker-class",
                    "sync",
                    # The default control socket is one path per user: servers
                    # running side by side would take it from each other.
                    "--no-control-socket",
                ],
                cwd=ROOT,
                env=env,
                pass_fds=[fd],
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def fetch(self, path: str) -> Response:
        """GET path on a connection of its own, so any worker may take it."""
        request = urllib.request.Request(
            self.url + path, headers={**self.headers, "Connection": "close"}
        )
        try:
            with _opener.open(request, timeout=10) as answer:
                status, headers, body = answer.status, answer.headers, answer.read()
        except urllib.error.HTTPError as error:
            status, headers, body = error.code, error.headers, error.read()
        pid = int(headers.get("X-Worker-Pid", 0))
        return Response(self.url, path, pid, status, headers, body.decode())

    def wait_until_ready(self) -> None:
        """Wait until every worker has answered /healthz with 200."""
        deadline, ready, last_error = time.monotonic() + BOOT_SECONDS, set(), None
        while len(ready) < WORKERS:
            if self.process.poll() is not None:
                log = self.log()
                raise RuntimeError(f"gunicorn exited early:\n{log}")
            if time.monotonic() > deadline:
                url, answered, log = self.url, len(ready), self.log()
                raise RuntimeError(
                    f"{url}: {answered} of {WORKERS} workers answered /healthz within "
                    f"{BOOT_SECONDS} s (last error: {last_error}):\n{log}"
                )
            try:
                response = self.fetch("/healthz")
            except OSError as error:
                last_error = error
                time.sleep(0.1)
                continue
            if response.status == 200:
                ready.add(response.pid)
            else:
                last_error = response.describe()

    def stop(self) -> None:
        """Stop the master and its workers; kill them if they do not stop in time."""
        stop_process(self.process, 15)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:]


@contextlib.contextmanager
def running_servers(env: dict, log_dir: Path, count: int):
    """Yield count servers on env's database, ready on every worker; stop them all."""
    with contextlib.ExitStack() as stack:
        servers = []
        for number in range(1, count + 1):
            server = Server(env, log_dir / f"gunicorn-{number}.log")
            stack.callback(server.stop)
            servers.append(server)
        for server in servers:
            server.wait_until_ready()
        yield servers


def fetch_from_every_worker(
    server: Server, path: str, attempts: int = 200, seconds: float = 20
) -> dict[int, list[Response]]:
    """GET path until each of the server's workers has answered; group by worker pid.

    Every response is kept, so a check covers every request made, not only the
    first of each worker.
    """
    by_pid: dict[int, list[Response]] = {}
    deadline = time.monotonic() + seconds
    # Requests go out WORKERS at a time: a worker busy with one leaves the next to
    # another, where one-at-a-time requests could all go to the quickest worker.
    with ThreadPoolExecutor(WORKERS) as pool:
        for _ in range(attempts // WORKERS):
            for response in pool.map(server.fetch, [path] * WORKERS):
                by_pid.setdefault(response.pid, []).append(response)
            if len(by_pid) >= WORKERS:
                return by_pid
            if time.monotonic() > deadline:
                break
    url, made = server.url, sum(len(responses) for responses in by_pid.values())
    pids = sorted(by_pid)
    raise AssertionError(
        f"{url}{path}: {made} requests in {seconds} s at most reached only "
        f"workers {pids}, not all {WORKERS}"
    )


class Site:
    """Servers sharing one database, and a way to write to it from another process."""

    def __init__(self, env: dict, servers: list[Server]):
        self.env, self.servers = env, servers

    def shell(self, code: str) -> None:
        """Run code in `manage.py shell`: a process apart from every server."""
        manage(self.env, "shell", "--no-imports", "-c", code)

    def everywhere(self, path: str) -> list[Response]:
        """GET path until every worker of every server has answered; return all."""
        return [
            response
            for server in self.servers
            for responses in fetch_from_every_worker(server, path).values()
            for response in responses
        ]

    def warm(self, *paths: str) -> None:
        """Have every worker hold each page in its page cache, and check it does."""
        for path in paths:
            self.everywhere(path)
            unserved = [
                response.describe()
                for response in self.everywhere(path)
                if response.status != 200 or response.page_cache != "hit"
            ]
            if unserved:
                raise AssertionError(
                    "Not served from the page cache after warming:\n"
                    + "\n".join(unserved)
                )
