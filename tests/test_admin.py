from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils.html import escape

from articles.models import Article, Source, SourceLink

from .factories import (
    ArticleFactory,
    CategoryFactory,
    LanguageFactory,
    SourceDomainFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db


def article_form(**overrides):
    """POST data for the article add/change form, with an empty source-link inline."""
    data = {
        "title": "Shenzhen opens a robotics lab",
        "slug": "",
        "lead": "A new lab opened in Nanshan.",
        "body": "<p>Robots.</p>",
        "status": Article.Status.PUBLISHED,
        "published_at_0": "2020-06-01",
        "published_at_1": "09:30:00",
        "author": "",
        "language": LanguageFactory().pk,
        "categories": [CategoryFactory(name="Innovation", slug="innovation").pk],
        "tags": "robots, Shenzhen",
        "image_alt": "",
        "source_links-TOTAL_FORMS": "0",
        "source_links-INITIAL_FORMS": "0",
        "source_links-MIN_NUM_FORMS": "0",
        "source_links-MAX_NUM_FORMS": "1000",
        "bylines-TOTAL_FORMS": "0",
        "bylines-INITIAL_FORMS": "0",
    }
    data.update(overrides)
    return data


def test_admin_requires_login(client):
    response = client.get("/admin/articles/article/")
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith("/admin/login/")


def test_editor_creates_and_publishes_an_article(client, editor):
    """A link to a trusted source is approved by the rule and shown at once."""
    client.force_login(editor)
    source = SourceFactory(name="Caixin", slug="caixin", is_trusted=True)
    SourceDomainFactory(source=source, domain="caixinglobal.com")
    data = article_form(
        **{
            "source_links-TOTAL_FORMS": "1",
            "source_links-0-url": "https://www.caixinglobal.com/robots?utm_source=x",
            "source_links-0-source": "",
            "source_links-0-language": "",
            "source_links-0-archive_url": "",
        }
    )
    response = client.post(reverse("admin:articles_article_add"), data)
    assert response.status_code == HTTPStatus.FOUND, response.context[
        "adminform"
    ].form.errors
    article = Article.objects.get()
    assert article.slug == "shenzhen-opens-a-robotics-lab"
    assert article.is_published()
    assert sorted(t.name for t in article.tags.all()) == ["Shenzhen", "robots"]
    link = article.source_links.get()
    assert link.url == "https://www.caixinglobal.com/robots"
    assert (link.source, link.status) == (source, SourceLink.Status.APPROVED)
    assert link.approved_by_rule and link.submitted_by == editor
    page = client.get("/category/innovation/").content.decode()
    assert "Shenzhen opens a robotics lab" in page
    assert "Read more on" in page and "Caixin" in page
    assert client.get(article.get_absolute_url()).status_code == HTTPStatus.OK


def test_publishing_needs_a_category(client, editor):
    client.force_login(editor)
    response = client.post(
        reverse("admin:articles_article_add"), article_form(categories=[])
    )
    assert response.status_code == HTTPStatus.OK
    assert (
        "Choose at least one category before publishing." in response.content.decode()
    )
    assert not Article.objects.exists()


def test_draft_may_have_no_category(client, editor):
    client.force_login(editor)
    data = article_form(
        categories=[], status=Article.Status.DRAFT, published_at_0="", published_at_1=""
    )
    assert (
        client.post(reverse("admin:articles_article_add"), data).status_code
        == HTTPStatus.FOUND
    )
    assert Article.objects.get().status == Article.Status.DRAFT


def test_hostile_body_is_cleaned_through_the_admin(client, editor):
    client.force_login(editor)
    body = (
        '<p onmouseover="steal()">Hi</p>'
        "<script>alert(1)</script><img src=x onerror=alert(1)>"
    )
    client.post(reverse("admin:articles_article_add"), article_form(body=body))
    assert Article.objects.get().body == "<p>Hi</p>"


COSTLY_BODIES = [
    pytest.param(
        "<blockquote>" * 150 + "Deep", "The body is too deeply nested", id="nested"
    ),
    pytest.param(
        "<p " + " ".join(f"a{i}=x" for i in range(60)) + ">x</p>",
        "A tag in the body has too many attributes",
        id="attributes",
    ),
    pytest.param("<b>x</b>" * 6_000, "The body has too much markup", id="markup"),
]


@pytest.mark.parametrize(("body", "reason"), COSTLY_BODIES)
def test_body_too_costly_to_clean_is_a_form_error(client, editor, body, reason):
    """The form says why, keeps the editor's text and saves nothing."""
    client.force_login(editor)
    response = client.post(
        reverse("admin:articles_article_add"), article_form(body=body)
    )
    assert response.status_code == HTTPStatus.OK
    content = response.content.decode()
    assert reason in content
    assert escape(body) in content
    assert not Article.objects.exists()


def test_refused_body_leaves_the_stored_article_unchanged(client, editor):
    article = ArticleFactory(body="<p>Stored.</p>")
    client.force_login(editor)
    body = "<b>" * 200 + "Deep"
    data = article_form(
        slug=article.slug,
        body=body,
        categories=[c.pk for c in article.categories.all()],
        base_version=article.version,
    )
    url = reverse("admin:articles_article_change", args=[article.pk])
    response = client.post(url, data)
    assert response.status_code == HTTPStatus.OK
    assert "The body is too deeply nested" in response.content.decode()
    assert escape(body) in response.content.decode()
    stored = Article.objects.get()
    assert (stored.body, stored.version) == ("<p>Stored.</p>", article.version)


def test_duplicate_source_link_is_a_form_error(client, editor):
    client.force_login(editor)
    urls = ["https://example.com/a", "https://EXAMPLE.com/a?utm_source=x#top"]
    data = article_form(**{"source_links-TOTAL_FORMS": "2"})
    for i, url in enumerate(urls):
        data.update(
            {
                f"source_links-{i}-url": url,
                f"source_links-{i}-source": "",
                f"source_links-{i}-language": "",
                f"source_links-{i}-archive_url": "",
            }
        )
    response = client.post(reverse("admin:articles_article_add"), data)
    assert response.status_code == HTTPStatus.OK
    assert "The same URL is entered twice" in response.content.decode()
    assert not Article.objects.exists()


def test_editor_changes_an_article(client, editor):
    article = ArticleFactory(title="Old title")
    client.force_login(editor)
    url = reverse("admin:articles_article_change", args=[article.pk])
    assert client.get(url).status_code == HTTPStatus.OK
    data = article_form(
        title="New title",
        slug=article.slug,
        categories=[c.pk for c in article.categories.all()],
        base_version=article.version,
    )
    assert client.post(url, data).status_code == HTTPStatus.FOUND
    article.refresh_from_db()
    assert article.title == "New title"


@pytest.mark.parametrize(
    "params",
    ["", "?q=Shenzhen", "?status__exact=published", "?published_at__year=2020", "?o=3"],
)
def test_article_changelist(admin_client, params):
    ArticleFactory.create_batch(3, title="Shenzhen news")
    response = admin_client.get("/admin/articles/article/" + params)
    assert response.status_code == HTTPStatus.OK


@pytest.mark.parametrize(
    "model", ["category", "source", "language", "sourcelink", "searchsynonym"]
)
def test_other_admins_list_and_search(admin_client, model):
    ArticleFactory()
    response = admin_client.get(f"/admin/articles/{model}/?q=a")
    assert response.status_code == HTTPStatus.OK
    assert (
        admin_client.get(f"/admin/articles/{model}/add/").status_code == HTTPStatus.OK
    )


def test_category_autocomplete(admin_client):
    CategoryFactory(name="Innovation", slug="innovation")
    response = admin_client.get(
        "/admin/autocomplete/",
        {
            "term": "Inno",
            "app_label": "articles",
            "model_name": "article",
            "field_name": "categories",
        },
    )
    assert response.status_code == HTTPStatus.OK
    assert response.json()["results"][0]["text"] == "Innovation"


def test_source_lists_its_domains_in_the_admin(admin_client):
    response = admin_client.post(
        reverse("admin:articles_source_add"),
        {
            "name": "Caixin",
            "slug": "caixin",
            "homepage": "https://www.caixinglobal.com/",
            "language": "",
            "is_trusted": "on",
            "domains-TOTAL_FORMS": "2",
            "domains-INITIAL_FORMS": "0",
            "domains-MIN_NUM_FORMS": "0",
            "domains-MAX_NUM_FORMS": "1000",
            "domains-0-domain": "CaixinGlobal.com.",
            "domains-1-domain": "https://www.caixin.com/",
        },
    )
    assert response.status_code == HTTPStatus.FOUND
    source = Source.objects.get(slug="caixin")
    assert source.is_trusted
    assert sorted(source.domains.values_list("domain", flat=True)) == [
        "caixinglobal.com",
        "www.caixin.com",
    ]


@pytest.mark.parametrize("model", ["denieddomain", "sourcelinkmoderation"])
def test_moderation_admins_list_and_search(admin_client, model):
    ArticleFactory()
    response = admin_client.get(f"/admin/articles/{model}/?q=a")
    assert response.status_code == HTTPStatus.OK
