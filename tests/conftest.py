import pytest
from django.core.cache import cache

from .factories import ArticleFactory, CategoryFactory, UserFactory
from .localhttp import serving


@pytest.fixture(scope="session")
def django_db_modify_db_settings(
    django_db_modify_db_settings_parallel_suffix, tmp_path_factory
):
    """On SQLite, test in a file (WAL, busy timeout) as production does.

    The default shared-cache in-memory database fails concurrent writers at once
    with "table is locked" instead of waiting, which tests of concurrent runs hit.
    """
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        path = tmp_path_factory.mktemp("db") / "test.sqlite3"
        database.setdefault("TEST", {})["NAME"] = str(path)


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    """Fast password hashing, throwaway media, a clean cache for every test."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SITE_URL = "https://gba.example.com"
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def category(db):
    return CategoryFactory(name="Innovation", slug="innovation")


@pytest.fixture
def article(db, category):
    return ArticleFactory(categories=[category])


@pytest.fixture
def editor(db):
    return UserFactory(username="editor", is_staff=True, is_superuser=True)


@pytest.fixture
def http_server():
    """A real HTTP server on 127.0.0.1 (ports 8050-8059); see tests/localhttp.py."""
    with serving() as server:
        yield server
