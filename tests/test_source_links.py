"""SourceLink rules that hold on every path: shell, services, admin."""

from http import HTTPStatus

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from articles.models import AuditEntry, DeniedDomain, SourceLink, SourceLinkDecision
from articles.services import source_link_save

from .adminforms import article_form_data
from .factories import (
    ArticleFactory,
    DeniedDomainFactory,
    SourceDomainFactory,
    SourceFactory,
    SourceLinkFactory,
    StaffFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def create_link(article, url, **fields):
    return SourceLink.objects.create(article=article, url=url, **fields)


def test_save_stores_the_normalised_url(article):
    link = create_link(article, "https://Example.com/a?utm_source=x&id=1#frag")
    link.refresh_from_db()
    assert link.url == "https://example.com/a?id=1"
    assert link.status == SourceLink.Status.PENDING


def test_save_refuses_a_bad_url_from_the_shell(article):
    with pytest.raises(ValidationError):
        create_link(article, "javascript:alert(1)")
    assert not SourceLink.objects.exists()


def test_full_clean_reports_url_errors_on_the_field(article):
    link = SourceLink(article=article, url="https://user:secret@example.com/")
    with pytest.raises(ValidationError) as info:
        link.full_clean()
    assert "must not contain a user name or password" in str(
        info.value.message_dict["url"]
    )


def test_same_normalised_url_twice_is_refused(article):
    create_link(article, "https://example.com/a?id=1")
    twin = SourceLink(article=article, url="https://EXAMPLE.com/a?id=1&fbclid=z#x")
    with pytest.raises(ValidationError) as info:
        twin.full_clean()
    assert "This article already links to this URL" in str(info.value)
    with transaction.atomic(), pytest.raises(IntegrityError):
        twin.save()
    other_article = ArticleFactory()
    assert create_link(other_article, "https://example.com/a?id=1").pk


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://www.caixinglobal.com/2020/story", "caixin"),
        ("https://caixinglobal.com/", "caixin"),
        ("https://weekly.caixin.com/x", "caixin-weekly"),
        ("https://notcaixinglobal.com/", None),
        ("https://caixinglobal.com.evil.example/", None),
    ],
)
def test_source_is_filled_from_the_most_specific_domain(article, url, expected):
    caixin = SourceFactory(name="Caixin", slug="caixin")
    SourceDomainFactory(source=caixin, domain="caixinglobal.com")
    SourceDomainFactory(source=caixin, domain="caixin.com")
    weekly = SourceFactory(name="Caixin Weekly", slug="caixin-weekly")
    SourceDomainFactory(source=weekly, domain="weekly.caixin.com")
    link = create_link(article, url)
    assert (link.source.slug if link.source else None) == expected


def test_a_chosen_source_is_kept(article):
    chosen = SourceFactory(name="Chosen", slug="chosen")
    SourceDomainFactory(source=SourceFactory(slug="other"), domain="example.com")
    assert create_link(article, "https://example.com/", source=chosen).source == chosen


def submit_link(article, url, actor=None, **fields):
    return source_link_save(
        link=SourceLink(article=article, url=url, **fields), actor=actor
    )


def test_trusted_source_links_are_approved_by_the_rule(article):
    trusted = SourceFactory(slug="xinhua", is_trusted=True)
    SourceDomainFactory(source=trusted, domain="news.cn")
    author = UserFactory(username="author")
    link = submit_link(article, "https://www.news.cn/tech/1.htm", actor=author)
    assert link.submitted_by == author
    assert link.status == SourceLink.Status.APPROVED
    assert link.approved_by_rule and link.moderated_by is None
    assert link.moderated_at is not None
    decision = link.decisions.get()
    assert decision.action == SourceLinkDecision.Action.APPROVED
    assert decision.by_rule and decision.actor is None
    assert decision.url == link.url


def test_untrusted_or_denied_domains_are_not_auto_approved(article):
    SourceDomainFactory(source=SourceFactory(slug="blog"), domain="blog.example")
    trusted = SourceFactory(slug="trusted", is_trusted=True)
    SourceDomainFactory(source=trusted, domain="trusted.example")
    DeniedDomainFactory(domain="bad.trusted.example")
    assert submit_link(article, "https://blog.example/").status == "pending"
    assert submit_link(article, "https://bad.trusted.example/").status == "pending"
    # A trusted source picked by hand does not vouch for another domain.
    other = submit_link(article, "https://elsewhere.example/", source=trusted)
    assert other.status == "pending"
    assert not SourceLinkDecision.objects.exists()


def test_save_alone_decides_nothing(article):
    """A link saved outside the services starts pending, whatever it was given."""
    trusted = SourceFactory(slug="xinhua", is_trusted=True)
    SourceDomainFactory(source=trusted, domain="news.cn")
    link = create_link(article, "https://www.news.cn/tech/1.htm", status="approved")
    assert (link.source, link.status) == (trusted, SourceLink.Status.PENDING)
    assert not link.approved_by_rule
    assert not SourceLinkDecision.objects.exists()
    assert not AuditEntry.objects.exists()


def test_a_changed_url_is_judged_by_the_rule_again(article):
    trusted = SourceFactory(slug="xinhua", is_trusted=True)
    SourceDomainFactory(source=trusted, domain="news.cn")
    link = SourceLinkFactory(
        article=article, url="https://example.com/1", source=trusted, status="pending"
    )
    link.url = "https://www.news.cn/tech/1.htm"
    link = source_link_save(link=link, actor=None)
    assert link.status == SourceLink.Status.APPROVED and link.approved_by_rule
    assert link.decisions.get().by_rule
    link.archive_url = "https://web.archive.org/web/2020/https://www.news.cn/"
    source_link_save(link=link, actor=None)
    assert link.decisions.count() == 1


def test_changing_an_approved_url_sends_it_back_to_moderation(article):
    link = SourceLinkFactory(article=article, url="https://example.com/good")
    link.is_broken, link.consecutive_failures = True, 4
    link.save()
    link = SourceLink.objects.get(pk=link.pk)
    link.url = "https://example.com/swapped"
    link.save()
    link.refresh_from_db()
    assert link.status == SourceLink.Status.PENDING
    assert (link.is_broken, link.consecutive_failures) == (False, 0)


def test_admin_inline_refuses_a_url_the_article_already_has(client, editor):
    article = ArticleFactory()
    existing = SourceLinkFactory(article=article, url="https://example.com/a")
    client.force_login(editor)
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = article_form_data(client, article)
    data.update(
        {
            "source_links-TOTAL_FORMS": "2",
            "source_links-INITIAL_FORMS": "1",
            "source_links-MIN_NUM_FORMS": "0",
            "source_links-MAX_NUM_FORMS": "1000",
            "source_links-0-id": existing.pk,
            "source_links-0-article": article.pk,
            "source_links-0-url": existing.url,
            "source_links-1-article": article.pk,
            "source_links-1-url": "https://example.com/a?utm_campaign=z#section",
        }
    )
    response = client.post(url, data)
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert "The same URL is entered twice" in html
    assert article.source_links.count() == 1


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("ftp://example.com/x", "Only http:// and https:// links are allowed."),
        ("https://a:b@example.com/", "must not contain a user name or password"),
        ("https://exa mple.com/", "U+0020 SPACE at position 12"),
    ],
)
def test_admin_shows_url_errors_clearly(admin_client, article, typed, message):
    response = admin_client.post(
        reverse("admin:articles_sourcelink_add"),
        {"article": article.pk, "url": typed, "archive_url": ""},
    )
    assert response.status_code == HTTPStatus.OK
    assert message in response.content.decode()
    assert not SourceLink.objects.exists()


def test_admin_add_records_the_submitter(client, article):
    author = StaffFactory(
        username="author", permissions=["add_sourcelink", "view_sourcelink"]
    )
    client.force_login(author)
    response = client.post(
        reverse("admin:articles_sourcelink_add"),
        {
            "article": article.pk,
            "url": "example.com/news?utm_source=a",
            "status": "approved",
        },
    )
    assert response.status_code == HTTPStatus.FOUND
    link = SourceLink.objects.get()
    assert link.url == "https://example.com/news"
    assert link.submitted_by == author
    assert link.status == SourceLink.Status.PENDING


def test_denied_domain_admin_normalises_the_domain(admin_client):
    response = admin_client.post(
        reverse("admin:articles_denieddomain_add"),
        {"domain": "https://Spam.Example.NET/path", "reason": "spam"},
    )
    assert response.status_code == HTTPStatus.FOUND
    assert DeniedDomain.objects.get().domain == "spam.example.net"


def test_link_admin_refuses_a_url_the_article_already_has(admin_client, article):
    SourceLinkFactory(article=article, url="https://example.com/a?id=1")
    response = admin_client.post(
        reverse("admin:articles_sourcelink_add"),
        {
            "article": article.pk,
            "url": "https://example.com/a?utm_source=feed&id=1#comments",
            "archive_url": "",
        },
    )
    assert response.status_code == HTTPStatus.OK
    assert "This article already links to this URL" in response.content.decode()
    assert article.source_links.count() == 1
