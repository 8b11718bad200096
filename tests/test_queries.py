"""Every public page runs a fixed number of queries, whatever the page size."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from taggit.models import Tag

from articles.models import Article, CategoryEntry, Source, SourceEntry, TagEntry
from articles.models.archive_ids import (
    IN_CATEGORY,
    category_ids,
    home_ids,
    source_ids,
    tag_ids,
)
from articles.models.listing import PUBLISHED_AMONG, published_page

from .factories import ArticleFactory, ChineseFactory, SourceFactory, SourceLinkFactory

pytestmark = pytest.mark.django_db

# content version, count and the category/language/source tables (each once per
# content change), tag/source lookup, ids, page, categories, tags, links
MAX_ARCHIVE_QUERIES = 11
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


def test_steady_state_archive_pages_run_five_or_six_queries(client, settings, category):
    """Ids, page, categories, tags, links (and the tag looked up by slug): the version,
    count and the category/language/source tables are reused until content changes."""
    settings.ARTICLES_PER_PAGE = 2
    fill(3, category)
    for url in ("/category/innovation/", "/", "/tag/shenzhen/"):
        client.get(url)
    assert count_queries(client, "/category/innovation/page/2/") == 5
    assert count_queries(client, "/") == 5
    assert count_queries(client, "/tag/shenzhen/") == 6


class TestPreparedQueries:
    """Compiled once per number of ids, then re-bound: same rows as the ORM gives."""

    @pytest.mark.parametrize("n", [1, 3, 7])
    def test_page_matches_the_orm_for_any_number_of_ids(self, category, n):
        fill(8, category)
        ids = list(Article.objects.values_list("pk", flat=True))[:n]
        expected = list(Article.objects.published().filter(pk__in=ids).for_listing())
        for _ in range(2):  # compiled, then reused
            page = published_page(ids)
            assert page == expected
            assert [a.listed_tags for a in page] == [a.listed_tags for a in expected]
            assert [[link.url for link in a.approved_links] for a in page] == [
                [link.url for link in a.approved_links] for a in expected
            ]

    def test_binds_the_current_time_every_call(self, category):
        due = ArticleFactory(categories=[category])
        later = ArticleFactory(
            categories=[category],
            published_at=timezone.now() + datetime.timedelta(hours=1),
        )
        ids = [due.pk, later.pk]
        assert published_page(ids) == [due]
        assert PUBLISHED_AMONG.instances(
            ids, now=timezone.now() + datetime.timedelta(hours=2)
        ) == [later, due]
        assert published_page(ids) == [due]

    def test_drafts_and_trash_stay_out(self, category):
        kept, draft, trashed = (ArticleFactory(categories=[category]) for _ in range(3))
        draft.status = Article.Status.DRAFT
        draft.save()
        Article.objects.filter(pk=trashed.pk).update(trashed_at=timezone.now())
        assert published_page([kept.pk, draft.pk, trashed.pk]) == [kept]

    def test_duplicate_empty_and_large_id_lists(self, category):
        articles = fill(3, category)
        ids = [a.pk for a in articles]
        assert published_page(ids + ids) == articles
        assert published_page([]) == []
        many = ids + list(range(10**6, 10**6 + 200))
        assert published_page(many) == articles

    def test_page_keeps_the_order_of_the_ids(self, category):
        articles = fill(4, category)
        shuffled = [articles[2], articles[0], articles[3], articles[1]]
        assert published_page([a.pk for a in shuffled]) == shuffled

    def test_archive_ids_slice_and_count_like_the_orm(self, category):
        fill(7, category)
        ArticleFactory(
            categories=[category],
            tags=["Shenzhen"],
            published_at=timezone.now() + datetime.timedelta(hours=1),
        )
        shenzhen, caixin = Tag.objects.get(name="Shenzhen"), Source.objects.get()
        published = (
            Article.objects.published()
            .order_by("-published_at", "-pk")
            .values_list("pk", flat=True)
        )
        cases = [
            (home_ids(), published),
            (category_ids(category), CategoryEntry.objects.listing_ids(category)),
            (tag_ids(shenzhen), TagEntry.objects.listing_ids(shenzhen)),
            (source_ids(caixin), SourceEntry.objects.listing_ids(caixin)),
        ]
        for ids, orm in cases:
            expected = list(orm)
            assert len(expected) == 7
            assert ids.count() == 7
            for start, stop in [(0, 3), (3, 6), (6, 9), (9, 12), (2, 2)]:
                assert ids[start:stop] == expected[start:stop], (start, stop)
            backwards = expected[::-1]
            for start, stop in [(0, 3), (2, 5), (4, 7), (6, 9)]:
                assert ids.reverse()[start:stop] == backwards[start:stop]

    def test_deep_pages_are_read_from_the_nearer_end(self, client, settings, category):
        """OFFSET skips rows one by one: the last page must not skip them all."""
        settings.ARTICLES_PER_PAGE = 10
        articles = fill(25, category)
        client.get("/category/innovation/")  # count and tables cached
        for url, expected, offset in [
            ("/category/innovation/", articles[:10], "OFFSET 0"),
            ("/category/innovation/page/2/", articles[10:20], "OFFSET 5"),
            ("/category/innovation/page/3/", articles[20:], "OFFSET 0"),
        ]:
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            assert list(response.context_data["articles"]) == expected, url
            ids_query = next(q["sql"] for q in queries if "LIMIT" in q["sql"])
            assert ids_query.endswith(offset), (url, ids_query)

    def test_archive_ids_bind_the_current_time(self, category):
        due = ArticleFactory(categories=[category])
        later = ArticleFactory(
            categories=[category],
            published_at=timezone.now() + datetime.timedelta(hours=1),
        )
        assert category_ids(category)[0:10] == [due.pk]
        in_two_hours = timezone.now() + datetime.timedelta(hours=2)
        assert IN_CATEGORY[0].slice(category.pk, 0, 10, now=in_two_hours) == [
            later.pk,
            due.pk,
        ]


@pytest.mark.skipif(
    connection.vendor != "sqlite", reason="SQLite's query plan wording; see docs"
)
def test_home_ids_come_from_a_covering_index(category):
    """Deep home pages skip index entries without reading article rows."""
    fill(3, category)
    ids = Article.objects.published().order_by("-published_at", "-pk")
    plan = ids.values_list("pk", flat=True)[20:30].explain()
    assert "COVERING INDEX article_live_pub_idx" in plan, plan
