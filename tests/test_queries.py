"""Every public page runs a fixed number of queries, whatever the page size."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article

from .factories import ArticleFactory, ChineseFactory, SourceFactory, SourceLinkFactory
from .pages import count_queries

pytestmark = pytest.mark.django_db

# Stamps (site, list, entries: three reads), next scheduled time, navigation, the
# category/tag/source looked up by slug, count, ids, and for entries not yet cached:
# articles, categories, tags, links.
MAX_ARCHIVE_QUERIES = 13
# Stamps (site, article, its archives, related: four reads), next scheduled time,
# navigation, article id, article, categories, tags, links, related ids (two when
# fewer than five others share a tag), related articles.
MAX_ARTICLE_QUERIES = 15


def fill(n, category):
    """Create n fully dressed articles: tags, two categories, approved links."""
    source = SourceFactory(name="Caixin", slug="caixin", language=ChineseFactory())
    stamp = timezone.make_aware(datetime.datetime(2020, 5, 20, 9))
    articles = []
    for i in range(n):
        article = ArticleFactory(
            categories=[category],
            tags=["Shenzhen", f"tag-{i}"],
            body="<p>More.</p>",
            published_at=stamp - datetime.timedelta(minutes=i),
        )
        SourceLinkFactory(article=article, source=source)
        SourceLinkFactory(article=article, source=None)
        articles.append(article)
    return articles


# The front page (/) has its own budget: tests/test_front_page.py.
@pytest.mark.parametrize(
    "url",
    [
        "/category/innovation/",
        "/tag/shenzhen/",
        "/source/caixin/",
        "/2020/",
        "/2020/05/",
    ],
)
@pytest.mark.parametrize("n", [1, 50])
def test_archive_queries_do_not_grow_with_page_size(
    client, settings, category, django_assert_max_num_queries, url, n
):
    settings.ARTICLES_PER_PAGE = 50
    fill(n, category)
    with django_assert_max_num_queries(MAX_ARCHIVE_QUERIES):
        response = client.get(url)
    assert len(response.context_data["articles"]) == n


@pytest.mark.parametrize("url", ["/", "/category/innovation/", "/tag/shenzhen/"])
def test_one_and_fifty_articles_cost_the_same(client, settings, category, url):
    settings.ARTICLES_PER_PAGE = 50
    fill(1, category)
    # Navigation, the next scheduled time and the most read lists, as they were.
    client.get("/most-read/")
    one = count_queries(client, url)
    fill(49, category)
    client.get("/most-read/")
    assert count_queries(client, url) == one


def test_article_page_queries_are_fixed(
    client, category, django_assert_max_num_queries
):
    article = fill(1, category)[0]
    article.tags.add(*[f"extra-{i}" for i in range(20)])
    with django_assert_max_num_queries(MAX_ARTICLE_QUERIES):
        client.get(article.get_absolute_url())


def test_steady_state_article_page_reads_only_stamps(client, category):
    """With the page cache off, a second reader reads the stamps of what the page
    shows (the site's, the article's, its archives' for related articles, the
    related articles'), and nothing else: the id, the article, its <article>
    element, related and most read lists are kept per version."""
    articles = fill(6, category)
    for article in articles:
        article.tags.add("shenzhen")
    url = articles[0].get_absolute_url()
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    tables = [re.search(r'FROM "(\w+)"', q["sql"])[1] for q in queries]
    assert tables == ["articles_stamp"] * 4


@pytest.mark.parametrize(
    "url",
    ["/", "/category/innovation/", "/tag/shenzhen/", "/source/caixin/", "/2020/05/"],
)
def test_last_page_costs_the_same_queries_as_the_first(client, settings, category, url):
    settings.ARTICLES_PER_PAGE = 2
    fill(9, category)
    first = count_queries(client, url)
    last = count_queries(client, f"{url}page/5/")
    assert last <= first
    response = client.get(f"{url}page/5/")
    assert len(response.context_data["articles"]) == 1
    assert response.context_data["paginator"].num_pages == 5


def count_statements(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return sum("COUNT(" in q["sql"] for q in queries.captured_queries)


def test_page_counts_are_cached_until_content_changes(client, settings, category):
    settings.ARTICLES_PER_PAGE = 2
    fill(3, category)
    assert count_statements(client, "/category/innovation/") == 1
    # Reused for every page of the archive until the content changes.
    assert count_statements(client, "/category/innovation/page/2/") == 0
    assert count_statements(client, "/category/innovation/") == 0
    ArticleFactory(categories=[category])
    assert count_statements(client, "/category/innovation/page/2/") == 1


@pytest.mark.parametrize(
    "stamp_seconds, category_page, home",
    [
        pytest.param(0, 5, 3, id="stamps-from-database"),
        # Outside a transaction: stamps read inside one are not held.
        pytest.param(
            2,
            2,
            1,
            id="stamps-from-shared-cache",
            marks=pytest.mark.django_db(transaction=True),
        ),
    ],
)
def test_steady_state_archive_pages_run_three_to_five_queries(
    client, settings, category, stamp_seconds, category_page, home
):
    """Stamps, ids and the entries' stamps (and the category or tag looked up by slug
    with its archive's stamp): counts, navigation and entries are reused until what
    they show changes. With the stamps held in a shared cache, only the category and
    the ids are read."""
    settings.STAMP_CACHE_SECONDS = stamp_seconds
    settings.ARTICLES_PER_PAGE = 2
    fill(3, category)
    for url in ("/category/innovation/page/2/", "/page/2/", "/tag/shenzhen/"):
        client.get(url)
    assert count_queries(client, "/category/innovation/page/2/") == category_page
    assert count_queries(client, "/page/2/") == home
    assert count_queries(client, "/tag/shenzhen/") == category_page


def test_deep_pages_are_read_from_the_nearer_end(client, settings, category):
    """OFFSET skips rows one by one: the last page must not skip them all."""
    settings.ARTICLES_PER_PAGE = 10
    articles = fill(25, category)
    client.get("/category/innovation/")  # count cached
    for url, expected, skipped in [
        ("/category/innovation/", articles[:10], 0),
        ("/category/innovation/page/2/", articles[10:20], 5),
        ("/category/innovation/page/3/", articles[20:], 0),
    ]:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        listed = [entry.pk for entry in response.context_data["articles"]]
        assert listed == [a.pk for a in expected], url
        ids_query = next(
            q["sql"]
            for q in queries
            if "articles_categoryentry" in q["sql"] and "LIMIT" in q["sql"]
        )
        offset = re.search(r"OFFSET (\d+)", ids_query)
        assert (int(offset.group(1)) if offset else 0) == skipped, (url, ids_query)


def test_archive_ids_leave_out_what_is_not_due(client, category):
    due = ArticleFactory(categories=[category])
    ArticleFactory(
        categories=[category],
        published_at=timezone.now() + datetime.timedelta(hours=1),
    )
    response = client.get("/category/innovation/")
    assert [entry.pk for entry in response.context_data["articles"]] == [due.pk]


@pytest.mark.skipif(
    connection.vendor != "sqlite", reason="SQLite's query plan wording; see docs"
)
def test_home_ids_come_from_a_covering_index(category):
    """Deep home pages skip index entries without reading article rows."""
    fill(3, category)
    ids = Article.objects.published().order_by("-published_at", "-pk")
    plan = ids.values_list("pk", flat=True)[20:30].explain()
    assert "COVERING INDEX article_live_pub_idx" in plan, plan
