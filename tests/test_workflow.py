import datetime
import io
from html.parser import HTMLParser
from http import HTTPStatus

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from articles.models import Article, AuditEntry, SourceLink
from articles.roles import sync_role_groups
from articles.services import article_publish, article_submit
from articles.signals import content_changed

from .factories import (
    ArticleFactory,
    CategoryFactory,
    DraftFactory,
    PreviewLinkFactory,
    SourceLinkFactory,
)
from .test_admin import article_form

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/articles/article/"


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def edit_data(article, **overrides):
    """The change form as its page would post it, with the given edits."""
    data = article_form(
        title=article.title,
        slug=article.slug,
        lead=article.lead,
        status=article.status,
        published_at_0="",
        published_at_1="",
        language=article.language_id,
        author=article.author_id or "",
        categories=[c.pk for c in article.categories.all()],
        tags="",
        base_version=article.version,
    )
    data.update(overrides)
    return data


def action(client, name, *articles, query="", follow=False, **extra):
    """Run a changelist action as its form posts it (to the filtered list URL)."""
    return client.post(
        CHANGELIST + query,
        {"action": name, "_selected_action": [a.pk for a in articles], **extra},
        follow=follow,
    )


class FormFields(HTMLParser):
    """The name/value pairs a browser submits for the form with the given id."""

    def __init__(self, form_id):
        super().__init__()
        self.form_id, self.inside, self.pairs = form_id, False, []
        self.textarea = self.select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        if not self.inside or "disabled" in attrs:
            return
        if tag == "input" and attrs.get("name"):
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            if kind not in ("submit", "button", "file", "image", "reset"):
                self.pairs.append((attrs["name"], attrs.get("value", "")))
        elif tag == "textarea":
            self.textarea = [attrs["name"], ""]
        elif tag == "select":
            self.select = attrs["name"]
        elif tag == "option" and self.select and "selected" in attrs:
            self.pairs.append((self.select, attrs.get("value", "")))

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "textarea" and self.textarea is not None:
            self.pairs.append(tuple(self.textarea))
            self.textarea = None
        elif tag == "select":
            self.select = None


def submitted_as_is(response, form_id="article_form"):
    """POST data of the page's form, unchanged, as a browser would send it."""
    parser = FormFields(form_id)
    parser.feed(response.content.decode())
    data = {}
    for name, value in parser.pairs:
        data.setdefault(name, []).append(value)
    return data


def codenames(group_name):
    return set(
        Group.objects.get(name=group_name).permissions.values_list(
            "codename", flat=True
        )
    )


class TestRoleGroups:
    def test_migration_creates_the_three_groups(self):
        assert {"publish_article", "purge_article", "change_article"} <= codenames(
            "Editors"
        )
        authors = codenames("Authors")
        assert {"add_article", "change_article"} <= authors
        assert (
            not {
                "publish_article",
                "purge_article",
                "change_sourcelinkmoderation",
            }
            & authors
        )
        assert codenames("Moderators") == {
            "change_sourcelinkmoderation",
            "view_sourcelinkmoderation",
            "view_sourcelink",
            "view_source",
            "view_denieddomain",
        }

    def test_sync_is_idempotent_and_removes_drift(self):
        before = {name: codenames(name) for name in ["Authors", "Editors"]}
        stray = Permission.objects.get(codename="publish_article")
        Group.objects.get(name="Authors").permissions.add(stray)
        sync_role_groups(apps)
        sync_role_groups(apps)
        assert (
            Group.objects.filter(name__in=["Authors", "Editors", "Moderators"]).count()
            == 3
        )
        assert {name: codenames(name) for name in before} == before


def test_demo_editor_account_is_in_the_editors_group(settings):
    settings.DEBUG = True
    call_command("create_demo_accounts", stdout=io.StringIO())
    editor = get_user_model().objects.get(username="editor")
    assert list(editor.groups.values_list("name", flat=True)) == ["Editors"]
    assert editor.has_perm("articles.publish_article")
    assert not editor.is_superuser


class TestPermissionMatrix:
    """Author / Editor / Moderator × edit, publish, moderate."""

    @pytest.mark.parametrize(
        ("role", "expected"),
        [
            ("author", HTTPStatus.FOUND),
            ("desk_editor", HTTPStatus.FOUND),
            ("moderator", HTTPStatus.FORBIDDEN),
        ],
    )
    def test_edit_a_draft_of_the_author(self, request, client, author, role, expected):
        draft = DraftFactory(author=author, title="Draft")
        client.force_login(request.getfixturevalue(role))
        response = client.post(change_url(draft), edit_data(draft, title="Edited"))
        assert response.status_code == expected
        draft.refresh_from_db()
        assert (draft.title == "Edited") is (expected == HTTPStatus.FOUND)

    def test_author_cannot_edit_other_peoples_drafts(self, client, author):
        draft = DraftFactory(title="Someone else's")
        client.force_login(author)
        response = client.post(change_url(draft), edit_data(draft, title="Mine now"))
        assert response.status_code == HTTPStatus.FORBIDDEN
        draft.refresh_from_db()
        assert draft.title == "Someone else's"

    @pytest.mark.parametrize(
        ("role", "published"), [("author", False), ("desk_editor", True)]
    )
    def test_publish_through_the_change_form(
        self, request, client, author, role, published
    ):
        draft = DraftFactory(author=author)
        client.force_login(request.getfixturevalue(role))
        data = edit_data(
            draft,
            status=Article.Status.PUBLISHED,
            published_at_0="2020-06-01",
            published_at_1="09:30:00",
        )
        response = client.post(change_url(draft), data)
        draft.refresh_from_db()
        assert (draft.status == Article.Status.PUBLISHED) is published
        if not published:
            assert response.status_code == HTTPStatus.OK
            assert "Select a valid choice" in response.content.decode()

    @pytest.mark.parametrize(
        ("role", "published"),
        [("author", False), ("desk_editor", True), ("moderator", False)],
    )
    def test_publish_through_a_crafted_list_action(
        self, request, client, author, role, published
    ):
        draft = DraftFactory(author=author)
        client.force_login(request.getfixturevalue(role))
        action(client, "publish", draft)
        draft.refresh_from_db()
        assert (draft.status == Article.Status.PUBLISHED) is published

    def test_author_form_offers_only_draft_and_review(self, client, author):
        draft = DraftFactory(author=author)
        client.force_login(author)
        form = client.get(change_url(draft)).context["adminform"].form
        assert [value for value, _label in form.fields["status"].choices] == [
            "draft",
            "review",
        ]
        assert "published_at" not in form.fields and "author" not in form.fields

    def test_author_cannot_publish_through_the_service(self, author):
        draft = DraftFactory(author=author)
        with pytest.raises(PermissionDenied):
            article_publish(article=draft, actor=author)
        draft.refresh_from_db()
        assert draft.status == Article.Status.DRAFT

    def test_author_does_not_see_publish_actions(self, client, author):
        DraftFactory(author=author)
        client.force_login(author)
        actions = client.get(CHANGELIST).context["action_form"].fields["action"]
        names = {name for name, _label in actions.choices}
        assert "submit_for_review" in names
        assert not {"publish", "unpublish", "restore_from_trash", "purge"} & names

    def test_author_adding_an_article_is_its_author_and_cannot_publish(
        self, client, author, desk_editor
    ):
        client.force_login(author)
        response = client.post(
            reverse("admin:articles_article_add"),
            article_form(status=Article.Status.PUBLISHED, author=desk_editor.pk),
        )
        assert response.status_code == HTTPStatus.OK
        assert not Article.objects.exists()
        data = article_form(status=Article.Status.DRAFT, author=desk_editor.pk)
        client.post(reverse("admin:articles_article_add"), data)
        article = Article.objects.get()
        assert article.author == author
        assert article.status == Article.Status.DRAFT

    @pytest.mark.parametrize(
        ("role", "expected"),
        [
            ("author", HTTPStatus.FORBIDDEN),
            ("desk_editor", HTTPStatus.FOUND),
            ("moderator", HTTPStatus.FOUND),
        ],
    )
    def test_moderate_a_source_link(self, request, client, role, expected):
        # No source named, so no domain to question: the approval is direct.
        link = SourceLinkFactory(status=SourceLink.Status.PENDING, source=None)
        client.force_login(request.getfixturevalue(role))
        queue = reverse("admin:articles_sourcelinkmoderation_changelist")
        data = {"action": "approve_selected", "_selected_action": [link.pk]}
        assert client.post(queue, data).status_code == expected
        link.refresh_from_db()
        assert (link.status == SourceLink.Status.APPROVED) is (
            expected == HTTPStatus.FOUND
        )

    def test_author_adds_links_only_as_pending(self, client, author):
        draft = DraftFactory(author=author)
        client.force_login(author)
        data = edit_data(
            draft,
            **{
                "source_links-TOTAL_FORMS": "1",
                "source_links-0-url": "https://example.com/story",
                "source_links-0-status": SourceLink.Status.APPROVED,
            },
        )
        assert client.post(change_url(draft), data).status_code == HTTPStatus.FOUND
        assert draft.source_links.get().status == SourceLink.Status.PENDING


class TestReviewFlow:
    def test_author_submits_for_review_and_then_cannot_edit(self, client, author):
        draft = DraftFactory(author=author)
        client.force_login(author)
        action(client, "submit_for_review", draft)
        draft.refresh_from_db()
        assert draft.status == Article.Status.IN_REVIEW
        entry = AuditEntry.objects.get(action=AuditEntry.Action.SUBMITTED)
        assert (entry.actor, entry.before, entry.after) == (
            author,
            "Draft",
            "In review",
        )
        response = client.post(change_url(draft), edit_data(draft, title="Late"))
        assert response.status_code == HTTPStatus.FORBIDDEN

    def test_editor_publishes_reviewed_article_and_unpublishes_it(
        self, client, author, desk_editor, django_capture_on_commit_callbacks
    ):
        article = DraftFactory(author=author)
        article_submit(article=article, actor=author)
        client.force_login(desk_editor)
        received = []

        def listener(sender, articles, **kwargs):
            received.append(list(articles))

        content_changed.connect(listener)
        try:
            with django_capture_on_commit_callbacks(execute=True):
                action(client, "publish", article)
            article.refresh_from_db()
            assert article.is_published()
            assert client.get(article.get_absolute_url()).status_code == HTTPStatus.OK
            with django_capture_on_commit_callbacks(execute=True):
                action(client, "unpublish", article)
        finally:
            content_changed.disconnect(listener)
        article.refresh_from_db()
        assert article.status == Article.Status.DRAFT
        assert received == [[article.pk], [article.pk]]
        actions = list(
            AuditEntry.objects.order_by("pk").values_list("action", "actor__username")
        )
        assert actions == [
            ("submitted", "author"),
            ("published", "desk"),
            ("unpublished", "desk"),
        ]
        client.logout()
        assert (
            client.get(article.get_absolute_url()).status_code == HTTPStatus.NOT_FOUND
        )

    def test_publishing_without_category_is_refused_with_a_message(
        self, client, desk_editor
    ):
        draft = DraftFactory(categories=[])
        client.force_login(desk_editor)
        response = action(client, "publish", draft, follow=True)
        draft.refresh_from_db()
        assert draft.status == Article.Status.DRAFT
        assert "needs a category before publishing" in response.content.decode()


class TestScheduling:
    def test_form_names_the_site_time_zone(self, client, desk_editor):
        client.force_login(desk_editor)
        html = client.get(reverse("admin:articles_article_add")).content.decode()
        assert "In Asia/Hong_Kong time, stored as UTC." in html

    def test_local_time_entered_is_stored_as_utc(self, client, desk_editor):
        client.force_login(desk_editor)
        client.post(reverse("admin:articles_article_add"), article_form())
        stored = Article.objects.get().published_at
        assert stored == datetime.datetime(2020, 6, 1, 1, 30, tzinfo=datetime.UTC)

    def test_scheduled_article_appears_when_its_time_comes(
        self, client, desk_editor, shift_clock
    ):
        client.force_login(desk_editor)
        category = CategoryFactory(name="Innovation", slug="innovation")
        due = timezone.localtime() + datetime.timedelta(hours=2)
        data = article_form(
            title="Embargoed launch",
            categories=[category.pk],
            published_at_0=f"{due:%Y-%m-%d}",
            published_at_1=f"{due:%H:%M:%S}",
        )
        client.post(reverse("admin:articles_article_add"), data)
        article = Article.objects.get()
        assert article.is_scheduled
        assert "Scheduled" in client.get(CHANGELIST).content.decode()
        assert AuditEntry.objects.get().action == AuditEntry.Action.SCHEDULED
        client.logout()
        assert client.get(article.get_absolute_url()).status_code == 404
        assert "Embargoed launch" not in client.get("/").content.decode()
        assert not Article.objects.published().exists()

        shift_clock(datetime.timedelta(hours=2, minutes=1))
        assert client.get(article.get_absolute_url()).status_code == HTTPStatus.OK
        assert (
            "Embargoed launch" in client.get("/category/innovation/").content.decode()
        )
        assert list(Article.objects.published()) == [article]
        assert article.is_published()


class TestTrash:
    def test_delete_moves_to_trash_and_hides_everywhere(self, client, desk_editor):
        article = ArticleFactory(title="Trashed story")
        client.force_login(desk_editor)
        url = reverse("admin:articles_article_delete", args=[article.pk])
        assert "move" in client.get(url).content.decode().lower()
        response = client.post(url, {"post": "yes"}, follow=True)
        assert "moved to the trash" in response.content.decode()
        article.refresh_from_db()
        assert article.is_trashed and article.trashed_by == desk_editor
        assert not article.is_published()
        assert not Article.objects.published().exists()
        assert "Trashed story" not in client.get(CHANGELIST).content.decode()
        assert "Trashed story" in client.get(CHANGELIST + "?trash=yes").content.decode()
        client.logout()
        assert client.get(article.get_absolute_url()).status_code == 404
        assert "Trashed story" not in client.get("/").content.decode()

    def test_author_trashes_own_draft_with_links_through_delete_button(
        self, client, author
    ):
        draft = DraftFactory(author=author)
        SourceLinkFactory(article=draft)
        client.force_login(author)
        url = reverse("admin:articles_article_delete", args=[draft.pk])
        assert client.post(url, {"post": "yes"}).status_code == HTTPStatus.FOUND
        draft.refresh_from_db()
        assert draft.is_trashed and draft.source_links.count() == 1

    def test_editor_restores_but_author_cannot(self, client, author, desk_editor):
        article = DraftFactory(author=author)
        client.force_login(author)
        action(client, "move_to_trash", article)
        article.refresh_from_db()
        assert article.is_trashed
        action(client, "restore_from_trash", article, query="?trash=yes")
        article.refresh_from_db()
        assert article.is_trashed
        client.force_login(desk_editor)
        action(client, "restore_from_trash", article, query="?trash=yes")
        article.refresh_from_db()
        assert not article.is_trashed
        assert list(
            AuditEntry.objects.order_by("pk").values_list("action", flat=True)
        ) == ["trashed", "restored"]

    def test_trashed_article_is_404_even_for_staff_until_restored(
        self, client, desk_editor
    ):
        article = ArticleFactory()
        client.force_login(desk_editor)
        action(client, "move_to_trash", article)
        assert client.get(article.get_absolute_url()).status_code == 404
        client.logout()
        assert client.get(article.get_absolute_url()).status_code == 404
        client.force_login(desk_editor)
        action(client, "restore_from_trash", article, query="?trash=yes")
        client.logout()
        assert client.get(article.get_absolute_url()).status_code == HTTPStatus.OK

    def test_purge_is_a_separate_confirmed_step(self, client, desk_editor):
        live, trashed = ArticleFactory(title="Live"), ArticleFactory(title="Gone")
        client.force_login(desk_editor)
        action(client, "move_to_trash", trashed)
        response = action(client, "purge", live, trashed, query="?trash=all")
        assert response.status_code == HTTPStatus.OK
        assert "cannot be undone" in response.content.decode()
        assert Article.objects.count() == 2
        action(client, "purge", live, trashed, query="?trash=all", confirm="yes")
        assert list(Article.objects.values_list("title", flat=True)) == ["Live"]
        purged = AuditEntry.objects.get(action=AuditEntry.Action.PURGED)
        assert (purged.object_repr, purged.actor) == ("Gone", desk_editor)

    def test_author_cannot_purge(self, client, author):
        draft = DraftFactory(author=author)
        client.force_login(author)
        action(client, "move_to_trash", draft)
        action(client, "purge", draft, query="?trash=yes", confirm="yes")
        assert Article.objects.filter(pk=draft.pk).exists()


class TestUnchangedSave:
    """Saving the change form as it was opened changes and records nothing."""

    def test_after_a_bulk_publish_nothing_is_recorded_or_moved(
        self, client, desk_editor
    ):
        article = DraftFactory()
        SourceLinkFactory(article=article)
        client.force_login(desk_editor)
        action(client, "publish", article)
        article.refresh_from_db()
        stored = Article.objects.values("published_at", "updated_at", "version")
        before = stored.get(pk=article.pk)
        entries, revisions = AuditEntry.objects.count(), Version.objects.count()
        page = client.get(change_url(article))
        response = client.post(change_url(article), submitted_as_is(page))
        assert response.status_code == HTTPStatus.FOUND
        assert stored.get(pk=article.pk) == before
        assert AuditEntry.objects.count() == entries
        assert Version.objects.count() == revisions

    def test_an_edit_after_a_bulk_publish_keeps_the_publication_time(
        self, client, desk_editor
    ):
        article = DraftFactory()
        client.force_login(desk_editor)
        action(client, "publish", article)
        published_at = Article.objects.get(pk=article.pk).published_at
        data = submitted_as_is(client.get(change_url(article)))
        data["title"] = ["A better title"]
        assert client.post(change_url(article), data).status_code == HTTPStatus.FOUND
        article.refresh_from_db()
        assert (article.title, article.published_at) == ("A better title", published_at)
        assert list(AuditEntry.objects.values_list("action", flat=True)) == [
            "published"
        ]


class TestAuditLogAdmin:
    def test_editors_list_and_filter_but_never_change(self, client, desk_editor):
        article = DraftFactory(title="Audited")
        client.force_login(desk_editor)
        action(client, "publish", article)
        url = reverse("admin:articles_auditentry_changelist")
        for params in [
            "",
            "?action__exact=published",
            f"?actor__id__exact={desk_editor.pk}",
            f"?created_at__year={timezone.localtime():%Y}",
        ]:
            response = client.get(url + params)
            assert response.status_code == HTTPStatus.OK
            assert "Audited" in response.content.decode()
        assert (
            "Audited" not in client.get(url + "?action__exact=trashed").content.decode()
        )
        entry = AuditEntry.objects.get()
        add = reverse("admin:articles_auditentry_add")
        assert client.get(add).status_code == HTTPStatus.FORBIDDEN
        change = reverse("admin:articles_auditentry_change", args=[entry.pk])
        client.post(change, {"after": "forged"})
        entry.refresh_from_db()
        assert entry.after.startswith("Published, ")

    def test_authors_cannot_read_the_audit_log(self, client, author):
        client.force_login(author)
        url = reverse("admin:articles_auditentry_changelist")
        assert client.get(url).status_code == HTTPStatus.FORBIDDEN


def test_workflow_admin_pages_cost_the_same_for_one_or_five_rows(client, desk_editor):
    """Article list, trash, audit log and preview links run fixed query counts."""
    client.force_login(desk_editor)

    def add(n):
        articles = DraftFactory.create_batch(n)
        for article in articles:
            action(client, "publish", article)
            PreviewLinkFactory(article=DraftFactory(), created_by=desk_editor)
        action(client, "move_to_trash", *articles)

    pages = [
        CHANGELIST,
        CHANGELIST + "?trash=all",
        reverse("admin:articles_auditentry_changelist"),
        reverse("admin:articles_previewlink_changelist"),
    ]

    def costs():
        counts = []
        for url in pages:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == HTTPStatus.OK, url
            counts.append(len(queries))
        return counts

    add(1)
    one = costs()
    add(4)
    assert costs() == one
