"""The moderation desk in the admin: who sees which menu entry, what the queue
says, and the warning before approving a link that is not on its source's site."""

from http import HTTPStatus

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils.text import capfirst

from articles.models import SourceLink

from .factories import (
    SourceDomainFactory,
    SourceFactory,
    SourceLinkFactory,
    StaffFactory,
)

pytestmark = pytest.mark.django_db

QUEUE = reverse("admin:articles_sourcelinkmoderation_changelist")
LINK_LIST = reverse("admin:articles_sourcelink_changelist")
PENDING = SourceLink.Status.PENDING
APPROVED = SourceLink.Status.APPROVED
CONFIRMATION = "admin/articles/sourcelinkmoderation/approve_confirmation.html"


@pytest.fixture
def caixin(db):
    source = SourceFactory(
        name="Caixin", slug="caixin", homepage="https://www.caixinglobal.com/"
    )
    SourceDomainFactory(source=source, domain="caixinglobal.com")
    return source


@pytest.fixture
def moderator(db):
    return StaffFactory(username="mod", groups=["Moderators"])


def on_caixin(caixin, path="robots"):
    return SourceLinkFactory(
        url=f"https://www.caixinglobal.com/{path}", source=caixin, status=PENDING
    )


def stray(caixin, path="copied-story"):
    """The issue's link: on example.org, yet labelled Caixin."""
    return SourceLinkFactory(
        url=f"https://example.org/{path}", source=caixin, status=PENDING
    )


def approve(client, links, url=QUEUE, **extra):
    return client.post(
        url,
        {
            "action": "approve_selected",
            "_selected_action": [link.pk for link in links],
            **extra,
        },
    )


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


def statuses(*links):
    return [SourceLink.objects.get(pk=link.pk).status for link in links]


@pytest.mark.parametrize(
    ("group", "sees_queue"),
    [("Moderators", True), ("Editors", True), ("Authors", False)],
)
def test_one_menu_entry_for_links_whatever_the_role(client, group, sees_queue):
    client.force_login(StaffFactory(groups=[group]))
    html = client.get(reverse("admin:index")).content.decode()
    assert f'href="{LINK_LIST}"' not in html
    assert "Source links" not in html
    assert (f'href="{QUEUE}">Moderation queue</a>' in html) is sees_queue


def test_the_link_list_is_still_reachable_for_editors(client):
    link = SourceLinkFactory()
    client.force_login(StaffFactory(groups=["Editors"]))
    assert client.get(LINK_LIST).status_code == HTTPStatus.OK
    change = reverse("admin:articles_sourcelink_change", args=[link.pk])
    assert client.get(change).status_code == HTTPStatus.OK


def test_queue_reads_naturally(client, moderator, caixin):
    on_caixin(caixin)
    client.force_login(moderator)
    response = client.get(QUEUE)
    html = response.content.decode()
    assert response.context["title"] == "Links awaiting review"
    assert "<h1>Links awaiting review</h1>" in html
    assert "to change" not in html
    assert "1 link\n" in html
    on_caixin(caixin, "second")
    assert "2 links\n" in client.get(QUEUE).content.decode()
    approved = client.get(QUEUE, {"status": "approved"})
    assert approved.context["title"] == "Approved links"
    assert client.get(QUEUE, {"status": "all"}).context["title"] == "All source links"
    link = SourceLink.objects.first()
    change = reverse("admin:articles_sourcelinkmoderation_change", args=[link.pk])
    assert client.get(change).context["title"] == "Review a source link"


def test_queue_columns_are_the_ones_a_decision_needs(client, moderator, caixin):
    on_caixin(caixin)
    client.force_login(moderator)
    response = client.get(QUEUE)
    # Shown in capitals by the admin's stylesheet.
    headers = [
        capfirst(header["text"]) for header in response.context["result_headers"][1:]
    ]
    assert headers == [
        "URL",
        "Article",
        "Readers see",
        "Status",
        "Submitted by",
        "Health",
        "Created",
    ]


def test_permission_names_follow_the_queue(db):
    names = set(
        Permission.objects.filter(
            codename__endswith="_sourcelinkmoderation"
        ).values_list("name", flat=True)
    )
    assert "Can view link in the moderation queue" in names
    assert not any("source link moderation queue" in name for name in names)


@pytest.mark.parametrize(
    ("count", "message"), [(1, "Approved 1 link."), (3, "Approved 3 links.")]
)
def test_moderator_approves_with_a_correct_plural(
    client, moderator, caixin, count, message
):
    links = [on_caixin(caixin, f"story-{n}") for n in range(count)]
    client.force_login(moderator)
    response = approve(client, links)
    assert response.status_code == HTTPStatus.FOUND
    assert statuses(*links) == [APPROVED] * count
    assert messages_of(client.get(QUEUE)) == [message]


@pytest.mark.parametrize(
    ("count", "message"), [(1, "Rejected 1 link."), (2, "Rejected 2 links.")]
)
def test_rejections_use_a_correct_plural(client, moderator, caixin, count, message):
    links = [on_caixin(caixin, f"story-{n}") for n in range(count)]
    client.force_login(moderator)
    client.post(
        QUEUE,
        {
            "action": "reject_selected",
            "_selected_action": [link.pk for link in links],
            "apply": "1",
            "reason": "Paywalled copy",
        },
    )
    assert messages_of(client.get(QUEUE)) == [message]


def test_queue_flags_a_link_not_on_its_sources_site(client, moderator, caixin):
    on_caixin(caixin)
    stray(caixin)
    client.force_login(moderator)
    html = client.get(QUEUE).content.decode()
    assert html.count('class="domain-mismatch"') == 1
    assert "⚠ example.org is not its site" in html


def test_approving_a_stray_link_asks_first(client, moderator, caixin):
    link = stray(caixin)
    client.force_login(moderator)
    response = approve(client, [link])
    assert response.status_code == HTTPStatus.OK
    assert CONFIRMATION in [t.name for t in response.templates]
    html = response.content.decode()
    assert "This link is not on the site of the source it names." in html
    assert '<th scope="row">example.org</th>' in html
    assert "<td>Caixin</td>" in html
    assert 'value="Yes, approve it"' in html
    assert f'href="{QUEUE}" class="button cancel-link"' in html
    assert statuses(link) == [PENDING]


def test_confirming_approves_the_stray_link(client, moderator, caixin):
    link = stray(caixin)
    client.force_login(moderator)
    response = approve(client, [link], approve="all", confirmed=[link.pk])
    assert response.status_code == HTTPStatus.FOUND
    assert statuses(link) == [APPROVED]
    assert messages_of(client.get(QUEUE)) == ["Approved 1 link."]


def test_a_confirmation_covers_only_the_links_it_named(client, moderator, caixin):
    """A link that became a stray after the warning was shown is asked about."""
    shown, later = stray(caixin, "one"), on_caixin(caixin, "two")
    SourceLink.objects.filter(pk=later.pk).update(url="https://example.net/two")
    client.force_login(moderator)
    response = approve(client, [shown, later], approve="all", confirmed=[shown.pk])
    assert response.status_code == HTTPStatus.OK
    assert {link.pk for link in response.context["mismatched"]} == {
        shown.pk,
        later.pk,
    }
    assert statuses(shown, later) == [PENDING, PENDING]


def test_mixed_selection_can_approve_only_the_matching_links(client, moderator, caixin):
    good, bad = on_caixin(caixin), stray(caixin)
    client.force_login(moderator)
    page = approve(client, [good, bad])
    assert page.context["matching"] == [good]
    assert 'value="Approve only the one that matches"' in page.content.decode()
    assert 'value="Yes, approve all 2"' in page.content.decode()
    response = approve(client, [good, bad], approve="matching")
    assert response.status_code == HTTPStatus.FOUND
    assert statuses(good, bad) == [APPROVED, PENDING]


def test_links_that_name_no_source_approve_directly(client, moderator):
    link = SourceLinkFactory(
        url="https://www.sznews.com/story", source=None, status=PENDING
    )
    client.force_login(moderator)
    assert approve(client, [link]).status_code == HTTPStatus.FOUND
    assert statuses(link) == [APPROVED]


def test_a_sources_homepage_counts_as_its_site(client, moderator):
    """Demo sources have a homepage and no domains yet: their links still match."""
    scmp = SourceFactory(name="SCMP", slug="scmp", homepage="https://www.scmp.com/")
    link = SourceLinkFactory(
        url="https://amp.scmp.com/news/a", source=scmp, status=PENDING
    )
    client.force_login(moderator)
    assert approve(client, [link]).status_code == HTTPStatus.FOUND
    assert statuses(link) == [APPROVED]


@pytest.mark.parametrize(
    ("url", "homepage", "domains", "matches"),
    [
        ("https://www.caixinglobal.com/a", "", ["caixinglobal.com"], True),
        ("https://caixinglobal.com/a", "", ["caixinglobal.com"], True),
        ("https://notcaixinglobal.com/a", "", ["caixinglobal.com"], False),
        ("https://example.org/a", "https://www.caixinglobal.com/", [], False),
        ("https://m.caixinglobal.com/a", "https://www.caixinglobal.com/", [], True),
        ("https://www.com/a", "https://www.com/", [], True),
        ("https://example.org/a", "", [], False),
    ],
)
def test_matches_source(url, homepage, domains, matches):
    source = SourceFactory(homepage=homepage)
    for domain in domains:
        SourceDomainFactory(source=source, domain=domain)
    link = SourceLinkFactory(url=url, source=source, status=PENDING)
    assert link.matches_source() is matches


@pytest.mark.parametrize("n", [1, 8])
def test_the_warning_page_queries_do_not_grow_with_links(
    client, moderator, caixin, django_assert_max_num_queries, n
):
    links = [stray(caixin, f"copy-{i}") for i in range(n)]
    client.force_login(moderator)
    # session, user, two of permissions, the status counts, the source filter
    # (twice), two changelist counts, the selected links with their articles and
    # sources, the sources' domains.
    with django_assert_max_num_queries(11):
        response = approve(client, links)
    assert len(response.context["mismatched"]) == n
