import re
from http import HTTPStatus

import pytest
from django.urls import reverse
from reversion.models import Version

from articles.models import Article, AuditEntry, SourceLink
from articles.services import source_link_approve, source_link_reject

from .factories import CategoryFactory, DraftFactory, SourceFactory
from .test_workflow import action, change_url, edit_data

pytestmark = pytest.mark.django_db


def versions(article):
    return Version.objects.get_for_object(article).order_by("pk")


def save(client, article, **edits):
    """Open the change form and save it with the edits, as a person would."""
    page = client.get(change_url(article)).content.decode()
    base = re.search(r'name="base_version" value="(\d+)"', page).group(1)
    article.refresh_from_db()
    return client.post(
        change_url(article), edit_data(article, base_version=base, **edits)
    )


def link_rows(url, status=SourceLink.Status.APPROVED, source=""):
    return {
        "source_links-TOTAL_FORMS": "1",
        "source_links-0-url": url,
        "source_links-0-source": source,
        "source_links-0-status": status,
    }


class TestRevisions:
    def test_every_admin_save_stores_content_tags_and_links(self, client, desk_editor):
        article = DraftFactory(title="First")
        category = CategoryFactory(name="Chips")
        client.force_login(desk_editor)
        response = save(
            client,
            article,
            title="Second",
            body="<p>Body two</p>",
            categories=[category.pk],
            tags="robots, 深圳",
            **link_rows("https://example.com/two", source=SourceFactory().pk),
        )
        assert response.status_code == HTTPStatus.FOUND
        (version,) = versions(article)
        fields = version.field_dict
        assert fields["title"] == "Second"
        assert fields["body"] == "<p>Body two</p>"
        assert fields["status"] == Article.Status.DRAFT
        assert fields["categories"] == [category.pk]
        assert fields["tag_names"].splitlines() == ["robots", "深圳"]
        (link,) = Version.objects.get_for_model(SourceLink).filter(
            revision=version.revision
        )
        assert link.field_dict["url"] == "https://example.com/two"
        assert version.revision.user == desk_editor
        assert "Changed" in version.revision.comment

    def test_workflow_steps_are_revisions_too(self, client, desk_editor):
        article = DraftFactory()
        client.force_login(desk_editor)
        action(client, "publish", article)
        (version,) = versions(article)
        assert version.field_dict["status"] == Article.Status.PUBLISHED
        assert version.revision.comment == "Published."

    def test_history_lists_who_and_when_and_diffs_escaped(self, client, desk_editor):
        article = DraftFactory(title="Calm title")
        client.force_login(desk_editor)
        save(client, article, title="Calm title", lead="Old lead.")
        save(client, article, title="<script>alert(1)</script> title", lead="New lead.")
        history = client.get(
            reverse("admin:articles_article_history", args=[article.pk])
        )
        html = history.content.decode()
        assert html.count("desk") >= 2
        assert "Changed Title and Lead." in html
        newest = versions(article).last()
        url = reverse("admin:articles_article_revision", args=[article.pk, newest.pk])
        html = client.get(url).content.decode()
        assert "&lt;script&gt;alert(1)&lt;/script&gt; title" in html
        assert "<script>alert(1)" not in html
        assert '<tr class="del"><td>−</td><td>Old lead.</td></tr>' in html
        assert '<tr class="add"><td>+</td><td>New lead.</td></tr>' in html

    def test_restore_round_trip_is_a_new_revision(self, client, desk_editor):
        article = DraftFactory()
        first_cat, second_cat = CategoryFactory(), CategoryFactory()
        client.force_login(desk_editor)
        save(
            client,
            article,
            title="Version one",
            body="<p>One</p>",
            categories=[first_cat.pk],
            tags="alpha",
            **link_rows("https://example.com/one"),
        )
        first = versions(article).last()
        article.refresh_from_db()
        save(
            client,
            article,
            title="Version two",
            body="<p>Two</p>",
            categories=[second_cat.pk],
            tags="beta, gamma",
            **{
                **link_rows("https://example.com/two"),
                "source_links-INITIAL_FORMS": "1",
                "source_links-TOTAL_FORMS": "2",
                "source_links-0-id": article.source_links.get().pk,
                "source_links-0-article": article.pk,
                "source_links-0-DELETE": "on",
                "source_links-1-url": "https://example.com/two",
                "source_links-1-status": SourceLink.Status.PENDING,
            },
        )
        article.refresh_from_db()
        assert article.title == "Version two"
        assert [link.url for link in article.source_links.all()] == [
            "https://example.com/two"
        ]

        url = reverse("admin:articles_article_revision", args=[article.pk, first.pk])
        assert client.post(url).status_code == HTTPStatus.FOUND
        article.refresh_from_db()
        assert (article.title, article.body) == ("Version one", "<p>One</p>")
        assert list(article.categories.all()) == [first_cat]
        assert [tag.name for tag in article.tags.all()] == ["alpha"]
        # Links come back as they were then: still waiting for a moderator.
        assert [(link.url, link.status) for link in article.source_links.all()] == [
            ("https://example.com/one", SourceLink.Status.PENDING)
        ]
        assert article.status == Article.Status.DRAFT
        assert versions(article).count() == 3
        latest = versions(article).last()
        assert latest.field_dict["title"] == "Version one"
        assert latest.revision.comment.startswith("Restored the revision of ")
        assert AuditEntry.objects.get().action == AuditEntry.Action.REVISION_RESTORED

    def test_restore_does_not_undo_a_moderators_decision(
        self, client, desk_editor, moderator
    ):
        """A link rejected since the revision stays rejected; only decisions decide."""
        article = DraftFactory()
        client.force_login(desk_editor)
        save(client, article, title="One", **link_rows("https://example.com/one"))
        link = article.source_links.get()
        source_link_approve(link=link, actor=moderator)
        save(client, article, title="Two")
        approved = versions(article).last()
        source_link_reject(link=link, actor=moderator, reason="Paywalled")
        save(client, article, title="Three")
        url = reverse("admin:articles_article_revision", args=[article.pk, approved.pk])
        assert client.post(url).status_code == HTTPStatus.FOUND
        link.refresh_from_db()
        assert (link.status, link.rejection_reason) == ("rejected", "Paywalled")
        assert link.decisions.count() == 2

    def test_author_cannot_restore_on_an_article_not_theirs(
        self, client, author, desk_editor
    ):
        article = DraftFactory(title="Editor's")
        client.force_login(desk_editor)
        save(client, article, title="Editor's")
        save(client, article, title="Editor's, changed")
        first = versions(article).first()
        client.force_login(author)
        url = reverse("admin:articles_article_revision", args=[article.pk, first.pk])
        assert client.post(url).status_code == HTTPStatus.FORBIDDEN
        article.refresh_from_db()
        assert article.title == "Editor's, changed"


class TestConcurrentEdits:
    def test_second_save_over_a_newer_version_is_refused_and_kept(
        self, client, desk_editor, author
    ):
        article = DraftFactory(author=author, title="Original", lead="Original.")
        client.force_login(author)
        opened = client.get(change_url(article)).content.decode()
        stale = re.search(r'name="base_version" value="(\d+)"', opened).group(1)

        client.force_login(desk_editor)
        assert save(client, article, lead="The editor's lead.").status_code == 302

        client.force_login(author)
        article.refresh_from_db()
        response = client.post(
            change_url(article),
            edit_data(article, lead="The author's own words.", base_version=stale),
        )
        assert response.status_code == HTTPStatus.OK
        html = response.content.decode()
        assert "Someone else saved this article" in html
        assert "Nothing was saved" in html
        assert "The author&#x27;s own words." in html
        article.refresh_from_db()
        assert article.lead == "The editor's lead."
        assert versions(article).count() == 1

    def test_a_workflow_step_also_outdates_open_forms(self, client, desk_editor):
        article = DraftFactory()
        client.force_login(desk_editor)
        opened = client.get(change_url(article)).content.decode()
        stale = re.search(r'name="base_version" value="(\d+)"', opened).group(1)
        action(client, "submit_for_review", article)
        article.refresh_from_db()
        response = client.post(
            change_url(article),
            edit_data(article, title="Overwrite?", base_version=stale),
        )
        assert "Someone else saved this article" in response.content.decode()
        article.refresh_from_db()
        assert article.title != "Overwrite?"

    def test_post_without_a_version_is_refused(self, client, desk_editor):
        article = DraftFactory(title="Kept")
        client.force_login(desk_editor)
        data = edit_data(article, title="Blind write")
        del data["base_version"]
        assert client.post(change_url(article), data).status_code == HTTPStatus.OK
        article.refresh_from_db()
        assert article.title == "Kept"

    def test_every_save_raises_the_version(self, client, desk_editor):
        article = DraftFactory()
        start = article.version
        client.force_login(desk_editor)
        save(client, article, title="One")
        save(client, article, title="Two")
        article.refresh_from_db()
        assert article.version == start + 2
