"""The admin pages editors and moderators use, in a real browser: layout and axe."""

import os
from http import HTTPStatus

import pytest
from django.urls import reverse

from .browser import PASSWORD, axe_serious, log_in
from .factories import (
    ArticleFactory,
    SourceDomainFactory,
    SourceFactory,
    SourceLinkFactory,
    StaffFactory,
)

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]
QUEUE = "/admin/articles/sourcelinkmoderation/"
QUEUE_HEADERS = [
    "URL",
    "Article",
    "Readers see",
    "Status",
    "Submitted by",
    "Health",
    "Created",
]


@pytest.fixture
def stray_link(roles):
    """A queue as the newsroom fills it (long titles and URLs); returns its one
    link on a site other than its source's, as in the issue: example.org as Caixin."""
    caixin = SourceFactory(
        name="Caixin", slug="caixin", homepage="https://www.caixinglobal.com/"
    )
    SourceDomainFactory(source=caixin, domain="caixinglobal.com")
    author = StaffFactory(username="reporter", password=PASSWORD, groups=["Authors"])
    for n in range(6):
        article = ArticleFactory(
            title="Shenzhen and Hong Kong agree on a cross-boundary data corridor, "
            f"part {n}"
        )
        SourceLinkFactory(
            article=article,
            url=f"https://www.caixinglobal.com/2026-11-30/shenzhen-hong-kong-data-corridor-talks-resume-after-two-years-{n}/?page=2",
            source=caixin,
            status="pending",
            submitted_by=author,
        )
    stray = SourceLinkFactory(
        article=ArticleFactory(title="A story credited to the wrong site"),
        url="https://example.org/copied-story",
        source=caixin,
        status="pending",
        submitted_by=author,
    )
    StaffFactory(username="mod", password=PASSWORD, groups=["Moderators"])
    StaffFactory(username="desk", password=PASSWORD, groups=["Editors"])
    return stray


def test_queue_fits_1280_with_every_column_visible(live_server, open_page, stray_link):
    moderator = open_page("queue-1280")
    page = moderator.page
    log_in(page, live_server, "mod")
    page.goto(live_server.url + QUEUE)
    assert page.inner_text("h1") == "Links awaiting review"
    headers = page.locator("#result_list thead th:not(.action-checkbox-column)")
    # Column headers are shown in capitals (CSS); the text is as written.
    assert [h.strip() for h in headers.all_text_contents()] == QUEUE_HEADERS
    moderator.screenshot("queue")
    results = page.locator(".results").evaluate(
        "e => [e.scrollWidth, e.clientWidth, e.getBoundingClientRect().right]"
    )
    scroll_width, client_width, right = results
    assert scroll_width <= client_width, f"the table overflows: {results}"
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    for header in headers.all():
        box = header.bounding_box()
        assert box["x"] + box["width"] <= right + 1, header.inner_text()
    assert "Pending" in page.locator("#result_list .field-status").first.inner_text()


@pytest.mark.parametrize(
    "page_name", ["index", "article-list", "queue", "history", "audit-log"]
)
def test_editors_admin_pages_pass_axe(live_server, open_page, stray_link, page_name):
    from articles.models import Article
    from articles.services import article_record_revision

    article = Article.objects.order_by("pk").first()
    editor_account = StaffFactory(username="history", groups=["Editors"])
    for comment in ("First draft.", "Lead rewritten."):
        article_record_revision(article=article, actor=editor_account, comment=comment)
    url = {
        "index": reverse("admin:index"),
        "article-list": reverse("admin:articles_article_changelist"),
        "queue": QUEUE,
        "history": reverse("admin:articles_article_history", args=[article.pk]),
        "audit-log": reverse("admin:articles_auditentry_changelist"),
    }[page_name]
    editor = open_page(f"axe-admin-{page_name}")
    log_in(editor.page, live_server, "desk")
    response = editor.page.goto(live_server.url + url)
    assert response.status == HTTPStatus.OK
    # The admin follows the system's colour scheme: check both.
    for scheme in ("light", "dark"):
        editor.page.emulate_media(color_scheme=scheme)
        editor.screenshot(scheme)
        serious, results = axe_serious(editor.page)
        assert not serious, f"{scheme}: {results.generate_report()}"


def test_moderator_is_warned_before_approving_a_stray_link(
    live_server, open_page, stray_link
):
    from articles.models import SourceLink

    moderator = open_page("queue-stray")
    page = moderator.page
    log_in(page, live_server, "mod")
    page.goto(live_server.url + QUEUE)
    row = page.locator("#result_list tbody tr", has_text="example.org/copied-story")
    assert "example.org is not its site" in row.inner_text()
    row.locator("input.action-select").check()
    page.select_option("select[name=action]", "approve_selected")
    page.click("button[name=index]")
    page.wait_for_load_state()
    assert page.inner_text("h1") == "Approve links that are not on their source's site?"
    warning = page.locator(".messagelist .warning").inner_text()
    assert "not on the site of the source it names" in warning
    assert "example.org" in page.locator("table.domain-mismatches").inner_text()
    moderator.screenshot("warning")
    serious, results = axe_serious(page)
    assert not serious, results.generate_report()
    stray_link.refresh_from_db()
    assert stray_link.status == SourceLink.Status.PENDING

    page.click("input[value='Yes, approve it']")
    page.wait_for_load_state()
    assert "Approved 1 link." in page.inner_text(".messagelist")
    stray_link.refresh_from_db()
    assert stray_link.status == SourceLink.Status.APPROVED
    moderator.screenshot("approved")
