import datetime

import pytest
from django.core.cache import cache
from django.utils import timezone

from articles import reads, shared_cache
from gbanews.catalogues import compile_catalogues

from .browser import CHROMIUM, CHROMIUM_ARGS, WatchedPage, require_chromium
from .factories import ArticleFactory, CategoryFactory, StaffFactory, UserFactory
from .localhttp import serving


def pytest_sessionstart(session):
    """The current translations, for a plain `pytest` as for `make test`."""
    compile_catalogues()


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
    """Fast password hashing, throwaway media, a clean cache for every test.

    The full-page cache is off so that views run and expose their context; the
    page-cache tests turn it on.
    """
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SITE_URL = "https://gba.example.com"
    settings.PAGE_CACHE_SECONDS = 0
    # Pages showing a "most read" list end with its period, aligned to the clock: a
    # period of years keeps the lifetimes tests check off the clock (the tests of
    # the lists set their own).
    settings.MOST_READ_SECONDS = 10**9
    # Article pages count reads ("server", the default) into the process's pending
    # counts, which no test writes unless it means to (tests/test_most_read.py).
    settings.READS_BUFFER_SECONDS = 3600
    shared_cache.breaker.reset()
    cache.clear()
    yield
    reads.pending.discard()


@pytest.fixture
def page_cache(settings):
    """The full-page cache on, as in production."""
    settings.PAGE_CACHE_SECONDS = 300
    settings.PAGE_MAX_AGE = 60


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
def author(db):
    return StaffFactory(username="author", groups=["Authors"])


@pytest.fixture
def desk_editor(db):
    return StaffFactory(username="desk", groups=["Editors"])


@pytest.fixture
def moderator(db):
    return StaffFactory(username="moderator", groups=["Moderators"])


@pytest.fixture
def shift_clock(monkeypatch):
    """Move the clock that the code reads (timezone.now) by a timedelta."""
    real_now = timezone.now

    def shift(delta: datetime.timedelta):
        monkeypatch.setattr(timezone, "now", lambda: real_now() + delta)

    return shift


@pytest.fixture
def http_server():
    """A real HTTP server on 127.0.0.1 (ports 8050-8059); see tests/localhttp.py."""
    with serving() as server:
        yield server


@pytest.fixture(scope="module")
def browser():
    """One Chromium per module of real-browser tests (tests/browser.py)."""
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def open_page(browser, request, live_server, settings):
    """Open watched pages of the live server, whose address absolute links name;
    each page must end with no console error or CSP violation."""
    settings.SITE_URL = live_server.url
    pages = []

    def open_(name=None, width=1280, height=900):
        context = browser.new_context(viewport={"width": width, "height": height})
        watched = WatchedPage(context.new_page(), name or request.node.name)
        pages.append((context, watched))
        return watched

    yield open_
    for context, watched in pages:
        context.close()
        watched.assert_clean()


@pytest.fixture
def roles(db):
    """Recreate the role groups: a transactional test empties every table."""
    from django.apps import apps

    from articles.roles import sync_role_groups

    sync_role_groups(apps)
