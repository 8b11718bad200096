"""Three journeys through the site in a real browser, at three window sizes.

An editor writes a story (an image uploaded into the body, a featured image with
caption and credit), previews it, shares a preview link and publishes it. A
moderator approves a link from the queue past the domain warning. A reader goes
from the front page to a section, a story and its source's archive.

Every page on the way is checked for sideways scroll, its key elements and (the
admin pages editors use, and the reader's pages) axe's critical and serious
violations; every page ends with no console error or CSP violation
(tests/browser.py). A screenshot of each step is kept in
test-artifacts/journeys/<journey>-<width>-<step>.png (not committed).
"""

import datetime
import os
from http import HTTPStatus

import pytest
from django.utils import timezone

from articles.demo.pictures import draw_picture

from .browser import ARTIFACTS, PASSWORD, WatchedPage, axe_serious, log_in
from .factories import (
    ArticleFactory,
    CategoryFactory,
    LanguageFactory,
    SourceDomainFactory,
    SourceFactory,
    SourceLinkFactory,
    StaffFactory,
    image_upload,
)

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]
SIZES = [(1280, 900), (1024, 768), (390, 844)]
SHOTS = ARTIFACTS / "journeys"
QUEUE = "/admin/articles/sourcelinkmoderation/"


class Journey:
    """One person's window: numbered screenshots of each step, and its checks."""

    def __init__(self, browser, name, width, height, pages):
        self.browser, self.name, self.width, self.height = browser, name, width, height
        self.pages, self.steps = pages, 0
        self.watched = self.window()

    @property
    def page(self):
        return self.watched.page

    def window(self, **context_args):
        """A new browser window (a context of its own: no cookies shared)."""
        context = self.browser.new_context(
            viewport={"width": self.width, "height": self.height}, **context_args
        )
        return self.watch(context.new_page())

    def watch(self, page):
        watched = WatchedPage(page, f"{self.name}-{self.width}")
        self.pages.append(watched)
        return watched

    def step(self, name, watched=None, axe=False):
        """Screenshot the page; assert it does not scroll sideways (and axe)."""
        watched = watched or self.watched
        page = watched.page
        page.wait_for_load_state()
        self.steps += 1
        SHOTS.mkdir(parents=True, exist_ok=True)
        path = SHOTS / f"{self.name}-{self.width}-{self.steps:02}-{name}.png"
        # From the top: sticky parts (the admin's sidebar) are drawn where they are.
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=str(path), full_page=True)
        widths = page.evaluate(
            "[document.documentElement.scrollWidth, window.innerWidth]"
        )
        assert widths[0] <= widths[1], f"{name} scrolls sideways at {widths}"
        if axe:
            serious, results = axe_serious(page)
            assert not serious, f"{name}: {results.generate_report()}"
        return path


@pytest.fixture
def journey(browser, request):
    """Open a Journey; every page it opened must end clean."""
    pages = []

    def open_(name, width, height):
        return Journey(browser, name, width, height, pages)

    yield open_
    for watched in pages:
        watched.page.context.close()
    for watched in pages:
        watched.assert_clean()


@pytest.fixture(autouse=True)
def _site_url(live_server, settings):
    settings.SITE_URL = live_server.url


def wait_for_tasks():
    """Renditions are made after commit on the live server's task threads."""
    from articles.dispatch import wait_for_pending

    assert wait_for_pending(60), "the queued tasks did not finish"


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_editor_writes_previews_shares_and_publishes(
    live_server, journey, roles, tmp_path, width, height
):
    from playwright.sync_api import expect

    from articles.models import Article, MediaImage, PreviewLink

    LanguageFactory()
    CategoryFactory(name="Innovation", slug="innovation")
    StaffFactory(username="desk", password=PASSWORD, groups=["Editors"])
    inline = tmp_path / "ferry.jpg"
    inline.write_bytes(draw_picture("waves", "#1d6fa5", "ferry"))
    featured = tmp_path / "pier.jpg"
    featured.write_bytes(draw_picture("skyline", "#b5532a", "pier"))

    editor = journey("editor", width, height)
    editor.page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = editor.page
    page.goto(live_server.url + "/admin/login/")
    editor.step("login")
    log_in(page, live_server, "desk")
    page.wait_for_url("**/admin/")
    assert page.get_by_role("link", name="Articles").first.is_visible()
    editor.step("index")

    # The add form: title, lead, a body typed into the editor.
    page.goto(live_server.url + "/admin/articles/article/add/")
    page.wait_for_selector("#body-images:not([hidden])")
    page.fill("#id_title", "Star Ferry goes electric")
    page.fill("#id_lead", "The first battery ferry crosses the harbour.")
    body = page.locator(".field-body [contenteditable=true]")
    body.click()
    page.keyboard.type("The new boat is quiet and charges at the pier.")
    page.keyboard.press("Enter")

    # An image uploaded into the body through the editor, with its alt text.
    page.set_input_files("#body-image-file", str(inline))
    page.fill("#body-image-alt", "The battery ferry leaving Tsim Sha Tsui")
    page.fill("#body-image-caption", "The ferry on its first crossing")
    page.click("text=Upload and insert")
    page.wait_for_selector(".field-body .ProseMirror img")
    assert "Inserted" in page.inner_text("#body-image-status")

    # The featured image with alt text, caption and credit; a category.
    page.set_input_files("#id_image", str(featured))
    page.fill("#id_image_alt", "The ferry at Central Pier")
    page.fill("#id_image_caption", "Charging at Central Pier")
    page.fill("#id_image_credit", "Photo: Chan Tai Man")
    page.locator(".field-categories .select2-selection").click()
    page.keyboard.type("Inno")
    page.locator(".select2-results__option", has_text="Innovation").click()
    page.select_option("#id_status", label="Draft")
    editor.step("add-form", axe=True)

    page.click("input[name=_continue]")
    page.wait_for_url("**/change/")
    article = Article.objects.get(title="Star Ferry goes electric")
    assert article.status == Article.Status.DRAFT
    image = MediaImage.objects.get()
    assert image.alt == "The battery ferry leaving Tsim Sha Tsui"
    assert f'src="{image.file.url}"' in article.body
    assert article.image_caption == "Charging at Central Pier"
    assert "was added successfully" in page.inner_text(".messagelist")
    editor.step("change-form", axe=True)

    # Preview opens a new tab: the draft as readers will see it, the body image
    # with its srcset once its renditions are made.
    wait_for_tasks()
    with page.context.expect_page() as opened:
        page.click("a.previewlink")
    preview = editor.watch(opened.value)
    # The tab may still be on its way (the link redirects): wait, never reload it.
    preview.page.wait_for_load_state()
    preview.page.wait_for_selector("h1")
    assert preview.page.inner_text("h1") == "Star Ferry goes electric"
    assert "Preview — not published" in preview.page.text_content(".preview-banner")
    inline_img = preview.page.locator(".entry-body picture img")
    assert inline_img.get_attribute("alt") == "The battery ferry leaving Tsim Sha Tsui"
    srcset = preview.page.locator(".entry-body picture source").first
    assert f"/media/renditions/{image.file.name}.320w.webp 320w" in (
        srcset.get_attribute("srcset")
    )
    assert inline_img.evaluate("img => img.complete && img.naturalWidth > 0")
    assert "Charging at Central Pier" in preview.page.inner_text(".entry-figure")
    editor.step("preview", preview, axe=True)

    # Share preview link: made and copied without leaving the form.
    page.click("text=Share preview link")
    expect(page.locator("#share-preview-url")).not_to_have_value("")
    expect(page.locator(".share-preview-status")).to_contain_text("Copied")
    shared = page.input_value("#share-preview-url")
    assert shared == live_server.url + PreviewLink.objects.get().get_absolute_url()
    assert page.url.endswith(f"/{article.pk}/change/")
    editor.step("shared")

    # The link in a browser with no account: the draft, marked as a preview.
    guest = editor.window()
    response = guest.page.goto(shared)
    assert response.status == HTTPStatus.OK
    assert guest.page.inner_text("h1") == "Star Ferry goes electric"
    assert "Preview — not published" in guest.page.text_content(".preview-banner")
    editor.step("shared-link", guest)

    # Publish: status and time.
    when = timezone.localtime() - datetime.timedelta(minutes=10)
    page.select_option("#id_status", label="Published")
    page.fill("#id_published_at_0", when.strftime("%Y-%m-%d"))
    page.fill("#id_published_at_1", when.strftime("%H:%M:%S"))
    editor.step("publishing")
    page.click("input[name=_save]")
    page.wait_for_url("**/admin/articles/article/")
    assert "was changed successfully" in page.inner_text(".messagelist")
    article.refresh_from_db()
    assert article.is_published()
    editor.step("article-list", axe=True)

    # The public page: the story, its featured image with caption and credit.
    wait_for_tasks()
    reader = editor.window()
    response = reader.page.goto(live_server.url + article.get_absolute_url())
    assert response.status == HTTPStatus.OK
    assert reader.page.inner_text("h1") == "Star Ferry goes electric"
    assert reader.page.locator(".preview-banner").count() == 0
    figure = reader.page.locator(".entry-figure")
    assert figure.locator("img").get_attribute("alt") == "The ferry at Central Pier"
    assert figure.locator("source").first.get_attribute("srcset")
    caption = figure.locator("figcaption").inner_text()
    assert "Charging at Central Pier" in caption and "Photo: Chan Tai Man" in caption
    assert "The new boat is quiet" in reader.page.inner_text(".entry-body")
    editor.step("published", reader, axe=True)


@pytest.fixture
def stray_link(roles):
    """A queue with one link on a site other than its source's: example.org as
    Caixin, as in the issue; returns that link."""
    caixin = SourceFactory(
        name="Caixin", slug="caixin", homepage="https://www.caixinglobal.com/"
    )
    SourceDomainFactory(source=caixin, domain="caixinglobal.com")
    author = StaffFactory(username="reporter", password=PASSWORD, groups=["Authors"])
    for n in range(3):
        SourceLinkFactory(
            article=ArticleFactory(
                title=f"Shenzhen and Hong Kong agree on a data corridor, part {n}"
            ),
            url=f"https://www.caixinglobal.com/2026-11-30/data-corridor-talks-{n}/",
            source=caixin,
            status="pending",
            submitted_by=author,
        )
    StaffFactory(username="mod", password=PASSWORD, groups=["Moderators"])
    return SourceLinkFactory(
        article=ArticleFactory(title="A story credited to the wrong site"),
        url="https://example.org/copied-story",
        source=caixin,
        status="pending",
        submitted_by=author,
    )


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_moderator_approves_past_the_domain_warning(
    live_server, journey, stray_link, width, height
):
    from articles.models import SourceLink

    moderator = journey("moderator", width, height)
    page = moderator.page
    log_in(page, live_server, "mod")
    page.wait_for_url("**/admin/")
    # One menu entry for links: the queue.
    entries = page.locator("#content-main a", has_text="queue")
    assert entries.all_inner_texts() == ["Moderation queue"]
    assert page.locator("#content-main a", has_text="Source links").count() == 0
    moderator.step("index", axe=True)
    entries.click()
    page.wait_for_url("**" + QUEUE)
    assert page.inner_text("h1") == "Links awaiting review"
    row = page.locator("#result_list tbody tr", has_text="example.org/copied-story")
    assert "example.org is not its site" in row.inner_text()
    moderator.step("queue", axe=True)

    row.locator("input.action-select").check()
    page.select_option("select[name=action]", "approve_selected")
    page.click("button[name=index]")
    page.wait_for_load_state()
    assert page.inner_text("h1") == "Approve links that are not on their source's site?"
    warning = page.locator(".messagelist .warning").inner_text()
    assert "not on the site of the source it names" in warning
    assert "example.org" in page.locator("table.domain-mismatches").inner_text()
    moderator.step("warning", axe=True)
    stray_link.refresh_from_db()
    assert stray_link.status == SourceLink.Status.PENDING

    page.click("input[value='Yes, approve it']")
    page.wait_for_load_state()
    assert "Approved 1 link." in page.inner_text(".messagelist")
    stray_link.refresh_from_db()
    assert stray_link.status == SourceLink.Status.APPROVED
    moderator.step("approved", axe=True)


# The seventeen sections of the newsroom: three rows of menu on a desktop.
SECTIONS = [
    "Innovation", "Policy", "Finance", "Startups", "Hardware", "Robotics", "Energy",
    "Transport", "Health", "Education", "Telecoms", "Semiconductors", "Biotech",
    "Property", "Trade", "Culture", "Opinion",
]  # fmt: skip


@pytest.fixture
def newsroom(db):
    """A front page of many sections; returns the story cited from Caixin."""
    now = timezone.now()
    categories = [
        CategoryFactory(name=name, slug=name.lower(), position=n)
        for n, name in enumerate(SECTIONS)
    ]
    motifs = ["chart", "circuit", "orbits", None, None]
    for n, (category, motif) in enumerate(zip(categories[1:6], motifs, strict=True)):
        picture = motif and draw_picture(motif, "#2a7a5b", category.slug)
        ArticleFactory(
            title=f"{category.name} story",
            categories=[category],
            published_at=now - datetime.timedelta(hours=3 + n),
            image=picture and image_upload(f"{category.slug}.jpg", picture),
            image_alt=f"A picture for {category.name}",
        )
    ArticleFactory(
        title="Nansha port opens an automated terminal",
        lead="Cranes without drivers load the first ships.",
        categories=[categories[0]],
        image=image_upload("port.jpg", draw_picture("skyline", "#1d4f91", "port")),
        image_alt="Cranes over the Nansha terminal",
        published_at=now - datetime.timedelta(hours=1),
    )
    cited = ArticleFactory(
        title="Shenzhen opens a robotics lab",
        lead="A new lab opened in Nanshan.",
        body="<p>The lab has 40 robots.</p>",
        categories=[categories[0]],
        published_at=now - datetime.timedelta(hours=2),
    )
    caixin = SourceFactory(
        name="Caixin", slug="caixin", homepage="https://www.caixinglobal.com/"
    )
    SourceLinkFactory(
        article=cited, url="https://www.caixinglobal.com/robots", source=caixin
    )
    SourceLinkFactory(
        article=ArticleFactory(
            title="An older Caixin story",
            categories=[categories[2]],
            published_at=now - datetime.timedelta(days=3),
        ),
        source=caixin,
    )
    return cited


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_reader_goes_from_the_front_page_to_a_source_archive(
    live_server, journey, newsroom, width, height
):
    reader = journey("reader", width, height)
    page = reader.page
    page.goto(live_server.url + "/")
    lead = page.locator(".front-lead")
    assert "Nansha port opens an automated terminal" in lead.inner_text()
    lead_image = lead.locator("img")
    assert lead_image.get_attribute("alt") == "Cranes over the Nansha terminal"
    assert lead_image.evaluate("img => img.complete && img.naturalWidth > 0")
    # Headings are shown in capitals (CSS); the text is as written.
    headings = page.locator(".front-section .front-heading").all_text_contents()
    assert headings[:2] == ["Innovation", "Policy"]
    assert page.get_by_role("link", name="Stories by source").is_visible()
    menu = page.locator(".site-nav ul")
    assert menu.locator("li").count() == len(SECTIONS)
    if width < 768:
        # On a phone the menu is one line that scrolls sideways by itself.
        item = menu.locator("li").first.bounding_box()["height"]
        assert menu.bounding_box()["height"] <= item + 2
        assert menu.evaluate("e => e.scrollWidth > e.clientWidth")
    reader.step("front-page", axe=True)

    page.locator(".front-heading").get_by_role("link", name="Innovation").click()
    page.wait_for_url("**/category/innovation/")
    assert page.inner_text("h1") == "Category Archives: Innovation"
    current = page.locator(".site-nav a[aria-current=page]")
    assert current.text_content() == "Innovation"
    reader.step("section", axe=True)

    page.get_by_role("link", name="Shenzhen opens a robotics lab").first.click()
    page.wait_for_url("**" + newsroom.get_absolute_url())
    assert page.inner_text("h1") == "Shenzhen opens a robotics lab"
    assert "The lab has 40 robots." in page.inner_text(".entry-body")
    read_more = page.get_by_role("link", name="Read more on Caixin")
    assert read_more.get_attribute("href") == "https://www.caixinglobal.com/robots"
    reader.step("story", axe=True)

    page.get_by_role("link", name="More from Caixin").click()
    page.wait_for_url("**/source/caixin/")
    assert page.inner_text("h1") == "Source Archives: Caixin"
    titles = page.locator("article.entry .entry-title").all_inner_texts()
    assert titles == ["Shenzhen opens a robotics lab", "An older Caixin story"]
    reader.step("source-archive", axe=True)
