"""Anonymous pages are cacheable and the page cache follows content changes."""

import datetime
import time
from http import HTTPStatus

import pytest
from django.db import connection, transaction
from django.utils import timezone

from articles import shared_cache
from articles.models import Article, CategoryEntry, SourceLink, Stamp
from articles.models.stamps import LATEST, cache_key
from articles.signals import content_changed

from .factories import (
    ArticleFactory,
    CategoryFactory,
    SourceFactory,
    SourceLinkFactory,
)
from .pages import cached

pytestmark = pytest.mark.django_db


def test_anonymous_page_sets_no_cookie_and_no_vary_cookie(client, article):
    for url in ("/", "/category/innovation/", article.get_absolute_url()):
        response = client.get(url)
        assert response.status_code == HTTPStatus.OK
        assert not response.cookies
        assert "Cookie" not in response.get("Vary", "")
        assert "max-age=60" in response["Cache-Control"]
        assert "public" in response["Cache-Control"]
        assert response["ETag"]
        assert response["Last-Modified"]


def test_etag_and_last_modified_answer_304(client, article):
    first = client.get("/")
    again = client.get("/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == HTTPStatus.NOT_MODIFIED
    assert again.content == b""
    since = client.get("/", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert since.status_code == HTTPStatus.NOT_MODIFIED


def test_edit_changes_last_modified_and_etag(client, article):
    first = client.get("/")
    time.sleep(1.05)  # Last-Modified has whole-second resolution
    article.title = "A new headline"
    article.save()
    fresh = client.get("/", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert fresh.status_code == HTTPStatus.OK
    assert fresh["ETag"] != first["ETag"]


def test_second_request_is_served_from_the_page_cache(client, page_cache, article):
    assert client.get("/").headers["X-Page-Cache"] == "miss"
    hit = client.get("/")
    assert hit.headers["X-Page-Cache"] == "hit"
    assert article.title in hit.content.decode()
    assert "max-age=60" in hit["Cache-Control"]


def test_page_cache_off_stores_nothing(client, settings, article):
    settings.PAGE_CACHE_SECONDS = 0
    client.get("/")
    assert "X-Page-Cache" not in client.get("/").headers


def test_edit_shows_at_once(client, page_cache, article):
    client.get("/category/innovation/")
    article.title = "Shenzhen opens a new chip line"
    article.save()
    response = client.get("/category/innovation/")
    assert response.headers["X-Page-Cache"] == "miss"
    assert "Shenzhen opens a new chip line" in response.content.decode()


def test_unpublish_and_publish_update_pages_and_counts(client, page_cache, category):
    kept, dropped = ArticleFactory.create_batch(2, categories=[category])
    client.get("/category/innovation/")
    dropped.status = Article.Status.DRAFT
    dropped.save()
    page = client.get("/category/innovation/").content.decode()
    assert dropped.title not in page
    assert kept.title in page
    # A bulk write sends content_changed instead of model signals.
    Article.objects.filter(pk=dropped.pk).update(status=Article.Status.PUBLISHED)
    content_changed.send(sender=Article, articles=[dropped.pk])
    page = client.get("/category/innovation/").content.decode()
    assert dropped.title in page


def test_source_link_approval_in_bulk_updates_the_source_page(
    client, page_cache, article
):
    source = SourceFactory(name="Caixin", slug="caixin")
    link = SourceLinkFactory(
        article=article, source=source, status=SourceLink.Status.PENDING
    )
    assert article.title not in client.get("/source/caixin/").content.decode()
    SourceLink.objects.filter(pk=link.pk).update(status=SourceLink.Status.APPROVED)
    content_changed.send(sender=SourceLink, articles=[article.pk])
    assert article.title in client.get("/source/caixin/").content.decode()


def test_recategorising_moves_the_article_between_archives(
    client, page_cache, article, category
):
    from .factories import CategoryFactory

    other = CategoryFactory(name="Robotics", slug="robotics")
    client.get("/category/robotics/")
    client.get("/category/innovation/")
    article.categories.set([other])
    assert article.title in client.get("/category/robotics/").content.decode()
    assert article.title not in client.get("/category/innovation/").content.decode()
    other.articles.clear()
    assert article.title not in client.get("/category/robotics/").content.decode()


def test_scheduled_article_appears_when_due_never_before(client, page_cache, category):
    ArticleFactory(categories=[category], title="Already out")
    # Stored to the whole second: 1.5 to 2.5 seconds from now.
    due = Article.publication_time(timezone.now() + datetime.timedelta(seconds=2.5))
    scheduled = ArticleFactory(
        categories=[category], title="Scheduled launch", published_at=due
    )
    for url in ("/", "/category/innovation/"):
        early = client.get(url)
        assert scheduled.title not in early.content.decode()
        # Browsers may not keep the page past the article's time.
        max_age = int(early["Cache-Control"].split("max-age=")[1].split(",")[0])
        assert max_age <= 2
        assert client.get(url).headers["X-Page-Cache"] == "hit"
    assert client.get(scheduled.get_absolute_url()).status_code == HTTPStatus.NOT_FOUND
    time.sleep(max(0, (due - timezone.now()).total_seconds()) + 0.05)
    for url in ("/", "/category/innovation/"):
        on_time = client.get(url)
        assert on_time.headers["X-Page-Cache"] == "miss"
        assert scheduled.title in on_time.content.decode()
    assert client.get(scheduled.get_absolute_url()).status_code == HTTPStatus.OK


def test_staff_always_get_fresh_pages(client, page_cache, editor, article):
    client.get("/")
    client.force_login(editor)
    response = client.get("/")
    assert "X-Page-Cache" not in response.headers
    draft = ArticleFactory(status=Article.Status.DRAFT, published_at=None)
    Article.objects.filter(pk=article.pk).update(title="Changed without signals")
    assert "Changed without signals" in client.get("/").content.decode()
    preview = client.get(draft.get_absolute_url())
    assert preview.status_code == HTTPStatus.OK
    assert "no-cache" in preview["Cache-Control"]


def test_retagging_moves_the_article_between_tag_archives(client, page_cache, article):
    article.tags.add("Drones")
    assert article.title in client.get("/tag/drones/").content.decode()
    article.tags.set(["Batteries"])
    assert article.title not in client.get("/tag/drones/").content.decode()
    assert article.title in client.get("/tag/batteries/").content.decode()
    article.status = Article.Status.DRAFT
    article.save()
    assert article.title not in client.get("/tag/batteries/").content.decode()


def test_source_archive_follows_link_moderation_and_deletion(
    client, page_cache, article, django_capture_on_commit_callbacks
):
    source = SourceFactory(name="Caixin", slug="caixin")
    with django_capture_on_commit_callbacks(execute=True):  # the approval commits
        link = SourceLinkFactory(article=article, source=source)
    assert article.title in client.get("/source/caixin/").content.decode()
    link.status = SourceLink.Status.REJECTED
    link.save()
    assert article.title not in client.get("/source/caixin/").content.decode()
    link.status = SourceLink.Status.APPROVED
    link.save()
    assert article.title in client.get("/source/caixin/").content.decode()
    link.delete()
    assert article.title not in client.get("/source/caixin/").content.decode()
    SourceLinkFactory(article=article, source=source)
    article.delete()
    assert client.get("/source/caixin/").status_code == HTTPStatus.OK


def test_an_edit_retires_only_what_shows_the_article(client, page_cache, category):
    """The edited article's page and the archives listing it re-render; a category,
    tag, archive page and article page that do not show it stay cached."""
    travel = CategoryFactory(name="Travel", slug="travel")
    edited = ArticleFactory(categories=[category], tags=["chips"])
    other = ArticleFactory(categories=[travel], tags=["ferries"])
    shown = [
        "/",
        "/category/innovation/",
        "/tag/chips/",
        edited.get_absolute_url(),
    ]
    unrelated = ["/category/travel/", "/tag/ferries/", other.get_absolute_url()]
    for url in shown + unrelated:
        client.get(url)
        assert cached(client, url), url
    edited.title = "Chip line opens in Shenzhen"
    edited.save()
    for url in shown:
        response = client.get(url)
        assert response.headers["X-Page-Cache"] == "miss", url
        assert "Chip line opens in Shenzhen" in response.content.decode(), url
    for url in unrelated:
        assert cached(client, url), url


def test_a_page_that_does_not_list_the_article_stays_cached(
    client, page_cache, settings, category
):
    settings.ARTICLES_PER_PAGE = 1
    older, newer = (
        ArticleFactory(
            categories=[category],
            published_at=timezone.now() - datetime.timedelta(days=days),
        )
        for days in (2, 1)
    )
    for url in ("/category/innovation/", "/category/innovation/page/2/"):
        client.get(url)
    newer.lead = "A new lead."
    newer.save()
    assert cached(client, "/category/innovation/page/2/")
    assert not cached(client, "/category/innovation/")
    # Publishing moves every page along: all of them re-render.
    ArticleFactory(categories=[category])
    assert not cached(client, "/category/innovation/page/2/")
    assert older.title in client.get("/category/innovation/page/3/").content.decode()


@pytest.mark.parametrize("renamed", ["category", "tag", "source"])
def test_a_rename_shows_on_every_page_that_names_it(
    client, page_cache, category, renamed
):
    article = ArticleFactory(categories=[category], tags=["chips"])
    source = SourceFactory(name="Caixin", slug="caixin")
    SourceLinkFactory(article=article, source=source)
    CategoryFactory(name="Travel", slug="travel")
    urls = ["/category/innovation/", "/tag/chips/", article.get_absolute_url()]
    if renamed == "category":
        urls.append("/category/travel/")  # the menu names every category
    for url in urls:
        client.get(url)
        assert cached(client, url), url
    changed = {"category": category, "tag": article.tags.get(), "source": source}
    changed = changed[renamed]
    changed.name = "Renamed thing"
    changed.save()
    for url in urls:
        assert "Renamed thing" in client.get(url).content.decode(), url


def test_stamps_are_bumped_in_the_writing_transaction(category):
    """A reader never sees new content with an old stamp after the commit."""
    article = ArticleFactory(categories=[category])
    key = f"article:{article.pk}"
    before = Stamp.objects.versions([key])[key]
    with transaction.atomic():
        article.title = "Changed"
        article.save()
        during = Stamp.objects.versions([key])[key]
    assert during != before


def test_bulk_update_shows_once_content_changed_is_sent(client, page_cache, article):
    client.get(article.get_absolute_url())
    Article.objects.filter(pk=article.pk).update(title="Bulk title")
    content_changed.send(sender=Article, articles=[article.pk])
    assert "Bulk title" in client.get(article.get_absolute_url()).content.decode()


@pytest.mark.parametrize(
    "url, canonical",
    [
        ("/tag/Shenzhen/", "/tag/shenzhen/"),
        ("/tag/SHENZHEN/page/2/", "/tag/shenzhen/page/2/"),
        ("/category/Innovation/", "/category/innovation/"),
        ("/source/CaiXin/", "/source/caixin/"),
    ],
)
def test_case_variants_of_slugs_redirect(client, settings, category, url, canonical):
    settings.ARTICLES_PER_PAGE = 1
    source = SourceFactory(name="Caixin", slug="caixin")
    for _ in range(2):
        article = ArticleFactory(categories=[category], tags=["Shenzhen"])
        SourceLinkFactory(article=article, source=source)
    response = client.get(url)
    assert response.status_code == HTTPStatus.MOVED_PERMANENTLY
    assert response["Location"] == canonical
    assert client.get(canonical).status_code == HTTPStatus.OK
    assert client.get("/tag/no-such-tag/").status_code == HTTPStatus.NOT_FOUND


def test_a_cached_page_reads_one_stamp_until_a_write(
    client, page_cache, category, django_assert_num_queries
):
    """Every write bumps ``latest``: while it is unchanged, a cached page reads that
    row alone. After a write elsewhere the page's own stamps are read once more."""
    article = ArticleFactory(categories=[category], tags=["chips"])
    other = ArticleFactory(
        categories=[CategoryFactory(name="Travel", slug="travel")], tags=["ferries"]
    )
    url = article.get_absolute_url()
    client.get(url)
    with django_assert_num_queries(1):
        assert cached(client, url)
    other.title = "Ferries run again"
    other.save()
    with django_assert_num_queries(2):
        assert cached(client, url)
    with django_assert_num_queries(1):
        assert cached(client, url)
    article.title = "Chip line opens"
    article.save()
    assert "Chip line opens" in client.get(url).content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_cached_page_with_held_stamps_runs_no_query(
    client, settings, article, django_assert_num_queries
):
    settings.PAGE_CACHE_SECONDS = 300
    settings.STAMP_CACHE_SECONDS = 2
    client.get(article.get_absolute_url())
    with django_assert_num_queries(0):
        assert cached(client, article.get_absolute_url())


@pytest.mark.django_db(transaction=True)
def test_a_stale_held_stamp_lasts_at_most_stamp_cache_seconds(
    client, settings, article
):
    """If the cache misses a write's deletion (unreachable for a moment, or a reader
    storing the version it read just before the commit), the held version expires."""
    settings.PAGE_CACHE_SECONDS = 300
    settings.STAMP_CACHE_SECONDS = 1
    url = article.get_absolute_url()
    old = Stamp.objects.versions([f"article:{article.pk}", LATEST])
    client.get(url)
    Article.objects.filter(pk=article.pk).update(title="Quietly changed")
    content_changed.send(sender=Article, articles=[article.pk])
    # The lost deletion: the write's delete_many() of the versions it replaced.
    shared_cache.set_many({cache_key(key): old[key] for key in old}, 1)
    assert cached(client, url)
    time.sleep(1.1)
    assert "Quietly changed" in client.get(url).content.decode()


@pytest.mark.django_db(transaction=True)
def test_held_stamps_follow_edits(client, settings, category):
    """Held in the cache between writes; a write deletes what it replaces."""
    settings.PAGE_CACHE_SECONDS = 300
    settings.STAMP_CACHE_SECONDS = 2
    article = ArticleFactory(categories=[category])
    url = article.get_absolute_url()
    client.get(url)
    assert cached(client, url)
    held = shared_cache.get(cache_key(LATEST), shared_only=True)
    assert held is not None  # the check's one stamp, held between writes
    article.title = "Edited while held"
    article.save()
    assert shared_cache.get(cache_key(LATEST), shared_only=True) != held
    response = client.get(url)
    assert response.headers["X-Page-Cache"] == "miss"
    assert "Edited while held" in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_versions_read_inside_a_transaction_are_not_held(settings, category):
    """They may be the transaction's own, not yet committed."""
    settings.STAMP_CACHE_SECONDS = 2
    article = ArticleFactory(categories=[category])
    key = f"article:{article.pk}"
    with transaction.atomic():
        article.title = "Not yet committed"
        article.save()
        Stamp.objects.versions([key])
        assert shared_cache.get(cache_key(key), shared_only=True) is None
    Stamp.objects.versions([key])
    assert shared_cache.get(cache_key(key), shared_only=True) is not None


@pytest.mark.django_db(transaction=True)
def test_an_archive_is_never_seen_without_an_article_being_rebuilt(category):
    """content_changed sent outside a transaction (a task's) rebuilds an article's
    entries, which deletes them before inserting them again: in one transaction, so
    that no reader sees the archive without the article in between."""
    article = ArticleFactory(categories=[category])
    events = []

    def watch(execute, sql, params, many, context):
        if "articles_categoryentry" in sql:
            statement = sql.split(None, 1)[0].upper()
            if statement == "DELETE":
                transaction.on_commit(lambda: events.append("commit"))
            if statement in ("DELETE", "INSERT"):
                events.append(statement)
        return execute(sql, params, many, context)

    assert not connection.in_atomic_block
    with connection.execute_wrapper(watch):
        content_changed.send(sender=Article, articles=[article.pk])
    assert events == ["DELETE", "INSERT", "commit"]
    assert CategoryEntry.objects.filter(article=article).count() == 1
