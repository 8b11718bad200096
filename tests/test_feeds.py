"""RSS and Atom feeds, read back with feedparser field by field."""

import datetime
from http import HTTPStatus

import feedparser
import pytest
from django.utils import timezone
from django.utils.http import http_date

from articles.models import Article, SourceLink

from .factories import (
    ArticleFactory,
    AuthorFactory,
    CategoryFactory,
    SourceFactory,
    SourceLinkFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

SITE = "https://gba.example.com"
FEED_URLS = [
    "/feed/",
    "/feed/atom/",
    "/category/innovation/feed/",
    "/category/innovation/feed/atom/",
    "/tag/shenzhen/feed/",
    "/tag/shenzhen/feed/atom/",
]


def parse(client, url):
    response = client.get(url)
    assert response.status_code == HTTPStatus.OK, url
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    return response, parsed


@pytest.fixture
def story(category):
    article = ArticleFactory(
        title="Shenzhen opens a “robot” port",
        lead="Cranes & drones at Yantian.",
        body='<p>Full <strong>story</strong>.</p><script>alert("x")</script>',
        author=UserFactory(username="lwong", first_name="Li", last_name="Wong"),
        authors=[AuthorFactory(name="Li Wong", slug="li-wong")],
        categories=[category],
        tags=["Shenzhen", "Ports"],
        with_image=True,
    )
    SourceLinkFactory(
        article=article,
        url="https://caixin.example.com/yantian",
        source=SourceFactory(name="Caixin", slug="caixin"),
    )
    SourceLinkFactory(
        article=article,
        url="https://pending.example.com/hidden",
        status=SourceLink.Status.PENDING,
    )
    return article


def test_rss_item_fields(client, story):
    response, parsed = parse(client, "/feed/")
    assert parsed.version == "rss20"
    assert response["Content-Type"].startswith("application/rss+xml")
    assert parsed.feed.title == "GBA Tech News"
    assert parsed.feed.link == f"{SITE}/"
    [entry] = parsed.entries
    assert entry.title == story.title
    assert entry.link == SITE + story.get_absolute_url()
    assert entry.id == f"{SITE}/?p={story.pk}"
    assert entry.guidislink is False
    assert entry.published_parsed[:6] == story.published_at.utctimetuple()[:6]
    assert entry.author == "Li Wong"
    assert {tag.term for tag in entry.tags} == {"Innovation", "Shenzhen", "Ports"}
    assert entry.summary == "<p>Cranes &amp; drones at Yantian.</p>"
    [content] = entry.content
    assert "<strong>story</strong>" in content.value
    assert 'href="https://caixin.example.com/yantian"' in content.value
    assert f'src="{SITE}{story.image.url}"' in content.value
    assert "Read more on" in content.value
    [enclosure] = entry.enclosures
    assert enclosure.href == SITE + story.image.url
    assert enclosure.type == "image/jpeg"
    assert int(enclosure.length) == story.image.size > 0


def test_atom_entry_fields(client, story):
    response, parsed = parse(client, "/feed/atom/")
    assert parsed.version == "atom10"
    assert response["Content-Type"].startswith("application/atom+xml")
    [entry] = parsed.entries
    assert entry.title == story.title
    assert entry.link == SITE + story.get_absolute_url()
    assert entry.id == f"{SITE}/?p={story.pk}"
    assert entry.author == "Li Wong"
    assert entry.updated_parsed[:6] == story.updated_at.utctimetuple()[:6]
    assert entry.content[0].type == "text/html"
    assert "<strong>story</strong>" in entry.content[0].value
    assert entry.enclosures[0].href == SITE + story.image.url


@pytest.mark.parametrize("url", ["/feed/", "/feed/atom/"])
def test_each_lead_paragraph_is_its_own_paragraph(client, category, url):
    """Blank lines in the lead separate <p>s in the description and the content."""
    ArticleFactory(
        lead="Cranes & <drones>.\n\nA second\nparagraph.", categories=[category]
    )
    _, parsed = parse(client, url)
    [entry] = parsed.entries
    paragraphs = (
        "<p>Cranes &amp; &lt;drones&gt;.</p>\n\n<p>A second<br />paragraph.</p>"
    )
    assert entry.summary == paragraphs
    assert paragraphs in entry.content[0].value


@pytest.mark.parametrize("url", FEED_URLS)
def test_feeds_carry_no_unapproved_link_and_no_script(client, story, url):
    response = client.get(url)
    raw = response.content.decode()
    assert "pending.example.com" not in raw
    assert "alert(" not in raw
    assert "https://caixin.example.com/yantian" in raw


def test_guid_is_stable_when_the_url_changes(client, story):
    before = parse(client, "/feed/")[1].entries[0]
    story.slug = "renamed"
    story.title = "Renamed"
    story.save()
    after = parse(client, "/feed/")[1].entries[0]
    assert after.id == before.id
    assert after.link != before.link


def test_only_published_articles_newest_first(client, category):
    now = timezone.now()
    ArticleFactory(
        title="Older",
        categories=[category],
        published_at=now - datetime.timedelta(days=2),
    )
    ArticleFactory(
        title="Newer",
        categories=[category],
        published_at=now - datetime.timedelta(hours=1),
    )
    ArticleFactory(
        title="Draft",
        categories=[category],
        status=Article.Status.DRAFT,
        published_at=None,
    )
    ArticleFactory(
        title="Scheduled",
        categories=[category],
        published_at=now + datetime.timedelta(hours=1),
    )
    titles = [e.title for e in parse(client, "/feed/")[1].entries]
    assert titles == ["Newer", "Older"]


def test_category_and_tag_feeds_are_scoped(client, category):
    ArticleFactory(title="In", categories=[category], tags=["Shenzhen"])
    ArticleFactory(
        title="Out", categories=[CategoryFactory(name="Finance")], tags=["Other"]
    )
    for url in FEED_URLS[2:]:
        assert [e.title for e in parse(client, url)[1].entries] == ["In"]
    _response, parsed = parse(client, "/category/innovation/feed/")
    assert parsed.feed.title == "GBA Tech News » Innovation"
    assert parsed.feed.link == f"{SITE}/category/innovation/"


def test_feed_size_is_a_setting(client, settings, category):
    settings.FEED_ITEMS = 3
    ArticleFactory.create_batch(5, categories=[category])
    assert len(parse(client, "/feed/")[1].entries) == 3


@pytest.mark.parametrize(
    "url",
    [
        "/category/no-such/feed/",
        "/category/no-such/feed/atom/",
        "/tag/no-such/feed/",
        "/tag/no-such/feed/atom/",
    ],
)
def test_unknown_category_or_tag_feed_is_404(client, url):
    assert client.get(url).status_code == HTTPStatus.NOT_FOUND


class TestConditionalGet:
    @pytest.mark.parametrize("url", FEED_URLS)
    def test_unchanged_feed_answers_304(self, client, story, url):
        first = client.get(url)
        assert first["ETag"]
        assert first["Last-Modified"] == http_date(
            max(story.updated_at, story.published_at).timestamp()
        )
        by_etag = client.get(url, headers={"if-none-match": first["ETag"]})
        assert by_etag.status_code == HTTPStatus.NOT_MODIFIED
        assert by_etag.content == b""
        by_date = client.get(url, headers={"if-modified-since": first["Last-Modified"]})
        assert by_date.status_code == HTTPStatus.NOT_MODIFIED

    def test_an_edit_changes_the_etag(self, client, story):
        first = client.get("/feed/")
        story.lead = "Edited."
        story.save()
        again = client.get("/feed/", headers={"if-none-match": first["ETag"]})
        assert again.status_code == HTTPStatus.OK
        assert again["ETag"] != first["ETag"]

    def test_a_scheduled_article_coming_due_changes_the_etag(self, client, story):
        first = client.get("/feed/")
        Article.objects.filter(pk=story.pk).update(
            published_at=timezone.now() - datetime.timedelta(minutes=1)
        )
        again = client.get("/feed/", headers={"if-none-match": first["ETag"]})
        assert again.status_code == HTTPStatus.OK

    def test_post_is_not_allowed(self, client, story):
        assert client.post("/feed/").status_code == HTTPStatus.METHOD_NOT_ALLOWED


# Cache stamps (site, the archive, the items: three reads), the items' ids and
# dates (for the stamps and condition()'s validators), items, categories, bylines, tags,
# links (+ the category or tag), and the next-scheduled-article bound (once per
# change of what is published)
MAX_FEED_QUERIES = 11


@pytest.mark.parametrize("url", FEED_URLS)
@pytest.mark.parametrize("n", [1, 50])
def test_feed_queries_do_not_grow(
    client, settings, category, django_assert_max_num_queries, url, n
):
    settings.FEED_ITEMS = 50
    source = SourceFactory(name="Caixin", slug="caixin")
    for i in range(n):
        article = ArticleFactory(
            categories=[category], tags=["Shenzhen", f"t{i}"], author=UserFactory()
        )
        SourceLinkFactory(article=article, source=source)
    with django_assert_max_num_queries(MAX_FEED_QUERIES):
        response = client.get(url)
    assert len(feedparser.parse(response.content).entries) == n
