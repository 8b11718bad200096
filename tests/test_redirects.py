"""Stable URLs: a published article's old address keeps working with a 301."""

import datetime
from http import HTTPStatus

import pytest
from django.utils import timezone

from articles.models import Article, ArticleRedirect

from .factories import ArticleFactory

pytestmark = pytest.mark.django_db


def test_changed_slug_redirects_permanently(client, article):
    old_url = article.get_absolute_url()
    article.slug = "new-slug"
    article.save()
    response = client.get(old_url)
    assert response.status_code == HTTPStatus.MOVED_PERMANENTLY
    assert response["Location"] == article.get_absolute_url()
    assert client.get(response["Location"]).status_code == HTTPStatus.OK


def test_changed_date_redirects_permanently(client, article):
    old_url = article.get_absolute_url()
    article.published_at -= datetime.timedelta(days=40)
    article.save()
    response = client.get(old_url)
    assert response.status_code == HTTPStatus.MOVED_PERMANENTLY
    assert response["Location"] == article.get_absolute_url() != old_url


def test_slug_and_date_changed_together(client, article):
    old_url = article.get_absolute_url()
    article.slug = "both-changed"
    article.published_at -= datetime.timedelta(days=3)
    article.save()
    response = client.get(old_url)
    assert response.status_code == HTTPStatus.MOVED_PERMANENTLY
    assert response["Location"] == article.get_absolute_url()


def test_every_earlier_slug_leads_to_the_current_url(client, article):
    urls = [article.get_absolute_url()]
    for slug in ["second", "third"]:
        article.slug = slug
        article.save()
        urls.append(article.get_absolute_url())
    for url in urls[:-1]:
        assert client.get(url)["Location"] == urls[-1]


def test_renaming_back_removes_the_loop(client, article):
    original = article.slug
    article.slug = "temporary"
    article.save()
    article.slug = original
    article.save()
    assert not ArticleRedirect.objects.filter(old_slug=original).exists()
    assert client.get(article.get_absolute_url()).status_code == HTTPStatus.OK
    assert (
        client.get(article.get_absolute_url().replace(original, "temporary"))[
            "Location"
        ]
        == article.get_absolute_url()
    )


def test_draft_slug_changes_leave_no_redirect(article):
    draft = ArticleFactory(status=Article.Status.DRAFT, published_at=None)
    draft.slug = "draft-renamed"
    draft.save()
    assert not ArticleRedirect.objects.exists()


def test_old_url_of_an_unpublished_article_is_404(client, article):
    old_url = article.get_absolute_url()
    article.slug = "gone"
    article.status = Article.Status.DRAFT
    article.save()
    assert client.get(old_url).status_code == HTTPStatus.NOT_FOUND


def test_a_new_article_may_take_an_old_slug(client, article):
    original = article.slug
    article.slug = "moved"
    article.save()
    newcomer = ArticleFactory(slug=original, published_at=timezone.now())
    assert client.get(newcomer.get_absolute_url()).status_code == HTTPStatus.OK


def test_unknown_slug_is_still_404(client, article):
    assert client.get("/2020/05/20/never-existed/").status_code == HTTPStatus.NOT_FOUND


def test_an_address_read_before_a_change_follows_it(client, article):
    """A reader's request keeps the id found for a slug while no article is
    published or unpublished (articles/views/detail.py). Renames change neither,
    so the kept id is checked against the article it names."""
    original, old_url = article.slug, article.get_absolute_url()
    other = ArticleFactory(published_at=article.published_at - datetime.timedelta(1))
    assert client.get(old_url).status_code == HTTPStatus.OK
    article.slug = "renamed"
    article.save()
    response = client.get(old_url)
    assert response.status_code == HTTPStatus.MOVED_PERMANENTLY
    assert response["Location"] == article.get_absolute_url()
    # Another story takes the slug: its own address shows it.
    other.slug = original
    other.save()
    response = client.get(other.get_absolute_url())
    assert response.status_code == HTTPStatus.OK
    assert response.context_data["article"].pk == other.pk
    # Unpublished: gone at once.
    assert client.get(article.get_absolute_url()).status_code == HTTPStatus.OK
    article.status = Article.Status.DRAFT
    article.save()
    assert client.get(article.get_absolute_url()).status_code == HTTPStatus.NOT_FOUND
