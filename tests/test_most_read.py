"""Most read: reads counted by the server or a same-origin beacon, kept per hour,
listed cheaply."""

import datetime
import os
import subprocess
import sys
import threading
import time
from http import HTTPStatus

import pytest
import redis
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles import reads, shared_cache
from articles.admin.articles import ArticleAdmin
from articles.models import Article, ArticleReads
from articles.tasks import flush_reads

from .factories import ArticleFactory, ChineseFactory, DraftFactory
from .servers import manage, shared_database, shell_json, site_env

pytestmark = pytest.mark.django_db

BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"


GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"


@pytest.fixture(autouse=True)
def _reads_written_at_once(settings):
    """Each read written to the database in its request, so that a test sees it at
    once (the Redis tests count in Redis: ``redis_counts``).

    Reads are counted by the beacon here, so that the pages these tests load count
    nothing; the tests of counting by the server ask for ``by_server``.
    """
    settings.READS_BUFFER_SECONDS = 0
    settings.REDIS_URL = ""
    settings.READS_COUNTED_BY = "beacon"


@pytest.fixture
def by_server(settings, page_cache):
    """Reads counted by the server (the default), the page cache on."""
    settings.READS_COUNTED_BY = "server"


def beacon(client, article_or_pk, user_agent=BROWSER, **extra):
    pk = getattr(article_or_pk, "pk", article_or_pk)
    return client.post(f"/read/{pk}/", HTTP_USER_AGENT=user_agent, **extra)


def counts() -> dict[int, int]:
    return {row.article_id: row.count for row in ArticleReads.objects.order_by("pk")}


def read(article, times, now=None):
    for _ in range(times):
        reads.record(article.pk, now=now)


# --- The beacon -------------------------------------------------------------


def test_beacon_counts_a_read_and_sets_no_cookie(client, article):
    response = beacon(client, article)
    assert response.status_code == HTTPStatus.NO_CONTENT
    assert response.content == b""
    assert not response.cookies
    assert "Set-Cookie" not in response.headers
    assert "no-store" in response["Cache-Control"]
    row = ArticleReads.objects.get()
    assert (row.article_id, row.count) == (article.pk, 1)
    assert row.hour == reads.hour_of(timezone.now())
    beacon(client, article)
    assert counts() == {article.pk: 2}


def test_nothing_about_the_reader_is_stored():
    fields = {field.name for field in ArticleReads._meta.get_fields()}
    assert fields == {"id", "article", "hour", "count"}


@pytest.mark.parametrize(
    "user_agent",
    [
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "Mozilla/5.0 (compatible; bingbot/2.0)",
        "facebookexternalhit/1.1",
        "Mozilla/5.0 (X11; Linux x86_64) HeadlessChrome/120.0 Safari/537.36",
        "curl/8.5.0",
        "python-requests/2.32",
        "",
    ],
)
def test_bots_are_not_counted(client, article, user_agent):
    assert beacon(client, article, user_agent).status_code == HTTPStatus.NO_CONTENT
    assert counts() == {}


def test_get_is_refused(client, article):
    assert client.get(f"/read/{article.pk}/").status_code == 405
    assert counts() == {}


@pytest.mark.parametrize("pk", ["unknown", "draft", 2**63, 10**30])
def test_no_published_article_no_count(client, article, pk):
    if pk == "unknown":
        pk = article.pk + 1000
    elif pk == "draft":
        pk = DraftFactory().pk
    assert beacon(client, pk).status_code == HTTPStatus.NO_CONTENT
    assert counts() == {}


def test_staff_reads_are_not_counted(client, editor, article):
    client.force_login(editor)
    beacon(client, article)
    assert counts() == {}


def test_a_counted_read_costs_one_query(client, article, django_assert_num_queries):
    beacon(client, article)
    with django_assert_num_queries(1):
        beacon(client, article)
    assert counts() == {article.pk: 2}


def test_reads_are_written_in_batches(
    client, settings, category, django_assert_num_queries
):
    settings.READS_BUFFER_SECONDS = 60
    a, b = ArticleFactory(categories=[category]), ArticleFactory(categories=[category])
    with django_assert_num_queries(0):
        for article in (a, a, b, a):
            assert beacon(client, article).status_code == HTTPStatus.NO_CONTENT
    assert counts() == {}
    reads.pending.write()  # as the timer does after READS_BUFFER_SECONDS
    assert counts() == {a.pk: 3, b.pk: 1}
    reads.pending.write()
    assert counts() == {a.pk: 3, b.pk: 1}


def test_a_process_writes_its_pending_reads_when_it_exits(tmp_path):
    with shared_database(tmp_path, "_reads") as url:
        env = {**site_env(url, tmp_path / "static"), "READS_BUFFER_SECONDS": "3600"}
        manage(env, "migrate", "--noinput", "-v0")
        pk = shell_json(
            env,
            "from tests.factories import ArticleFactory; print(ArticleFactory().pk)",
        )
        rows = "list(ArticleReads.objects.values_list('article', 'count'))"
        counted = shell_json(
            env,
            "import json; from articles import reads; "
            "from articles.models import ArticleReads; "
            f"[reads.record({pk}) for _ in range(3)]; print(json.dumps({rows}))",
        )
        assert counted == []  # pending: not written before the process exits
        written = shell_json(
            env,
            "import json; from articles.models import ArticleReads; "
            f"print(json.dumps({rows}))",
        )
        assert written == [[pk, 3]]


def test_article_page_loads_the_beacon_script_and_names_its_url(client, article):
    html = client.get(article.get_absolute_url()).content.decode()
    assert '<script src="/static/js/read_beacon.js" defer></script>' in html
    assert f'data-read-url="/read/{article.pk}/"' in html
    # The script it loads is a static file (no inline script under the CSP).
    assert "navigator.sendBeacon" in open("static/js/read_beacon.js").read()


def test_a_preview_is_not_counted(client, editor):
    draft = DraftFactory()
    client.force_login(editor)
    html = client.get(draft.get_absolute_url()).content.decode()
    assert "data-read-url" not in html
    assert "read_beacon.js" not in html


# --- Counted by the server ----------------------------------------------------


def view(client, url, user_agent=BROWSER, **extra):
    return client.get(url, HTTP_USER_AGENT=user_agent, **extra)


def test_server_counts_article_pages_rendered_or_cached(client, by_server, article):
    url = article.get_absolute_url()
    assert view(client, url)["X-Page-Cache"] == "miss"
    assert counts() == {article.pk: 1}
    cached = view(client, url)
    assert cached["X-Page-Cache"] == "hit"
    assert counts() == {article.pk: 2}
    # A conditional request is a view of the page the browser holds.
    again = view(client, url, HTTP_IF_NONE_MATCH=cached["ETag"])
    assert again.status_code == HTTPStatus.NOT_MODIFIED
    assert counts() == {article.pk: 3}
    # Other pages count nothing.
    for other in ("/", "/category/innovation/", "/most-read/"):
        assert view(client, other).status_code == HTTPStatus.OK
    assert counts() == {article.pk: 3}


def test_server_counts_rendered_pages_with_the_page_cache_off(
    client, settings, by_server, article
):
    settings.PAGE_CACHE_SECONDS = 0
    for _ in range(2):
        assert "X-Page-Cache" not in view(client, article.get_absolute_url())
    assert counts() == {article.pk: 2}


@pytest.mark.parametrize(
    "kind", ["bot", "no user agent", "staff", "HEAD", "not found", "wrong date"]
)
def test_server_does_not_count(client, by_server, editor, article, kind):
    url = article.get_absolute_url()
    # Cached by a bot's visit, which counts nothing: each request below is answered
    # from the cache where it can be, and otherwise rendered.
    assert view(client, url, GOOGLEBOT)["X-Page-Cache"] == "miss"
    assert counts() == {}
    if kind == "staff":
        client.force_login(editor)
    for _ in range(2):
        if kind == "bot":
            response = view(client, url, GOOGLEBOT)
        elif kind == "no user agent":
            response = view(client, url, "")
        elif kind == "staff":
            response = view(client, url)
        elif kind == "HEAD":
            response = client.head(url, HTTP_USER_AGENT=BROWSER)
        elif kind == "not found":
            response = view(client, url.replace(article.slug, "no-such-story"))
        else:
            # The article's address with another day: a 301 to the right one.
            month, day, slug = url.rstrip("/").rsplit("/", 2)
            other_day = "27" if day == "28" else "28"
            response = view(client, f"{month}/{other_day}/{slug}/")
        expected = {"not found": 404, "wrong date": 301}.get(kind, 200)
        assert response.status_code == expected
    assert counts() == {}


def test_server_mode_page_loads_no_beacon_and_the_beacon_counts_nothing(
    client, by_server, article
):
    html = view(client, article.get_absolute_url()).content.decode()
    assert "read_beacon.js" not in html
    assert "data-read-url" not in html
    ArticleReads.objects.all().delete()
    # A page still held with the script (by a browser or a CDN) counts once.
    assert beacon(client, article).status_code == HTTPStatus.NO_CONTENT
    assert counts() == {}


def test_beacon_mode_counts_the_beacon_and_not_the_page(client, page_cache, article):
    url = article.get_absolute_url()
    assert view(client, url)["X-Page-Cache"] == "miss"
    assert view(client, url)["X-Page-Cache"] == "hit"
    assert "read_beacon.js" in view(client, url).content.decode()
    assert counts() == {}
    beacon(client, article)
    assert counts() == {article.pk: 1}


def test_a_page_cached_for_one_way_of_counting_is_not_served_for_another(
    client, settings, page_cache, article
):
    url = article.get_absolute_url()
    assert view(client, url)["X-Page-Cache"] == "miss"
    page = view(client, url).content.decode()
    assert "read_beacon.js" in page
    assert "data-read-url=" in page  # on the <article>, a fragment kept per way
    settings.READS_COUNTED_BY = "server"
    response = view(client, url)
    assert response["X-Page-Cache"] == "miss"
    assert "read_beacon.js" not in response.content.decode()
    assert "data-read-url=" not in response.content.decode()
    assert counts() == {article.pk: 1}


def test_nothing_is_counted_when_off(client, settings, page_cache, article):
    settings.READS_COUNTED_BY = "off"
    url = article.get_absolute_url()
    for _ in range(2):
        assert "read_beacon.js" not in view(client, url).content.decode()
    beacon(client, article)
    assert counts() == {}


@pytest.mark.parametrize("way", ["server", "off"])
def test_a_counted_cache_hit_runs_no_query_more(
    client, settings, page_cache, article, django_assert_num_queries, way
):
    settings.READS_COUNTED_BY = way
    settings.READS_BUFFER_SECONDS = 60
    url = article.get_absolute_url()
    assert view(client, url)["X-Page-Cache"] == "miss"
    # The one indexed read of every page cache hit (``latest``), counting or not.
    with django_assert_num_queries(1):
        assert view(client, url)["X-Page-Cache"] == "hit"
    assert counts() == {}
    reads.pending.write()  # as the timer does after READS_BUFFER_SECONDS
    assert counts() == ({article.pk: 2} if way == "server" else {})


@pytest.mark.parametrize(
    "value, counted_by", [("", "server"), ("Beacon", "beacon"), (" off ", "off")]
)
def test_the_way_of_counting_is_read_from_the_environment(value, counted_by):
    assert settings_in({"READS_COUNTED_BY": value}) == counted_by


def test_an_unknown_way_of_counting_is_refused_at_start():
    with pytest.raises(RuntimeError) as refused:
        settings_in({"READS_COUNTED_BY": "cdn"})
    assert "django.core.exceptions.ImproperlyConfigured: " in str(refused.value)
    assert "READS_COUNTED_BY must be one of server, beacon, off, got 'cdn'" in str(
        refused.value
    )


def settings_in(variables: dict) -> str:
    """READS_COUNTED_BY as gbanews/settings.py reads it from the environment."""
    code = "import gbanews.settings as s; print(s.READS_COUNTED_BY)"
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, "DJANGO_DEBUG": "1", **variables},
        capture_output=True,
        text=True,
        timeout=60,
    )
    if result.returncode:
        raise RuntimeError(result.stderr)
    return result.stdout.strip()


# --- Hourly rows and the lists ----------------------------------------------


def test_reads_are_kept_per_hour(article):
    ten = timezone.now().replace(hour=10, minute=5)
    read(article, 2, now=ten)
    read(article, 3, now=ten + datetime.timedelta(minutes=50))
    read(article, 1, now=ten + datetime.timedelta(minutes=56))
    rows = ArticleReads.objects.order_by("hour").values_list("hour", "count")
    assert [(hour.minute, hour.second, count) for hour, count in rows] == [
        (0, 0, 5),
        (0, 0, 1),
    ]
    first, second = (hour for hour, _count in rows)
    assert second - first == datetime.timedelta(hours=1)


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_lose_no_read(article):
    """Writers racing to create the same hour's row: every read is kept."""
    hour = reads.hour_of(timezone.now())
    start = threading.Barrier(4)

    def write():
        start.wait()
        try:
            for _ in range(10):
                ArticleReads.objects.add(article.pk, hour, 1)
        finally:
            connection.close()

    threads = [threading.Thread(target=write) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert counts() == {article.pk: 40}


def test_list_titles_are_in_the_readers_script(client, category):
    story = ArticleFactory(
        title="深圳发布信息技术新政策", language=ChineseFactory(), categories=[category]
    )
    read(story, 2)
    reads.pending.write()
    traditional = client.get("/zh-hant/most-read/").content.decode()
    assert "深圳發佈資訊科技新政策" in traditional
    assert "深圳发布信息技术新政策" in client.get("/most-read/").content.decode()


def test_lists_order_today_and_this_week(client, category):
    a, b, c, d = (ArticleFactory(categories=[category]) for _ in range(4))
    read(a, 3)
    read(b, 5)
    read(c, 10, now=timezone.now() - datetime.timedelta(days=3))
    read(d, 1, now=timezone.now() - datetime.timedelta(days=8))
    # Reads from 23 hours ago are today's; 8 days ago is in neither list.
    read(a, 4, now=timezone.now() - datetime.timedelta(hours=23))
    response = client.get("/most-read/")
    assert response.status_code == HTTPStatus.OK
    assert response.context_data["most_read_today"] == [a, b]
    assert response.context_data["most_read_week"] == [c, a, b]
    html = response.content.decode()
    week = html.split("This week")[1]
    assert week.index(c.title) < week.index(a.title) < week.index(b.title)
    assert d.title not in html


def test_unpublished_articles_leave_the_lists(client, page_cache, category):
    a, b = ArticleFactory(categories=[category]), ArticleFactory(categories=[category])
    read(a, 2)
    read(b, 1)
    assert client.get("/most-read/").context_data["most_read_today"] == [a, b]
    a.status = Article.Status.DRAFT
    a.save()
    html = client.get("/most-read/").content.decode()
    assert a.title not in html
    assert b.title in html


def test_lists_show_on_home_and_article_pages(client, category):
    a, b = ArticleFactory(categories=[category]), ArticleFactory(categories=[category])
    read(b, 2)
    read(a, 1)
    home = client.get("/")
    assert home.context_data["most_read"] == [b, a]
    assert "Most read today" in home.content.decode()
    page = client.get(a.get_absolute_url())
    assert page.context_data["most_read"] == [b, a]
    assert 'href="/most-read/"' in page.content.decode()
    # Other archives do not show it.
    assert "Most read today" not in client.get("/category/innovation/").content.decode()


def test_a_cached_page_ends_with_its_list(client, settings, page_cache, category):
    settings.MOST_READ_SECONDS = 2
    a, b = ArticleFactory(categories=[category]), ArticleFactory(categories=[category])
    # Start early in a period, so that two requests fall in it.
    time.sleep(2 - time.time() % 2)
    read(a, 2)
    first = client.get("/")
    assert first["X-Page-Cache"] == "miss"
    assert first.context_data["most_read"] == [a]
    assert int(first["Cache-Control"].split("max-age=")[1]) <= 2
    read(b, 5)
    again = client.get("/")
    assert again["X-Page-Cache"] == "hit"
    listed = again.content.decode().split("Most read today")[1]
    assert b.title not in listed  # the cached list, until its period ends
    time.sleep(2 - time.time() % 2 + 0.05)
    fresh = client.get("/")
    assert fresh["X-Page-Cache"] == "miss"
    assert fresh.context_data["most_read"] == [b, a]


def test_an_edited_title_shows_at_once_in_a_cached_list(client, page_cache, category):
    a, other = ArticleFactory(categories=[category]), ArticleFactory()
    read(a, 1)
    assert client.get(other.get_absolute_url())["X-Page-Cache"] == "miss"
    assert client.get(other.get_absolute_url())["X-Page-Cache"] == "hit"
    a.title = "Qianhai's new chip line"
    a.save()
    html = client.get(other.get_absolute_url()).content.decode()
    assert "Qianhai&#39;s new chip line" in html


@pytest.mark.parametrize("url", ["/most-read/", "/", "article"])
def test_list_queries_do_not_grow_with_the_list(client, settings, category, url):
    settings.MOST_READ_ITEMS = 10
    first = ArticleFactory(categories=[category])
    read(ArticleFactory(), 1)  # in another category: not related to first
    url = first.get_absolute_url() if url == "article" else url

    def queries():
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == HTTPStatus.OK
        return len(captured)

    one = queries()
    for _ in range(9):
        read(ArticleFactory(), 2)
    cache.clear()
    assert len(client.get("/most-read/").context_data["most_read_week"]) == 10
    assert queries() <= one


def test_a_list_is_one_aggregate_query(category, django_assert_num_queries):
    for n in range(5):
        read(ArticleFactory(categories=[category]), n + 1)
    since = reads.window_start(reads.WEEK)
    with django_assert_num_queries(1):
        ids = Article.objects.published().most_read_ids(since, 3)
    assert len(ids) == 3


# --- The admin ----------------------------------------------------------------


def test_admin_list_shows_reads_without_a_query_per_article(admin_client, category):
    # The changelist orders by a column's place in list_display, counted from 1.
    by_reads_today = ArticleAdmin.list_display.index("reads_today") + 1

    def changelist():
        with CaptureQueriesContext(connection) as captured:
            response = admin_client.get(f"/admin/articles/article/?o={by_reads_today}")
        assert response.status_code == HTTPStatus.OK
        return response, len(captured)

    article = ArticleFactory(categories=[category])
    read(article, 3)
    read(article, 4, now=timezone.now() - datetime.timedelta(days=2))
    response, one = changelist()
    row = response.context_data["cl"].result_list[0]
    assert (row.reads_today, row.reads_week) == (3, 7)
    html = response.content.decode()
    assert "reads, 24 h" in html.lower() and "reads, 7 days" in html.lower()
    assert '<td class="field-reads_week">7</td>' in html
    for n in range(5):
        read(ArticleFactory(categories=[category]), n)
    response, many = changelist()
    assert many == one
    firsts = [a.reads_today for a in response.context_data["cl"].result_list]
    assert firsts == sorted(firsts)


# --- Redis: shared counters, flushed into the database -----------------------


@pytest.fixture
def redis_counts(settings):
    """Count in the real Redis of REDIS_URL, as a site with Redis does."""
    url = os.environ.get("REDIS_URL", "").strip()
    if not url:
        pytest.skip("REDIS_URL is not set")
    settings.REDIS_URL = url
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": "gbanews-test-reads",
        },
        "local": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }
    other = redis.Redis.from_url(url)
    for key in other.scan_iter(match=f"{reads.REDIS_PREFIX}*"):
        other.delete(key)
    shared_cache.breaker.reset()
    yield other
    for key in other.scan_iter(match=f"{reads.REDIS_PREFIX}*"):
        other.delete(key)


def test_redis_counts_are_shared_and_flushed(
    client, redis_counts, article, django_assert_num_queries
):
    other_reader = type(client)()
    with django_assert_num_queries(0):
        beacon(client, article)
        beacon(other_reader, article)
        beacon(other_reader, article)
    # A separate connection (as another server has) sees the counts.
    key = f"{reads.REDIS_PREFIX}{reads.hour_of(timezone.now()):%Y%m%d%H}"
    assert redis_counts.hgetall(key) == {str(article.pk).encode(): b"3"}
    assert counts() == {}
    call_command("flush_reads")
    assert counts() == {article.pk: 3}
    assert not redis_counts.exists(key)
    # A second flush finds nothing to move: nothing is counted twice.
    assert flush_reads() == 0
    beacon(client, article)
    assert flush_reads() == 1
    assert counts() == {article.pk: 4}


def test_a_flush_keeps_published_articles_only(redis_counts, article):
    draft = DraftFactory()
    key = f"{reads.REDIS_PREFIX}2026010203"
    redis_counts.hset(key, mapping={article.pk: 2, draft.pk: 5, 10**9: 1})
    assert reads.flush() == 2
    row = ArticleReads.objects.get()
    assert (row.article_id, row.count) == (article.pk, 2)
    assert row.hour == datetime.datetime(2026, 1, 2, 3, tzinfo=datetime.UTC)


def test_counts_go_to_the_database_while_redis_fails(client, settings, article):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.1, "SOCKET_TIMEOUT": 0.1},
        },
        "local": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }
    shared_cache.breaker.reset()
    assert beacon(client, article).status_code == HTTPStatus.NO_CONTENT
    assert beacon(client, article).status_code == HTTPStatus.NO_CONTENT
    assert counts() == {article.pk: 2}
    assert shared_cache.breaker.is_open()
    shared_cache.breaker.reset()
