"""Every public page runs a fixed number of queries, whatever the page size."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from .factories import ArticleFactory, ChineseFactory, SourceFactory, SourceLinkFactory

pytestmark = pytest.mark.django_db

# content version, count and the category/language/source tables (each once per
# content change), category/tag/source lookup, page, categories, tags, links
MAX_ARCHIVE_QUERIES = 10
# content version, navigation, article, categories, tags, links, related articles
# (one query, two when fewer than five others share a tag)
MAX_ARTICLE_QUERIES = 8


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


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


@pytest.mark.parametrize(
    "url",
    [
        "/",
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
    one = count_queries(client, url)
    fill(49, category)
    assert count_queries(client, url) == one


def test_article_page_queries_are_fixed(
    client, category, django_assert_max_num_queries
):
    article = fill(1, category)[0]
    article.tags.add(*[f"extra-{i}" for i in range(20)])
    with django_assert_max_num_queries(MAX_ARTICLE_QUERIES):
        client.get(article.get_absolute_url())


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


def test_steady_state_archive_pages_run_four_or_five_queries(
    client, settings, category
):
    """Page, categories, tags, links (and the tag looked up by slug): the version,
    count and the category/language/source tables are reused until content changes."""
    settings.ARTICLES_PER_PAGE = 2
    fill(3, category)
    for url in ("/category/innovation/", "/", "/tag/shenzhen/"):
        client.get(url)
    assert count_queries(client, "/category/innovation/page/2/") == 4
    assert count_queries(client, "/") == 4
    assert count_queries(client, "/tag/shenzhen/") == 5
