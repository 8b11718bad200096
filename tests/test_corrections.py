"""Corrections and updates: added and withdrawn in the admin, shown under the
article and in its JSON-LD, listed in the public corrections log and its feeds."""

import datetime
from http import HTTPStatus

import feedparser
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, ArticleNote, AuditEntry
from articles.services import article_note_add, article_note_withdraw

from .factories import ArticleFactory, ArticleNoteFactory, DraftFactory
from .pages import json_ld, page

pytestmark = pytest.mark.django_db

ADD = reverse("admin:articles_articlenote_add")
CORRECTION = ArticleNote.Kind.CORRECTION
UPDATE = ArticleNote.Kind.UPDATE
# Stamps (site, log, the page's articles: three reads), next scheduled time,
# navigation, count, ids, notes with their articles.
MAX_LOG_QUERIES = 8
# Stamps (site, log, the items' articles), next scheduled time, item rows, items.
MAX_FEED_QUERIES = 6


def utc(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=datetime.UTC)


def change_url(note) -> str:
    return reverse("admin:articles_articlenote_change", args=[note.pk])


def parse_feed(client, url):
    response = client.get(url)
    assert response.status_code == HTTPStatus.OK, url
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    return parsed


@pytest.fixture
def editor_client(client, desk_editor):
    client.force_login(desk_editor)
    return client


class TestAdding:
    def test_editor_adds_a_correction_in_the_admin(
        self, editor_client, desk_editor, article
    ):
        before = timezone.now()
        response = editor_client.post(
            ADD,
            {
                "article": article.pk,
                "kind": CORRECTION,
                "text": "  The plant opens in 2026, not 2025.  ",
            },
        )
        assert response.status_code == HTTPStatus.FOUND
        note = ArticleNote.objects.get()
        assert (note.article, note.kind) == (article, CORRECTION)
        assert note.text == "The plant opens in 2026, not 2025."
        assert note.noted_by == desk_editor
        assert before <= note.noted_at <= timezone.now()
        entry = AuditEntry.objects.get(action=AuditEntry.Action.NOTE_ADDED)
        assert (entry.actor, entry.object_id) == (desk_editor, str(article.pk))
        assert (
            entry.after == f"Correction #{note.pk}: The plant opens in 2026, not 2025."
        )

    def test_the_article_form_lists_notes_and_links_to_adding_one(
        self, editor_client, article
    ):
        ArticleNoteFactory(article=article, text="Spelling of the minister's name.")
        html = page(
            editor_client, reverse("admin:articles_article_change", args=[article.pk])
        )
        assert "Corrections and updates" in html
        assert "Spelling of the minister&#x27;s name." in html
        assert f"{ADD}?article={article.pk}" in html
        # The form opened from that link has the article chosen.
        form = editor_client.get(f"{ADD}?article={article.pk}").context["adminform"]
        assert form.form.initial["article"] == str(article.pk)

    @pytest.mark.parametrize(
        "make",
        [
            DraftFactory,
            lambda: ArticleFactory(
                published_at=timezone.now() + datetime.timedelta(days=1)
            ),
        ],
        ids=["draft", "scheduled"],
    )
    def test_only_published_articles_take_notes(self, editor_client, make):
        article = make()
        response = editor_client.post(
            ADD, {"article": article.pk, "kind": CORRECTION, "text": "Early."}
        )
        assert response.status_code == HTTPStatus.OK
        errors = response.context["adminform"].form.errors
        assert errors["article"] == [
            "Corrections and updates are added to published articles only."
        ]
        assert not ArticleNote.objects.exists()
        assert not AuditEntry.objects.exists()

    def test_empty_text_is_a_form_error(self, editor_client, article):
        response = editor_client.post(
            ADD, {"article": article.pk, "kind": CORRECTION, "text": "   "}
        )
        assert response.status_code == HTTPStatus.OK
        assert "text" in response.context["adminform"].form.errors
        assert not ArticleNote.objects.exists()

    def test_authors_cannot_add_notes(self, client, author, article):
        client.force_login(author)
        assert client.get(ADD).status_code == HTTPStatus.FORBIDDEN
        client.post(ADD, {"article": article.pk, "kind": CORRECTION, "text": "No."})
        assert not ArticleNote.objects.exists()
        with pytest.raises(PermissionDenied):
            article_note_add(article=article, actor=author, kind=CORRECTION, text="x")

    def test_the_service_refuses_unpublished_articles(self, desk_editor):
        with pytest.raises(ValidationError):
            article_note_add(
                article=DraftFactory(), actor=desk_editor, kind=UPDATE, text="x"
            )


class TestArticlePage:
    def test_notes_newest_first_with_date_time_and_zone(self, client, article):
        ArticleNoteFactory(
            article=article, noted_at=utc(2020, 6, 1, 1, 30), text="First note."
        )
        ArticleNoteFactory(
            article=article,
            kind=UPDATE,
            noted_at=utc(2020, 6, 2, 17, 5),
            text="Second note.\n\nIts second paragraph.",
        )
        html = page(client, article.get_absolute_url())
        section = html[html.index('class="article-notes"') :]
        assert section.index("Second note.") < section.index("First note.")
        # Hong Kong time, named: 17:05 UTC is 01:05 the next day there.
        assert (
            '<time datetime="2020-06-03T01:05:00+08:00">June 3, 2020, 01:05 HKT</time>'
            in section
        )
        assert "June 1, 2020, 09:30 HKT" in section
        assert '<strong class="note-kind">Update</strong>' in section
        assert "<p>Second note.</p>\n\n<p>Its second paragraph.</p>" in section

    def test_note_text_is_plain_text(self, client, article):
        ArticleNoteFactory(article=article, text='<script>alert("x")</script>')
        html = page(client, article.get_absolute_url())
        assert "<script>alert" not in html
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html

    def test_no_section_without_notes(self, client, article):
        assert "article-notes" not in page(client, article.get_absolute_url())

    def test_json_ld_carries_corrections_and_the_latest_change(self, client, article):
        article.refresh_from_db()
        first = ArticleNoteFactory(article=article, text="Wrong date.")
        ArticleNoteFactory(article=article, kind=UPDATE, text="Shares rose.")
        latest = ArticleNoteFactory(article=article, text="Wrong name.")
        [data] = json_ld(page(client, article.get_absolute_url()))
        assert data["correction"] == [
            {
                "@type": "CorrectionComment",
                "text": "Wrong name.",
                "datePublished": latest.noted_at.isoformat(),
            },
            {
                "@type": "CorrectionComment",
                "text": "Wrong date.",
                "datePublished": first.noted_at.isoformat(),
            },
        ]
        modified = datetime.datetime.fromisoformat(data["dateModified"])
        assert modified == latest.noted_at > article.updated_at

    def test_json_ld_without_notes_has_no_correction(self, client, article):
        article.refresh_from_db()
        [data] = json_ld(page(client, article.get_absolute_url()))
        assert "correction" not in data
        modified = datetime.datetime.fromisoformat(data["dateModified"])
        assert modified == article.updated_at

    def test_an_edit_after_the_note_is_the_date_modified(self, client, article):
        ArticleNoteFactory(article=article, noted_at=timezone.now())
        article.title = "Edited later"
        article.save()
        [data] = json_ld(page(client, article.get_absolute_url()))
        modified = datetime.datetime.fromisoformat(data["dateModified"])
        assert modified == article.updated_at


class TestWithdrawal:
    def test_withdrawing_keeps_the_note_visible_and_audited(
        self, editor_client, desk_editor, reader, article
    ):
        note = ArticleNoteFactory(article=article, text="The CEO resigned.")
        response = editor_client.post(change_url(note), {"reason": "She did not."})
        assert response.status_code == HTTPStatus.FOUND
        note.refresh_from_db()
        assert note.is_withdrawn
        assert (note.withdrawn_by, note.withdrawal_reason) == (
            desk_editor,
            "She did not.",
        )
        entry = AuditEntry.objects.get(action=AuditEntry.Action.NOTE_WITHDRAWN)
        assert entry.object_id == str(article.pk)
        assert entry.before == f"Correction #{note.pk}: The CEO resigned."
        assert entry.after == "withdrawn: She did not."

        html = page(reader, article.get_absolute_url())
        assert "The CEO resigned." in html
        local = timezone.localtime(note.withdrawn_at)
        assert f'Withdrawn on <time datetime="{local.isoformat()}">' in html
        assert "HKT</time>: She did not." in html
        [data] = json_ld(html)
        assert "correction" not in data
        modified = datetime.datetime.fromisoformat(data["dateModified"])
        assert modified == note.withdrawn_at
        log = page(reader, "/corrections/")
        assert "The CEO resigned." in log and "She did not." in log

    def test_leaving_the_reason_empty_changes_nothing(self, editor_client, article):
        note = ArticleNoteFactory(article=article)
        editor_client.post(change_url(note), {"reason": "  "})
        note.refresh_from_db()
        assert not note.is_withdrawn
        assert not AuditEntry.objects.exists()

    def test_a_withdrawn_note_is_read_only(self, editor_client, desk_editor, article):
        note = ArticleNoteFactory(article=article, text="Kept as said.")
        article_note_withdraw(note=note, actor=desk_editor, reason="Wrong.")
        response = editor_client.get(change_url(note))
        assert response.status_code == HTTPStatus.OK
        assert "reason" not in response.context["adminform"].form.fields
        assert 'name="reason"' not in response.content.decode()
        editor_client.post(change_url(note), {"reason": "Again.", "text": "Forged."})
        note.refresh_from_db()
        assert (note.text, note.withdrawal_reason) == ("Kept as said.", "Wrong.")
        # Withdrawing again through the service records nothing more.
        article_note_withdraw(note=note, actor=desk_editor, reason="Once more.")
        assert AuditEntry.objects.count() == 1

    def test_the_text_of_a_note_cannot_be_edited(self, editor_client, article):
        note = ArticleNoteFactory(article=article, text="As published.")
        editor_client.post(change_url(note), {"text": "Rewritten.", "kind": UPDATE})
        note.refresh_from_db()
        assert (note.text, note.kind) == ("As published.", CORRECTION)

    def test_a_withdrawal_needs_a_reason(self, desk_editor, article):
        note = ArticleNoteFactory(article=article)
        with pytest.raises(ValidationError):
            article_note_withdraw(note=note, actor=desk_editor, reason=" ")


class TestNoDeletion:
    @pytest.mark.parametrize("user", ["desk_editor", "editor"])
    def test_nobody_deletes_a_note_in_the_admin(self, request, client, user, article):
        """Not an editor, not even a superuser: the delete page and action refuse."""
        client.force_login(request.getfixturevalue(user))
        note = ArticleNoteFactory(article=article)
        delete = reverse("admin:articles_articlenote_delete", args=[note.pk])
        assert client.get(delete).status_code == HTTPStatus.FORBIDDEN
        assert client.post(delete, {"post": "yes"}).status_code == HTTPStatus.FORBIDDEN
        changelist = reverse("admin:articles_articlenote_changelist")
        # No action at all is offered, so not "Delete selected".
        assert client.get(changelist).context["action_form"] is None
        client.post(
            changelist,
            {"action": "delete_selected", "_selected_action": [note.pk], "post": "yes"},
        )
        assert ArticleNote.objects.filter(pk=note.pk).exists()
        assert delete not in page(client, change_url(note))


class TestCorrectionsLog:
    def test_lists_corrections_of_published_articles_newest_first(self, client):
        older = ArticleNoteFactory(
            noted_at=utc(2020, 5, 1, 4), text="Older correction."
        )
        newer = ArticleNoteFactory(
            noted_at=utc(2020, 5, 2, 4), text="Newer correction."
        )
        ArticleNoteFactory(text="An update, not a correction.", kind=UPDATE)
        html = page(client, "/corrections/")
        assert html.index("Newer correction.") < html.index("Older correction.")
        assert "An update, not a correction." not in html
        for note in (older, newer):
            assert f'href="{note.article.get_absolute_url()}#note-{note.pk}"' in html
            assert note.article.title in html
        assert "May 2, 2020, 12:00 HKT" in html
        assert reverse("articles:corrections-feed") in html

    def test_notes_of_unpublished_articles_are_not_shown(self, client, desk_editor):
        kept = ArticleNoteFactory(text="Kept correction.")
        unpublished = ArticleNoteFactory(text="Unpublished story's correction.")
        trashed = ArticleNoteFactory(text="Trashed story's correction.")
        unpublished.article.status = Article.Status.DRAFT
        unpublished.article.save()
        Article.objects.filter(pk=trashed.article_id).update(trashed_at=timezone.now())
        html = page(client, "/corrections/")
        assert kept.text in html
        assert unpublished.text not in html and trashed.text not in html
        for url in ("/corrections/feed/", "/corrections/feed/atom/"):
            texts = [e.summary for e in parse_feed(client, url).entries]
            assert texts == [f"<p>{kept.text}</p>"]
        assert (
            client.get(unpublished.article.get_absolute_url()).status_code
            == HTTPStatus.NOT_FOUND
        )

    def test_paginated_like_the_archives(self, client, settings):
        settings.ARTICLES_PER_PAGE = 2
        now = timezone.now()
        for i in range(5):
            ArticleNoteFactory(
                noted_at=now - datetime.timedelta(hours=i), text=f"Correction {i}."
            )
        first = page(client, "/corrections/")
        assert "Correction 0." in first and "Correction 2." not in first
        assert 'rel="next" href="https://gba.example.com/corrections/page/2/"' in first
        third = page(client, "/corrections/page/3/")
        assert "Correction 4." in third and "Correction 3." not in third
        assert "Corrections – Page 3" in third
        redirect = client.get("/corrections/page/1/")
        assert redirect.status_code == HTTPStatus.MOVED_PERMANENTLY
        assert redirect["Location"] == "/corrections/"
        for bad in ("/corrections/page/4/", "/corrections/page/0/"):
            assert client.get(bad).status_code == HTTPStatus.NOT_FOUND
        assert client.get("/corrections/page/x/").status_code == HTTPStatus.NOT_FOUND

    def test_empty_log(self, client):
        assert "No corrections have been published." in page(client, "/corrections/")

    @pytest.mark.parametrize("n", [1, 20])
    def test_queries_do_not_grow_with_page_size(
        self, client, settings, django_assert_max_num_queries, n
    ):
        settings.ARTICLES_PER_PAGE = 20
        ArticleNoteFactory.create_batch(n)
        with django_assert_max_num_queries(MAX_LOG_QUERIES):
            response = client.get("/corrections/")
        assert len(response.context_data["notes"]) == n
        with django_assert_max_num_queries(MAX_FEED_QUERIES):
            feed = parse_feed(client, "/corrections/feed/")
        assert len(feed.entries) == n

    def test_one_and_twenty_notes_cost_the_same(self, client, settings):
        settings.ARTICLES_PER_PAGE = 20

        def cost(url):
            client.get("/search/")  # navigation and the next scheduled time
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == HTTPStatus.OK
            return len(queries)

        ArticleNoteFactory()
        one = [cost("/corrections/"), cost("/corrections/feed/")]
        ArticleNoteFactory.create_batch(19)
        assert [cost("/corrections/"), cost("/corrections/feed/")] == one


class TestFeeds:
    def test_rss_and_atom_list_corrections(self, client, desk_editor):
        older = ArticleNoteFactory(noted_at=utc(2020, 5, 1, 4), text="Older.")
        newer = ArticleNoteFactory(noted_at=utc(2020, 5, 2, 4), text="Newer.")
        ArticleNoteFactory(kind=UPDATE, text="An update.")
        article_note_withdraw(note=older, actor=desk_editor, reason="Not wrong.")
        older.refresh_from_db()
        for url in ("/corrections/feed/", "/corrections/feed/atom/"):
            parsed = parse_feed(client, url)
            assert parsed.feed.title == "GBA Tech News » Corrections"
            assert parsed.feed.link == "https://gba.example.com/corrections/"
            first, second = parsed.entries
            assert first.title == f"Correction: {newer.article.title}"
            assert first.link == (
                f"https://gba.example.com{newer.article.get_absolute_url()}"
                f"#note-{newer.pk}"
            )
            assert first.id == f"https://gba.example.com/corrections/#note-{newer.pk}"
            assert first.summary == "<p>Newer.</p>"
            assert "<p>Withdrawn on " in second.summary
            assert "Not wrong.</p>" in second.summary
        atom = parse_feed(client, "/corrections/feed/atom/")
        updated = datetime.datetime(
            *atom.entries[1].updated_parsed[:6], tzinfo=datetime.UTC
        )
        assert updated == older.withdrawn_at.replace(microsecond=0)

    def test_an_unchanged_feed_answers_304(self, client):
        ArticleNoteFactory()
        first = client.get("/corrections/feed/")
        again = client.get("/corrections/feed/", HTTP_IF_NONE_MATCH=first["ETag"])
        assert again.status_code == HTTPStatus.NOT_MODIFIED

    def test_the_log_links_to_its_feeds(self, client):
        html = page(client, "/corrections/")
        assert (
            '<link rel="alternate" type="application/atom+xml" '
            'title="GBA Tech News » Corrections" '
            'href="https://gba.example.com/corrections/feed/atom/">'
        ) in html


class TestCachedPages:
    def test_a_note_added_in_the_admin_shows_on_the_next_request(
        self, page_cache, editor_client, reader, article
    ):
        urls = [article.get_absolute_url(), "/corrections/", "/corrections/feed/"]
        for url in urls:
            reader.get(url)
            assert reader.get(url).headers["X-Page-Cache"] == "hit"
        editor_client.post(
            ADD, {"article": article.pk, "kind": CORRECTION, "text": "New figure."}
        )
        for url in urls:
            response = reader.get(url)
            assert response.headers["X-Page-Cache"] == "miss", url
            assert "New figure." in response.content.decode(), url

    def test_a_withdrawal_shows_on_the_next_request(
        self, page_cache, editor_client, reader, article
    ):
        note = ArticleNoteFactory(article=article)
        urls = [article.get_absolute_url(), "/corrections/", "/corrections/feed/atom/"]
        for url in urls:
            reader.get(url)
            assert reader.get(url).headers["X-Page-Cache"] == "hit", url
        editor_client.post(change_url(note), {"reason": "Misread the filing."})
        for url in urls:
            response = reader.get(url)
            assert response.headers["X-Page-Cache"] == "miss", url
            assert "Misread the filing." in response.content.decode(), url

    def test_unpublishing_a_corrected_article_retires_every_page_of_the_log(
        self, page_cache, settings, client
    ):
        """Page 1 does not link to the article unpublished from page 2, yet its
        page count changes."""
        settings.ARTICLES_PER_PAGE = 1
        now = timezone.now()
        kept = ArticleNoteFactory(noted_at=now, text="Kept.")
        gone = ArticleNoteFactory(noted_at=now - datetime.timedelta(hours=1))
        assert "Page 1 of 2" in page(client, "/corrections/")
        assert page(client, "/corrections/page/2/").count(gone.text) == 1
        gone.article.status = Article.Status.DRAFT
        gone.article.save()
        response = client.get("/corrections/")
        assert response.headers["X-Page-Cache"] == "miss"
        html = response.content.decode()
        assert kept.text in html and "Page 1 of 2" not in html
        assert client.get("/corrections/page/2/").status_code == HTTPStatus.NOT_FOUND

    def test_a_retitled_article_shows_in_the_log(self, page_cache, client, article):
        ArticleNoteFactory(article=article)
        client.get("/corrections/")
        assert client.get("/corrections/").headers["X-Page-Cache"] == "hit"
        article.title = "A clearer headline"
        article.save()
        response = client.get("/corrections/")
        assert response.headers["X-Page-Cache"] == "miss"
        assert "A clearer headline" in response.content.decode()

    def test_an_update_elsewhere_leaves_the_log_cached(
        self, page_cache, client, article
    ):
        """Updates are not in the log: one under an article it does not list
        retires only that article's page."""
        ArticleNoteFactory(article=article)
        other = ArticleFactory()
        client.get("/corrections/")
        client.get(other.get_absolute_url())
        ArticleNoteFactory(article=other, kind=UPDATE, text="Shares rose.")
        assert client.get("/corrections/").headers["X-Page-Cache"] == "hit"
        response = client.get(other.get_absolute_url())
        assert response.headers["X-Page-Cache"] == "miss"
        assert "Shares rose." in response.content.decode()


@pytest.fixture
def reader():
    """A second browser, never logged in: an anonymous reader."""
    return Client()
