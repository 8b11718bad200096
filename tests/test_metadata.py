"""Page metadata: title, description, canonical/prev/next, Open Graph, Twitter,
feed links, hreflang and JSON-LD (parsed as JSON)."""

import datetime
import json
from html.parser import HTMLParser

import pytest
from django.utils import timezone

from articles.models import SourceLink

from .factories import (
    ArticleFactory,
    AuthorFactory,
    ChineseFactory,
    SourceFactory,
    SourceLinkFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

SITE = "https://gba.example.com"
HOSTILE_TITLE = 'He said "hi" </script><script>alert(1)</script> & <!-- \u2028'


class Head(HTMLParser):
    """Collect <meta>, <link> and JSON-LD scripts of a page."""

    def __init__(self, html):
        super().__init__()
        self.meta, self.links, self.json_ld, self.title = {}, [], [], ""
        self._in, self._buffer = None, ""
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta":
            self.meta[attrs.get("property") or attrs.get("name")] = attrs.get("content")
        elif tag == "link":
            self.links.append(attrs)
        elif tag == "script" and attrs.get("type") == "application/ld+json":
            self._in, self._buffer = "json", ""
        elif tag == "title":
            self._in, self._buffer = "title", ""

    def handle_data(self, data):
        if self._in:
            self._buffer += data

    def handle_endtag(self, tag):
        if self._in == "json" and tag == "script":
            self.json_ld.append(json.loads(self._buffer))
        elif self._in == "title" and tag == "title":
            self.title = self._buffer
        if tag in {"script", "title"}:
            self._in = None

    def link(self, rel, **attrs):
        return [
            link["href"]
            for link in self.links
            if link.get("rel") == rel
            and all(link.get(k) == v for k, v in attrs.items())
        ]


def head(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return Head(response.content.decode())


@pytest.fixture
def story(category):
    article = ArticleFactory(
        title=HOSTILE_TITLE,
        lead="A lead with <b>markup</b> that is " + "long " * 60,
        body="<p>Body.</p>",
        author=UserFactory(username="mchan", first_name="Mei", last_name="Chan"),
        authors=[AuthorFactory(name="Mei Chan", slug="mei-chan")],
        categories=[category],
        tags=["Shenzhen"],
        with_image=True,
    )
    SourceLinkFactory(
        article=article, url="https://caixin.example.com/a", source=SourceFactory()
    )
    SourceLinkFactory(
        article=article,
        url="https://pending.example.com/b",
        status=SourceLink.Status.PENDING,
    )
    return article


class TestArticlePage:
    def test_news_article_json_ld_survives_a_hostile_title(self, client, story):
        response = client.get(story.get_absolute_url())
        html = response.content.decode()
        assert "<script>alert(1)</script>" not in html
        page = Head(html)
        [data] = page.json_ld
        url = SITE + story.get_absolute_url()
        assert data["@context"] == "https://schema.org"
        assert data["@type"] == "NewsArticle"
        assert data["headline"] == HOSTILE_TITLE
        assert data["url"] == data["mainEntityOfPage"] == url
        assert (
            datetime.datetime.fromisoformat(data["datePublished"]) == story.published_at
        )
        assert datetime.datetime.fromisoformat(data["dateModified"]) == story.updated_at
        assert data["author"] == [
            {"@type": "Person", "name": "Mei Chan", "url": f"{SITE}/author/mei-chan/"}
        ]
        assert data["image"] == [SITE + story.image.url]
        assert data["publisher"]["@type"] == "Organization"
        assert data["publisher"]["name"] == "GBA Tech News"
        assert data["articleSection"] == ["Innovation"]
        assert data["inLanguage"] == "en"
        assert data["isBasedOn"] == ["https://caixin.example.com/a"]

    def test_title_description_canonical_and_social_tags(self, client, story):
        page = head(client, story.get_absolute_url())
        url = SITE + story.get_absolute_url()
        assert page.title == f"{HOSTILE_TITLE} | GBA Tech News"
        description = page.meta["description"]
        assert "<b>" not in description and "markup" in description
        assert len(description) <= 160
        assert page.link("canonical") == [url]
        assert page.meta["og:type"] == "article"
        assert page.meta["og:title"] == HOSTILE_TITLE
        assert page.meta["og:url"] == url
        assert page.meta["og:description"] == description
        assert page.meta["og:image"] == SITE + story.image.url
        assert page.meta["og:image:alt"] == "Victoria Harbour at night"
        assert page.meta["og:locale"] == "en_US"
        assert page.meta["twitter:card"] == "summary_large_image"
        assert page.meta["twitter:image"] == SITE + story.image.url

    def test_without_an_image_the_card_is_a_summary(self, client, category):
        article = ArticleFactory(categories=[category])
        page = head(client, article.get_absolute_url())
        assert page.meta["twitter:card"] == "summary"
        assert "og:image" not in page.meta
        assert "image" not in page.json_ld[0]
        assert page.json_ld[0]["author"] == [
            {"@type": "Organization", "name": "GBA Tech News"}
        ]

    def test_hreflang_names_the_page_in_each_interface_language(self, client):
        article = ArticleFactory(title="深圳新闻", language=ChineseFactory())
        path = article.get_absolute_url()
        page = head(client, path)
        assert page.link("alternate", hreflang="zh-Hans") == [f"{SITE}/zh-hans{path}"]
        assert page.link("alternate", hreflang="zh-Hant") == [f"{SITE}/zh-hant{path}"]
        assert page.link("alternate", hreflang="en") == [SITE + path]
        assert page.link("alternate", hreflang="x-default") == [SITE + path]
        assert page.meta["og:locale"] == "zh_CN"

    def test_feeds_are_advertised(self, client, story):
        page = head(client, story.get_absolute_url())
        assert page.link("alternate", type="application/rss+xml") == [f"{SITE}/feed/"]
        assert page.link("alternate", type="application/atom+xml") == [
            f"{SITE}/feed/atom/"
        ]


def days_ago(days):
    return timezone.now() - datetime.timedelta(days=days)


class TestArchivePages:
    @pytest.fixture
    def twenty_five(self, category):
        return [
            ArticleFactory(
                categories=[category], tags=["Shenzhen"], published_at=days_ago(i)
            )
            for i in range(1, 26)
        ]

    def test_canonical_prev_next_are_absolute(self, client, twenty_five):
        first = head(client, "/category/innovation/")
        assert first.link("canonical") == [f"{SITE}/category/innovation/"]
        assert first.link("prev") == []
        assert first.link("next") == [f"{SITE}/category/innovation/page/2/"]
        middle = head(client, "/category/innovation/page/2/")
        assert middle.link("canonical") == [f"{SITE}/category/innovation/page/2/"]
        assert middle.link("prev") == [f"{SITE}/category/innovation/"]
        assert middle.link("next") == [f"{SITE}/category/innovation/page/3/"]
        last = head(client, "/category/innovation/page/3/")
        assert last.link("prev") == [f"{SITE}/category/innovation/page/2/"]
        assert last.link("next") == []

    def test_category_and_tag_pages_advertise_their_feeds(self, client, twenty_five):
        category = head(client, "/category/innovation/")
        assert category.link("alternate", type="application/rss+xml") == [
            f"{SITE}/feed/",
            f"{SITE}/category/innovation/feed/",
        ]
        assert f"{SITE}/category/innovation/feed/atom/" in category.link(
            "alternate", type="application/atom+xml"
        )
        tag = head(client, "/tag/shenzhen/")
        assert f"{SITE}/tag/shenzhen/feed/" in tag.link(
            "alternate", type="application/rss+xml"
        )

    def test_category_breadcrumbs(self, client, twenty_five):
        [data] = head(client, "/category/innovation/page/2/").json_ld
        assert data["@type"] == "BreadcrumbList"
        assert data["itemListElement"] == [
            {
                "@type": "ListItem",
                "position": 1,
                "name": "GBA Tech News",
                "item": f"{SITE}/",
            },
            {
                "@type": "ListItem",
                "position": 2,
                "name": "Category Archives: Innovation",
                "item": f"{SITE}/category/innovation/",
            },
        ]

    def test_month_breadcrumbs(self, client, category):
        ArticleFactory(
            categories=[category],
            published_at=timezone.make_aware(datetime.datetime(2020, 5, 20, 9)),
        )
        [data] = head(client, "/2020/05/").json_ld
        assert [(i["name"], i["item"]) for i in data["itemListElement"]] == [
            ("GBA Tech News", f"{SITE}/"),
            ("2020", f"{SITE}/2020/"),
            ("May 2020", f"{SITE}/2020/05/"),
        ]

    def test_home_page_has_website_metadata_and_no_breadcrumbs(
        self, client, twenty_five
    ):
        page = head(client, "/")
        assert page.json_ld == []
        assert page.meta["og:type"] == "website"
        assert page.meta["og:title"] == "GBA Tech News"
        assert page.link("canonical") == [f"{SITE}/"]

    def test_hostile_category_name_stays_inside_json(self, client, category):
        category.name = HOSTILE_TITLE
        category.save()
        html = client.get("/category/innovation/").content.decode()
        assert "<script>alert(1)</script>" not in html
        [data] = Head(html).json_ld
        assert (
            data["itemListElement"][1]["name"] == f"Category Archives: {HOSTILE_TITLE}"
        )
