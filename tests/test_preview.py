import datetime
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, AuditEntry, PreviewLink

from .factories import ArticleFactory, DraftFactory, PreviewLinkFactory, UserFactory

pytestmark = pytest.mark.django_db

BANNER = "Preview — not published."


def assert_never_cached(response):
    cache_control = response["Cache-Control"]
    assert "no-cache" in cache_control and "no-store" in cache_control
    assert "private" in cache_control


class TestStaffPreview:
    @pytest.mark.parametrize(
        "status", [Article.Status.DRAFT, Article.Status.IN_REVIEW, "scheduled"]
    )
    def test_staff_see_unpublished_with_banner_readers_get_404(self, client, status):
        if status == "scheduled":
            article = ArticleFactory(
                published_at=timezone.now() + datetime.timedelta(days=1)
            )
        else:
            article = DraftFactory(status=status)
        assert client.get(article.get_absolute_url()).status_code == 404
        client.force_login(UserFactory(is_staff=True))
        response = client.get(article.get_absolute_url())
        assert response.status_code == HTTPStatus.OK
        assert BANNER in response.content.decode()
        assert_never_cached(response)


def create_link(client, article, **overrides):
    expires = timezone.localtime() + datetime.timedelta(days=2)
    data = {
        "article": article.pk,
        "note": "For the embargo reviewer",
        "expires_at_0": f"{expires:%Y-%m-%d}",
        "expires_at_1": f"{expires:%H:%M:%S}",
        **overrides,
    }
    return client.post(reverse("admin:articles_previewlink_add"), data)


class TestPreviewLinks:
    def test_lifecycle_create_use_log_revoke(self, client, desk_editor):
        article = DraftFactory(title="Embargoed chip news")
        client.force_login(desk_editor)
        form = (
            client.get(reverse("admin:articles_previewlink_add"))
            .context["adminform"]
            .form
        )
        assert list(form.fields["article"].queryset) == [article]
        assert "In Asia/Hong_Kong time." in form.fields["expires_at"].help_text
        assert create_link(client, article).status_code == HTTPStatus.FOUND
        link = PreviewLink.objects.get()
        assert len(link.token) >= 40 and link.created_by == desk_editor
        change = reverse("admin:articles_previewlink_change", args=[link.pk])
        assert link.get_absolute_url() in client.get(change).content.decode()

        client.logout()
        response = client.get(
            link.get_absolute_url(),
            HTTP_USER_AGENT="ReviewerBrowser/1.0",
            REMOTE_ADDR="203.0.113.9",
        )
        assert response.status_code == HTTPStatus.OK
        html = response.content.decode()
        assert '<h1 class="entry-title">Embargoed chip news</h1>' in html
        assert BANNER in html and article.lead.split("\n")[0] in html
        assert '<meta name="robots" content="noindex, nofollow">' in html
        assert_never_cached(response)
        assert response["Referrer-Policy"] == "no-referrer"
        use = link.uses.get()
        assert (use.ip_address, use.user_agent) == (
            "203.0.113.9",
            "ReviewerBrowser/1.0",
        )
        assert use.used_at <= timezone.now()

        client.force_login(desk_editor)
        client.post(
            reverse("admin:articles_previewlink_changelist"),
            {"action": "revoke", "_selected_action": [link.pk]},
        )
        client.logout()
        assert client.get(link.get_absolute_url()).status_code == 404
        assert link.uses.count() == 1
        assert list(
            AuditEntry.objects.order_by("pk").values_list("action", flat=True)
        ) == ["preview_created", "preview_revoked"]

    def test_expired_link_is_404(self, client, shift_clock):
        link = PreviewLinkFactory(
            expires_at=timezone.now() + datetime.timedelta(hours=1)
        )
        assert client.get(link.get_absolute_url()).status_code == HTTPStatus.OK
        shift_clock(datetime.timedelta(hours=1, seconds=1))
        response = client.get(link.get_absolute_url())
        assert response.status_code == 404
        assert link.uses.count() == 1

    @pytest.mark.parametrize("token", ["nope", "x" * 43, "../../admin"])
    def test_unknown_tokens_are_404(self, client, token):
        PreviewLinkFactory()
        assert client.get(f"/preview/{token}/").status_code == 404

    def test_trashed_article_link_is_404(self, client):
        link = PreviewLinkFactory()
        Article.objects.filter(pk=link.article_id).update(trashed_at=timezone.now())
        assert client.get(link.get_absolute_url()).status_code == 404

    def test_link_to_an_article_published_since_redirects_to_it(self, client):
        link = PreviewLinkFactory(article=ArticleFactory())
        response = client.get(link.get_absolute_url())
        assert response.status_code == HTTPStatus.FOUND
        assert response["Location"] == link.article.get_absolute_url()
        assert_never_cached(response)

    def test_scheduled_article_gets_a_link(self, client, desk_editor):
        article = ArticleFactory(
            published_at=timezone.now() + datetime.timedelta(days=3)
        )
        client.force_login(desk_editor)
        assert create_link(client, article).status_code == HTTPStatus.FOUND
        client.logout()
        link = PreviewLink.objects.get()
        assert BANNER in client.get(link.get_absolute_url()).content.decode()

    def test_published_article_and_past_expiry_are_form_errors(
        self, client, desk_editor
    ):
        client.force_login(desk_editor)
        response = create_link(client, ArticleFactory())
        assert "Select a valid choice" in response.content.decode()
        response = create_link(
            client, DraftFactory(), expires_at_0="2020-01-01", expires_at_1="00:00:00"
        )
        assert "Choose a time in the future." in response.content.decode()
        assert not PreviewLink.objects.exists()

    def test_authors_cannot_create_links(self, client, author):
        client.force_login(author)
        response = create_link(client, DraftFactory(author=author))
        assert response.status_code == HTTPStatus.FORBIDDEN
        assert not PreviewLink.objects.exists()
