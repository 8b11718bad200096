"""Readers' pages: Jinja2 templates, autoescaped, fed by per-version lookup tables."""

import datetime

import pytest

from articles.models import Article

from .factories import (
    ArticleFactory,
    CategoryFactory,
    ChineseFactory,
    SourceFactory,
    SourceLinkFactory,
)
from .pages import page

pytestmark = pytest.mark.django_db

HOSTILE = '<script>alert("x")</script>'


def test_hostile_names_are_escaped_everywhere_they_are_shown(client):
    category = CategoryFactory(name=f"Cat {HOSTILE}", slug="cat")
    source = SourceFactory(name=f"Src {HOSTILE}", slug="src")
    article = ArticleFactory(
        title=f"Title {HOSTILE}",
        lead=f"Lead {HOSTILE}",
        body="<p>More.</p>",
        categories=[category],
        tags=[f"tag {HOSTILE}"],
    )
    SourceLinkFactory(article=article, source=source)
    for url in ("/", "/category/cat/", "/source/src/", article.get_absolute_url()):
        html = page(client, url)
        assert "<script>alert" not in html, url
        assert "&lt;script&gt;alert" in html, url


def test_leads_and_descriptions_are_escaped_paragraphs(client):
    category = CategoryFactory(
        slug="cat", description="About <i>this</i>.\r\n\r\nSecond part."
    )
    article = ArticleFactory(
        lead="Line one <b>x</b>\nline two\n\n\nNext paragraph", categories=[category]
    )
    lead = (
        '<div class="entry-lead"><p>Line one &lt;b&gt;x&lt;/b&gt;<br>line two</p>'
        "\n\n<p>Next paragraph</p></div>"
    )
    for url in ("/", "/category/cat/", article.get_absolute_url()):
        assert lead in page(client, url), url
    assert (
        '<div class="archive-description"><p>About &lt;i&gt;this&lt;/i&gt;.</p>'
        "\n\n<p>Second part.</p></div>"
    ) in page(client, "/category/cat/")


def test_renamed_category_source_and_language_show_on_the_next_request(client):
    category = CategoryFactory(name="Robotics", slug="robotics")
    source = SourceFactory(name="Caixin", slug="caixin", language=ChineseFactory())
    article = ArticleFactory(categories=[category])
    SourceLinkFactory(article=article, source=source)
    html = page(client, "/")
    assert ">Robotics</a>" in html
    assert "Caixin" in html and "(in Chinese)" in html

    category.name = "Robots"
    category.save()
    source.name = "Caixin Global"
    source.save()
    source.language.name = "Mandarin"
    source.language.save()

    for url in ("/", "/category/robotics/", article.get_absolute_url()):
        html = page(client, url)
        assert ">Robots</a>" in html, url
        assert ">Robotics</a>" not in html, url
        assert "Caixin Global" in html and "(in Mandarin)" in html, url


def test_a_category_created_after_the_tables_were_loaded_is_found(client):
    page(client, "/")
    category = CategoryFactory(name="Batteries", slug="batteries")
    article = ArticleFactory(categories=[category])
    assert ">Batteries</a>" in page(client, article.get_absolute_url())
    loaded = Article.objects.for_listing().get(pk=article.pk)
    assert [c.name for c in loaded.listed_categories] == ["Batteries"]


def test_entry_lists_categories_in_navigation_order_and_tags_by_name(client):
    second = CategoryFactory(name="Alpha", slug="alpha", position=2)
    first = CategoryFactory(name="Zulu", slug="zulu", position=1)
    article = ArticleFactory(categories=[second, first], tags=["b-tag", "a-tag"])
    loaded = Article.objects.for_listing().get(pk=article.pk)
    assert [c.name for c in loaded.listed_categories] == ["Zulu", "Alpha"]
    assert [t.name for t in loaded.listed_tags] == ["a-tag", "b-tag"]
    html = page(client, "/")
    assert html.index(">Zulu</a>") < html.index(">Alpha</a>")


def test_related_articles_follow_content_changes(client, category):
    main = ArticleFactory(categories=[category], tags=["drones"])
    url = main.get_absolute_url()
    assert "Related stories" not in page(client, url)
    other = ArticleFactory(title="Drone delivery", tags=["drones"])
    assert "Drone delivery" in page(client, url)
    other.status = Article.Status.DRAFT
    other.save()
    assert "Drone delivery" not in page(client, url)


def test_missing_values_render_empty_not_an_error(client, article):
    # The home page has no category, source or canonical archive title.
    html = page(client, "/")
    assert 'aria-current="page"' not in html
    assert "None" not in html.split("<main", 1)[1]


def test_dates_show_in_the_site_time_zone(client, category):
    stamp = datetime.datetime(2024, 5, 28, 20, 30, tzinfo=datetime.UTC)
    article = ArticleFactory(categories=[category], published_at=stamp)
    for url in ("/category/innovation/", article.get_absolute_url()):
        html = page(client, url)
        assert '<time datetime="2024-05-29T04:30:00+08:00">May 29, 2024</time>' in html
