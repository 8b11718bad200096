import pytest
from django.core.cache import cache

from .factories import ArticleFactory, CategoryFactory, UserFactory
from .localhttp import serving


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
