"""Every public page runs a fixed number of queries, whatever the page size."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from .factories import ArticleFactory, ChineseFactory, SourceFactory, SourceLinkFactory

pytestmark = pytest.mark.django_db

# content version, count and navigation (each once per content change),
# category/tag/source lookup, page, categories, tags, links
MAX_ARCHIVE_QUERIES = 8
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
    assert len(response.context["articles"]) == n


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
    assert len(response.context["articles"]) == 1
    assert response.context["paginator"].num_pages == 5


def test_page_counts_are_cached_until_content_changes(client, settings, category):
    settings.ARTICLES_PER_PAGE = 2
    fill(3, category)
    first = count_queries(client, "/category/innovation/")
    # The content version, the count and the navigation are reused.
    assert count_queries(client, "/category/innovation/page/2/") == first - 3
    ArticleFactory(categories=[category])
    assert count_queries(client, "/category/innovation/page/2/") == first
