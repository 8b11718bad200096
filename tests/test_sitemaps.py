"""Sitemap index, section sitemaps, the Google News sitemap and robots.txt."""

import datetime
import xml.etree.ElementTree as ET
from http import HTTPStatus

import pytest
from django.utils import timezone

from articles.models import Article
from articles.sitemaps import ArticleSitemap

from .factories import ArticleFactory, CategoryFactory, ChineseFactory

pytestmark = pytest.mark.django_db

SITE = "https://gba.example.com"
NS = {
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "news": "http://www.google.com/schemas/sitemap-news/0.9",
}


def xml(client, url):
    response = client.get(url)
    assert response.status_code == HTTPStatus.OK, url
    assert response["Content-Type"].startswith("application/xml")
    return ET.fromstring(response.content)


def locations(root, tag="sm:url"):
    return [el.findtext("sm:loc", namespaces=NS) for el in root.findall(tag, NS)]


def english(root):
    """The English entries (no language prefix) of a section sitemap.

    Each page is listed once per interface language (tests/test_i18n.py).
    """
    chinese = (f"{SITE}/zh-hans/", f"{SITE}/zh-hant/")
    return [
        url
        for url in root.findall("sm:url", NS)
        if not url.findtext("sm:loc", namespaces=NS).startswith(chinese)
    ]


def english_locations(root):
    return [url.findtext("sm:loc", namespaces=NS) for url in english(root)]


def test_index_lists_every_section(client, article):
    root = xml(client, "/sitemap.xml")
    assert root.tag == f"{{{NS['sm']}}}sitemapindex"
    assert locations(root, "sm:sitemap") == [
        f"{SITE}/sitemap-articles.xml",
        f"{SITE}/sitemap-categories.xml",
        f"{SITE}/sitemap-tags.xml",
        f"{SITE}/sitemap-authors.xml",
    ]
    first = root.find("sm:sitemap", NS)
    lastmod = datetime.datetime.fromisoformat(
        first.findtext("sm:lastmod", namespaces=NS)
    )
    assert lastmod == article.updated_at.replace(microsecond=lastmod.microsecond)


def test_article_sitemap_lists_published_articles(client, category):
    published = [ArticleFactory(categories=[category]) for _ in range(3)]
    ArticleFactory(status=Article.Status.DRAFT, published_at=None)
    ArticleFactory(published_at=timezone.now() + datetime.timedelta(days=1))
    root = xml(client, "/sitemap-articles.xml")
    assert len(root.findall("sm:url", NS)) == 3 * 3  # in three languages
    urls = english(root)
    expected = {SITE + a.get_absolute_url(): a for a in published}
    assert set(english_locations(root)) == set(expected)
    for url in urls:
        article = expected[url.findtext("sm:loc", namespaces=NS)]
        assert (
            url.findtext("sm:lastmod", namespaces=NS)
            # The date in the site's time zone (Hong Kong: a day ahead from 16:00 UTC)
            == timezone.localtime(article.updated_at).date().isoformat()
        )


def test_unicode_slugs_are_percent_encoded(client):
    article = ArticleFactory(title="深圳新闻", language=ChineseFactory())
    root = xml(client, "/sitemap-articles.xml")
    [loc] = english_locations(root)
    assert loc == SITE + article.get_absolute_url()
    assert all(loc.isascii() for loc in locations(root))


def test_category_and_tag_sitemaps(client, category):
    CategoryFactory(name="Empty")
    ArticleFactory(categories=[category], tags=["Shenzhen", "人工智能"])
    ArticleFactory(
        status=Article.Status.DRAFT, published_at=None, categories=[], tags=["Secret"]
    )
    assert english_locations(xml(client, "/sitemap-categories.xml")) == [
        f"{SITE}/category/empty/",
        f"{SITE}/category/innovation/",
    ]
    tags = english_locations(xml(client, "/sitemap-tags.xml"))
    assert sorted(tags) == sorted(
        [f"{SITE}/tag/shenzhen/", f"{SITE}/tag/%E4%BA%BA%E5%B7%A5%E6%99%BA%E8%83%BD/"]
    )


def test_large_sitemaps_are_paginated(client, monkeypatch, category):
    monkeypatch.setattr(ArticleSitemap, "limit", 4)
    ArticleFactory.create_batch(3, categories=[category])  # 9 entries, 3 languages
    index = locations(xml(client, "/sitemap.xml"), "sm:sitemap")
    assert index[:3] == [
        f"{SITE}/sitemap-articles.xml",
        f"{SITE}/sitemap-articles.xml?p=2",
        f"{SITE}/sitemap-articles.xml?p=3",
    ]
    counts = [
        len(xml(client, f"/sitemap-articles.xml?p={p}").findall("sm:url", NS))
        for p in (1, 2, 3)
    ]
    assert counts == [4, 4, 1]
    assert client.get("/sitemap-articles.xml?p=4").status_code == HTTPStatus.NOT_FOUND
    assert client.get("/sitemap-articles.xml?p=x").status_code == HTTPStatus.NOT_FOUND


def test_default_page_size_is_fifty_thousand():
    assert ArticleSitemap.limit == 50_000


def test_unknown_section_is_404(client):
    assert client.get("/sitemap-nothing.xml").status_code == HTTPStatus.NOT_FOUND


@pytest.mark.parametrize(
    "url",
    [
        "/sitemap.xml",
        "/sitemap-articles.xml",
        "/sitemap-categories.xml",
        "/sitemap-tags.xml",
        "/sitemap-authors.xml",
    ],
)
@pytest.mark.parametrize("n", [1, 50])
def test_sitemap_queries_do_not_grow(
    client, category, django_assert_max_num_queries, url, n
):
    for i in range(n):
        ArticleFactory(categories=[category], tags=[f"tag-{i}"])
    # index: count + latest lastmod for each of four sections, the cache stamps
    # and the next-scheduled-article bound
    with django_assert_max_num_queries(10):
        client.get(url)


class TestNewsSitemap:
    def test_lists_the_last_48_hours(self, client, category, settings):
        settings.NEWS_PUBLICATION_NAME = "GBA Tech News"
        now = timezone.now()
        fresh = ArticleFactory(
            title="Fresh & new",
            categories=[category],
            published_at=now - datetime.timedelta(hours=3),
        )
        chinese = ArticleFactory(
            title="深圳新闻",
            language=ChineseFactory(),
            categories=[category],
            published_at=now - datetime.timedelta(hours=47),
        )
        ArticleFactory(
            categories=[category], published_at=now - datetime.timedelta(hours=49)
        )
        ArticleFactory(
            categories=[category], published_at=now + datetime.timedelta(hours=1)
        )
        ArticleFactory(
            categories=[category], status=Article.Status.DRAFT, published_at=None
        )
        root = xml(client, "/news-sitemap.xml")
        urls = root.findall("sm:url", NS)
        assert [u.findtext("sm:loc", namespaces=NS) for u in urls] == [
            SITE + fresh.get_absolute_url(),
            SITE + chinese.get_absolute_url(),
        ]
        news = urls[0].find("news:news", NS)
        assert (
            news.findtext("news:publication/news:name", namespaces=NS)
            == "GBA Tech News"
        )
        assert news.findtext("news:publication/news:language", namespaces=NS) == "en"
        assert news.findtext("news:title", namespaces=NS) == "Fresh & new"
        published = datetime.datetime.fromisoformat(
            news.findtext("news:publication_date", namespaces=NS)
        )
        assert published == fresh.published_at
        second = urls[1].find("news:news", NS)
        assert (
            second.findtext("news:publication/news:language", namespaces=NS) == "zh-cn"
        )

    @pytest.mark.parametrize("n", [1, 50])
    def test_queries_do_not_grow(
        self, client, category, django_assert_max_num_queries, n
    ):
        ArticleFactory.create_batch(n, categories=[category], tags=["x"])
        # 5 for the sitemap (articles and their prefetches), 1 for the cache stamps,
        # 1 for the next-scheduled-article bound
        with django_assert_max_num_queries(7):
            root = xml(client, "/news-sitemap.xml")
        assert len(root.findall("sm:url", NS)) == n


def test_robots_txt(client):
    response = client.get("/robots.txt")
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines
    assert "Disallow: /admin/" in lines
    assert f"Sitemap: {SITE}/sitemap.xml" in lines
    assert f"Sitemap: {SITE}/news-sitemap.xml" in lines
