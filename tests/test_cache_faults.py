"""A failing cache costs readers speed, never a page (articles/shared_cache.py).

In process: a cache that refuses connections. Across processes: a real Redis,
paused with SIGSTOP under load, so that every call to it hangs until its timeout.
"""

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.cache import caches

from .servers import (
    free_port,
    manage,
    require,
    running_servers,
    shared_database,
    site_env,
)

UNREACHABLE = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.25, "SOCKET_TIMEOUT": 0.25},
    },
    "local": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "test-local",
    },
}
WORKING = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


def outage_warnings(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if "unavailable" in r.getMessage()]


def test_healthz_says_the_cache_is_degraded(client, settings, db):
    settings.CACHES = UNREACHABLE
    started = time.monotonic()
    response = client.get("/healthz")
    assert time.monotonic() - started < 1
    assert response.status_code == 200
    assert response.json() == {"status": "degraded", "database": "ok", "cache": "error"}


def test_pages_render_and_the_outage_is_logged_once(client, settings, article, caplog):
    settings.CACHES = UNREACHABLE
    settings.PAGE_CACHE_SECONDS = 300
    caches["local"].clear()
    for attempt in range(3):
        for url in ("/", "/category/innovation/", article.get_absolute_url()):
            response = client.get(url)
            assert response.status_code == 200, url
            assert article.title in response.content.decode(), url
            # Kept in the process's own memory meanwhile, checked against the stamps.
            assert response.headers["X-Page-Cache"] == (
                "miss" if attempt == 0 else "hit"
            )
    assert len(outage_warnings(caplog)) == 1, outage_warnings(caplog)


def test_an_edit_shows_while_the_shared_cache_fails(client, settings, article):
    settings.CACHES = UNREACHABLE
    settings.PAGE_CACHE_SECONDS = 300
    caches["local"].clear()
    url = article.get_absolute_url()
    client.get(url)
    assert client.get(url).headers["X-Page-Cache"] == "hit"  # kept locally
    article.title = "Edited during the outage"
    article.save()
    response = client.get(url)
    assert response.headers["X-Page-Cache"] == "miss"
    assert "Edited during the outage" in response.content.decode()


def test_the_cache_is_used_again_once_it_answers(client, settings, article, caplog):
    # Long enough for the three requests below on a loaded machine.
    settings.CACHE_RETRY_SECONDS = 1
    settings.PAGE_CACHE_SECONDS = 300
    settings.CACHES = UNREACHABLE
    url = article.get_absolute_url()
    assert client.get(url).status_code == 200
    settings.CACHES = WORKING
    # Skipped until the retry is due: nothing is stored.
    assert client.get(url).headers["X-Page-Cache"] == "miss"
    assert client.get(url).headers["X-Page-Cache"] == "miss"
    time.sleep(1.1)
    assert client.get(url).headers["X-Page-Cache"] == "miss"
    assert client.get(url).headers["X-Page-Cache"] == "hit"
    assert "Cache reachable again" in caplog.text


# Across processes, with a Redis of the test's own that it can pause.

PAGES = ["/", "/category/innovation/", "/feed/", "/search/?q=shenzhen"]


@contextlib.contextmanager
def private_redis(tmp_path):
    binary = shutil.which("redis-server")
    require(binary, "redis-server", "apt-get install redis-server")
    port = free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", ""]
        + ["--appendonly", "no", "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            with contextlib.suppress(OSError):
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            if time.monotonic() > deadline:
                raise RuntimeError("redis-server did not start")
            time.sleep(0.05)
        yield process, f"redis://127.0.0.1:{port}/0"
    finally:
        os.kill(process.pid, signal.SIGCONT)
        process.terminate()
        process.wait(timeout=10)


def hammer(server, seconds: float) -> list:
    """GET the pages from 4 clients for seconds; return every response."""
    deadline = time.monotonic() + seconds

    def client(offset):
        responses = []
        while time.monotonic() < deadline:
            path = PAGES[(len(responses) + offset) % len(PAGES)]
            responses.append(server.fetch(path))
        return responses

    with ThreadPoolExecutor(4) as pool:
        return [r for batch in pool.map(client, range(4)) for r in batch]


@pytest.mark.processes
def test_a_hung_redis_costs_readers_no_page(tmp_path):
    with contextlib.ExitStack() as stack:
        redis, redis_url = stack.enter_context(private_redis(tmp_path))
        database_url = stack.enter_context(shared_database(tmp_path))
        env = site_env(database_url, tmp_path / "static", redis_url)
        env.update(CACHE_RETRY_SECONDS="1", CACHE_SOCKET_TIMEOUT="0.25")
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "collectstatic", "--noinput", "-v0")
        manage(env, "load_demo", "-v0")
        (server,) = stack.enter_context(running_servers(env, tmp_path, 1))
        before = hammer(server, 1)
        assert {r.status for r in before} == {200}
        assert any(r.page_cache == "hit" for r in before)

        os.kill(redis.pid, signal.SIGSTOP)
        during = hammer(server, 3)
        started = time.monotonic()
        health = server.fetch("/healthz")
        health_seconds = time.monotonic() - started
        os.kill(redis.pid, signal.SIGCONT)

        errors = [r.describe() for r in during if r.status != 200]
        assert not errors, errors
        assert len(during) > 12  # pages kept coming, not one per timeout
        assert health.status == 200 and '"degraded"' in health.body, health.body
        assert health_seconds < 1
        # Meanwhile each worker kept pages in its own memory.
        assert any(r.page_cache == "hit" for r in during)
        # Redis is back in use within seconds of answering again.
        deadline = time.monotonic() + 10
        while "Cache reachable again" not in server.log():
            assert time.monotonic() < deadline, "the cache was not used again"
            hammer(server, 0.5)
