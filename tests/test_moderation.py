"""The moderation queue and the services behind it."""

from http import HTTPStatus

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.dispatch import wait_for_pending
from articles.models import AuditEntry, SourceLink, SourceLinkDecision
from articles.services import (
    ModerationRefused,
    source_link_approve,
    source_link_reject,
    source_links_approve,
)
from articles.signals import content_changed

from .factories import (
    DeniedDomainFactory,
    SourceDomainFactory,
    SourceFactory,
    SourceLinkFactory,
    StaffFactory,
)
from .test_admin import article_form

pytestmark = pytest.mark.django_db

QUEUE = reverse("admin:articles_sourcelinkmoderation_changelist")
QUEUE_ALL = QUEUE + "?status=all"
ARTICLE_ADD = reverse("admin:articles_article_add")
# session, user, permissions, counts, filters (sources), paging count, rows,
# the sources' domains (readers see)…
QUEUE_QUERIES = 10
PENDING = SourceLink.Status.PENDING
APPROVED = SourceLink.Status.APPROVED
REJECTED = SourceLink.Status.REJECTED


@pytest.fixture
def moderator(db):
    """Exactly the permissions of the Moderators group."""
    return StaffFactory(
        username="moderator",
        permissions=["view_sourcelinkmoderation", "change_sourcelinkmoderation"],
    )


@pytest.fixture
def author(db):
    """An Author: writes articles and their links, cannot moderate."""
    return StaffFactory(
        username="author",
        permissions=[
            "add_article",
            "change_article",
            "view_article",
            "add_sourcelink",
            "change_sourcelink",
            "view_sourcelink",
        ],
    )


@pytest.fixture
def signals_sent():
    sent = []

    def receiver(sender, **kwargs):
        sent.append((sender, sorted(kwargs.get("articles", []))))

    content_changed.connect(receiver)
    yield sent
    content_changed.disconnect(receiver)


def pending_link(**fields):
    """A pending link, by default on the site of the source it names.

    SourceLinkFactory's URLs are on news.example.com; the source's homepage
    puts them on its site, so approving them asks nothing.
    """
    if "source" not in fields:
        fields["source"] = SourceFactory(homepage="https://news.example.com/")
    return SourceLinkFactory(status=PENDING, **fields)


def test_queue_opens_on_pending_links_with_counts(client, moderator):
    waiting = pending_link(url="https://waiting.example.com/1")
    SourceLinkFactory(url="https://approved.example.com/1")
    SourceLinkFactory(url="https://rejected.example.com/1", status=REJECTED)
    client.force_login(moderator)
    response = client.get(QUEUE)
    assert response.status_code == HTTPStatus.OK
    assert list(response.context["cl"].result_list) == [waiting]
    html = response.content.decode()
    for label in ("Pending: <strong>1</strong>", "Approved: <strong>1</strong>"):
        assert label in html
    assert "Rejected: <strong>1</strong>" in html
    assert "Broken: <strong>0</strong>" in html
    assert waiting.article.title in html and waiting.submitted_by is None
    everything = client.get(QUEUE, {"status": "all"}).context["cl"].result_list
    assert len(everything) == 3


def test_queue_says_when_no_source_matches_a_link(client, moderator):
    named = pending_link(url="https://www.caixinglobal.com/2026/story")
    unnamed = pending_link(url="https://www.sznews.com/2026/story")
    SourceLink.objects.filter(pk=named.pk).update(
        source=SourceFactory(name="Caixin", slug="caixin")
    )
    SourceLink.objects.filter(pk=unnamed.pk).update(source=None)
    client.force_login(moderator)
    html = client.get(QUEUE).content.decode()
    assert "sznews.com (no source matches this domain)" in html
    assert "caixinglobal.com (no source" not in html
    change = reverse("admin:articles_sourcelinkmoderation_change", args=[unnamed.pk])
    assert "sznews.com (no source matches this domain)" in (
        client.get(change).content.decode()
    )


def test_queue_lists_broken_links(client, moderator):
    SourceLinkFactory(url="https://fine.example.com/")
    broken = SourceLinkFactory(url="https://dead.example.com/")
    SourceLink.objects.filter(pk=broken.pk).update(
        is_broken=True, http_status=404, consecutive_failures=3
    )
    client.force_login(moderator)
    response = client.get(QUEUE, {"status": "all", "health": "broken"})
    assert [link.pk for link in response.context["cl"].result_list] == [broken.pk]
    assert "broken (404)" in response.content.decode()
    assert "Broken: <strong>1</strong>" in response.content.decode()


def test_moderator_approves_in_bulk_and_the_decision_is_recorded(
    client, moderator, author, signals_sent, django_capture_on_commit_callbacks
):
    links = [pending_link(submitted_by=author) for _ in range(3)]
    client.force_login(moderator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            QUEUE,
            {
                "action": "approve_selected",
                "_selected_action": [link.pk for link in links],
            },
        )
    assert response.status_code == HTTPStatus.FOUND
    for link in links:
        link.refresh_from_db()
        assert (link.status, link.moderated_by) == (APPROVED, moderator)
        assert link.moderated_at is not None
        decision = link.decisions.get()
        assert (decision.action, decision.actor) == ("approved", moderator)
        assert not decision.by_rule and decision.url == link.url
    assert signals_sent == [(SourceLink, sorted(link.article_id for link in links))]


def test_reject_asks_for_a_reason_first(
    client, moderator, signals_sent, django_capture_on_commit_callbacks
):
    links = [pending_link(), SourceLinkFactory()]
    ids = [link.pk for link in links]
    client.force_login(moderator)
    form_page = client.post(
        QUEUE_ALL,
        {"action": "reject_selected", "_selected_action": ids},
    )
    assert form_page.status_code == HTTPStatus.OK
    assert "Reason" in form_page.content.decode()
    assert SourceLink.objects.filter(status=REJECTED).count() == 0
    empty = client.post(
        QUEUE,
        {
            "action": "reject_selected",
            "_selected_action": ids,
            "apply": "1",
            "reason": " ",
        },
    )
    assert empty.status_code == HTTPStatus.OK
    assert "This field is required." in empty.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(
            QUEUE_ALL,
            {
                "action": "reject_selected",
                "_selected_action": ids,
                "apply": "1",
                "reason": "Paywalled press release",
            },
        )
    assert done.status_code == HTTPStatus.FOUND
    for link in links:
        link.refresh_from_db()
        assert link.status == REJECTED
        assert link.rejection_reason == "Paywalled press release"
        decision = link.decisions.first()  # newest first
        assert (decision.action, decision.reason) == (
            "rejected",
            "Paywalled press release",
        )
        assert decision.actor == moderator
    assert len(signals_sent) == 1


def test_moderator_cannot_edit_articles_or_add_links(client, moderator):
    link = pending_link()
    client.force_login(moderator)
    article_change = reverse("admin:articles_article_change", args=[link.article_id])
    assert client.get(article_change).status_code == HTTPStatus.FORBIDDEN
    assert client.get(reverse("admin:articles_article_changelist")).status_code == (
        HTTPStatus.FORBIDDEN
    )
    add = reverse("admin:articles_sourcelinkmoderation_add")
    assert client.get(add).status_code == HTTPStatus.FORBIDDEN
    change = reverse("admin:articles_sourcelinkmoderation_change", args=[link.pk])
    assert client.get(change).status_code == HTTPStatus.OK


def test_link_page_shows_its_decision_history(client, moderator):
    link = pending_link()
    source_link_reject(link=link, actor=moderator, reason="Wrong story entirely")
    client.force_login(moderator)
    change = reverse("admin:articles_sourcelinkmoderation_change", args=[link.pk])
    html = client.get(change).content.decode()
    assert "Wrong story entirely" in html
    assert "moderator" in html


@pytest.mark.parametrize("n", [1, 10])
def test_queue_queries_do_not_grow_with_rows(
    client, moderator, author, django_assert_max_num_queries, n
):
    for _ in range(n):
        pending_link(submitted_by=author)
    client.force_login(moderator)
    with django_assert_max_num_queries(QUEUE_QUERIES):
        response = client.get(QUEUE)
    assert len(response.context["cl"].result_list) == n


def test_moderator_can_enter_an_archive_url_but_not_the_status(client, moderator):
    link = pending_link()
    client.force_login(moderator)
    change = reverse("admin:articles_sourcelinkmoderation_change", args=[link.pk])
    response = client.post(
        change,
        {
            "archive_url": "https://web.archive.org/web/2020/https://a.example/",
            "status": APPROVED,
            "decisions-TOTAL_FORMS": "0",
            "decisions-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == HTTPStatus.FOUND
    link.refresh_from_db()
    assert link.archive_url == "https://web.archive.org/web/2020/https://a.example/"
    assert link.status == PENDING


def test_authors_cannot_open_the_queue_or_approve(client, author):
    link = pending_link()
    client.force_login(author)
    assert client.get(QUEUE).status_code == HTTPStatus.FORBIDDEN
    response = client.post(
        QUEUE, {"action": "approve_selected", "_selected_action": [link.pk]}
    )
    assert response.status_code == HTTPStatus.FORBIDDEN
    with pytest.raises(PermissionDenied):
        source_link_approve(link=link, actor=author)
    link.refresh_from_db()
    assert link.status == PENDING
    assert not SourceLinkDecision.objects.exists()


def test_nobody_approves_their_own_link(client, moderator):
    own = pending_link(submitted_by=moderator)
    client.force_login(moderator)
    response = client.post(
        QUEUE,
        {"action": "approve_selected", "_selected_action": [own.pk]},
        follow=True,
    )
    assert "You cannot approve a link you submitted yourself." in (
        response.content.decode()
    )
    own.refresh_from_db()
    assert own.status == PENDING
    with pytest.raises(ModerationRefused):
        source_link_approve(link=own, actor=moderator)


def test_denied_domain_cannot_be_approved(moderator):
    DeniedDomainFactory(domain="spam.example.net")
    link = pending_link(url="https://www.spam.example.net/story")
    fine = pending_link(url="https://fine.example.net/story")
    result = source_links_approve(
        links=SourceLink.objects.filter(pk__in=[link.pk, fine.pk]), actor=moderator
    )
    assert [done.pk for done in result.changed] == [fine.pk]
    assert [(refused.pk, why) for refused, why in result.refused] == [
        (link.pk, "Its domain is on the deny-list.")
    ]
    link.refresh_from_db()
    assert link.status == PENDING


def test_reject_service_needs_a_reason_and_rejected_links_can_be_approved(moderator):
    link = pending_link()
    with pytest.raises(ModerationRefused):
        source_link_reject(link=link, actor=moderator, reason="  ")
    source_link_reject(link=link, actor=moderator, reason="Wrong story")
    link = source_link_approve(link=link, actor=moderator)
    assert link.status == APPROVED and link.rejection_reason == ""
    actions = list(link.decisions.order_by("pk").values_list("action", "reason"))
    assert actions == [("rejected", "Wrong story"), ("approved", "")]


@pytest.mark.django_db(transaction=True)
def test_approval_asks_the_archiver_for_a_copy(settings, moderator, http_server):
    settings.ARCHIVER_ENDPOINT = http_server.base + "/save/"
    settings.ARCHIVER_TIMEOUT = 5
    link = pending_link(url="https://news.example.com/robots")
    kept = pending_link(
        url="https://news.example.com/kept", archive_url="https://archive.example/kept"
    )
    source_links_approve(
        links=SourceLink.objects.filter(pk__in=[link.pk, kept.pk]), actor=moderator
    )
    assert wait_for_pending(10)
    link.refresh_from_db()
    kept.refresh_from_db()
    assert link.archive_url == (
        http_server.base + "/web/20260101000000/https://news.example.com/robots"
    )
    assert (link.archive_status, link.archive_attempts) == ("archived", 1)
    assert kept.archive_url == "https://archive.example/kept"
    assert kept.archive_status == ""
    assert [hit[1] for hit in http_server.hits] == [
        "/save/https://news.example.com/robots"
    ]


@pytest.mark.django_db(transaction=True)
def test_no_archiver_no_request(settings, moderator, http_server):
    settings.ARCHIVER_ENDPOINT = ""
    link = pending_link()
    source_link_approve(link=link, actor=moderator)
    assert wait_for_pending(10)
    link.refresh_from_db()
    assert (link.archive_url, link.archive_status) == ("", "")
    assert http_server.hits == []


def test_decisions_reach_the_editorial_audit_log(client, moderator, author):
    approved, rejected = pending_link(submitted_by=author), pending_link()
    client.force_login(moderator)
    client.post(
        QUEUE, {"action": "approve_selected", "_selected_action": [approved.pk]}
    )
    source_link_reject(link=rejected, actor=moderator, reason="Paywalled copy")
    entries = {e.object_id: e for e in AuditEntry.objects.all()}
    assert entries[str(approved.pk)].action == AuditEntry.Action.LINK_APPROVED
    assert entries[str(approved.pk)].actor == moderator
    assert (entries[str(approved.pk)].before, entries[str(approved.pk)].after) == (
        "Pending",
        "Approved",
    )
    assert entries[str(rejected.pk)].action == AuditEntry.Action.LINK_REJECTED
    assert entries[str(rejected.pk)].after == "Rejected: Paywalled copy"


def test_rule_decisions_are_recorded_like_a_moderators(client, editor, moderator):
    """A link the trusted-source rule approves in the article form gets the same
    decision and audit entry as a moderator's approval, naming the rule."""
    trusted = SourceFactory(name="Caixin", slug="caixin", is_trusted=True)
    SourceDomainFactory(source=trusted, domain="caixinglobal.com")
    client.force_login(editor)
    data = article_form(
        **{
            "source_links-TOTAL_FORMS": "1",
            "source_links-0-url": "https://www.caixinglobal.com/robots",
            "source_links-0-source": "",
            "source_links-0-language": "",
            "source_links-0-archive_url": "",
        }
    )
    assert client.post(ARTICLE_ADD, data).status_code == HTTPStatus.FOUND
    by_rule = SourceLink.objects.get()
    by_person = pending_link()
    source_link_approve(link=by_person, actor=moderator)

    fields = ["action", "url", "reason", "by_rule", "actor", "decided_at"]
    rule_decision = by_rule.decisions.values(*fields).get()
    person_decision = by_person.decisions.values(*fields).get()
    assert rule_decision == {
        **person_decision,
        "url": by_rule.url,
        "by_rule": True,
        "actor": None,
        "decided_at": by_rule.moderated_at,
    }
    assert person_decision["actor"] == moderator.pk

    fields = ["action", "content_type", "before", "after", "actor", "actor_name"]
    entries = AuditEntry.objects.filter(content_type__model="sourcelink")
    rule_entry = entries.values(*fields).get(object_id=by_rule.pk)
    person_entry = entries.values(*fields).get(object_id=by_person.pk)
    assert rule_entry == {
        **person_entry,
        "actor": None,
        "actor_name": "trusted-source rule",
    }
    assert person_entry["action"] == AuditEntry.Action.LINK_APPROVED
    assert (by_rule.status, by_rule.approved_by_rule) == (APPROVED, True)
    assert (by_rule.submitted_by, by_rule.moderated_by) == (editor, None)


def test_bulk_decisions_cost_the_same_queries_for_two_links_and_ten(moderator):
    def approve(n) -> int:
        ids = [pending_link().pk for _ in range(n)]
        with CaptureQueriesContext(connection) as queries:
            source_links_approve(
                links=SourceLink.objects.filter(pk__in=ids), actor=moderator
            )
        assert AuditEntry.objects.filter(object_id__in=map(str, ids)).count() == n
        return len(queries)

    approve(1)  # the actor's permissions and the content type are cached after this
    assert approve(10) == approve(2)
