"""While the database is unreachable, readers get stored pages or a readable 503.

Real servers (tests/servers.py) lose their database for real: on SQLite its folder
is moved away (each request opens the file anew, DJANGO_CONN_MAX_AGE=0); on
PostgreSQL the database stops accepting connections and its sessions are ended,
as in a restart.
"""

import contextlib
import os
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from .servers import (
    Site,
    manage,
    running_servers,
    shared_database,
    site_env,
)

pytestmark = pytest.mark.processes

CACHED = ["/", "/category/innovation/"]
NOT_CACHED = "/tag/shenzhen/"


@contextlib.contextmanager
def database_down(database_url: str):
    """Make the database unreachable for the servers; bring it back afterwards."""
    if database_url.startswith("sqlite"):
        folder = Path(urlsplit(database_url).path).parent
        away = folder.with_name("database-away")
        folder.rename(away)
        try:
            yield
        finally:
            away.rename(folder)
        return
    import psycopg

    name = urlsplit(database_url).path.lstrip("/")
    maintenance = urlunsplit(urlsplit(database_url)._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as conn:
        conn.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
        conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
            [name],
        )
        try:
            yield
        finally:
            conn.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("database-faults")
    with contextlib.ExitStack() as stack:
        # On SQLite, a folder of its own to move away.
        (tmp_path / "database").mkdir()
        database_url = stack.enter_context(
            shared_database(tmp_path / "database", "_down")
        )
        redis_url = os.environ.get("REDIS_URL", "").strip()
        env = site_env(database_url, tmp_path / "static", redis_url)
        env["DJANGO_CONN_MAX_AGE"] = "0"
        if redis_url:
            # A Redis database of this test's own, emptied first.
            env["REDIS_URL"] = urlunsplit(urlsplit(redis_url)._replace(path="/14"))
            manage(
                env, "shell", "-c", "from django.core.cache import cache; cache.clear()"
            )
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "collectstatic", "--noinput", "-v0")
        manage(env, "load_demo", "-v0")
        site = Site(env, stack.enter_context(running_servers(env, tmp_path, 1)))
        site.database_url = database_url
        yield site


def test_readers_get_stored_pages_or_a_503_and_never_a_500(site):
    site.warm(*CACHED)
    with database_down(site.database_url):
        # Past STAMP_CACHE_SECONDS: with Redis, stamps are read from the database.
        time.sleep(2.5)
        for path in CACHED:
            for response in site.everywhere(path):
                assert response.status == 200, response.describe()
                assert response.page_cache == "stale", response.describe()
        for response in site.everywhere(NOT_CACHED):
            assert response.status == 503, response.describe()
            assert response.headers["Retry-After"] == "30"
            assert "Back in a moment" in response.body
            assert "Traceback" not in response.body
        health = site.servers[0].fetch("/healthz")
        assert health.status == 503
        assert '"database": "error"' in health.body
    for path in [*CACHED, NOT_CACHED]:
        for response in site.everywhere(path):
            assert response.status == 200, response.describe()
