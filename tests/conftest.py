import pytest
from django.core.cache import cache

from .factories import ArticleFactory, CategoryFactory, UserFactory


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    """Fast password hashing, throwaway media, a clean cache for every test.

    The full-page cache is off so that views run and expose their context; the
    page-cache tests turn it on.
    """
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SITE_URL = "https://gba.example.com"
    settings.PAGE_CACHE_SECONDS = 0
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
