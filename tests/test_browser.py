"""Journeys in a real browser against a live server (Chromium via Playwright)."""

import os
from http import HTTPStatus

import pytest

from .browser import PASSWORD, log_in
from .factories import ArticleFactory, CategoryFactory, UserFactory, image_upload

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests
# make between browser steps are plain synchronous calls all the same.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


@pytest.fixture
def innovation(db):
    return CategoryFactory(name="Innovation", slug="innovation")


def test_reader_browses_archive_and_article(
    live_server, open_page, innovation, settings
):
    settings.ARTICLES_PER_PAGE = 3
    for i in range(4):
        ArticleFactory(
            title=f"Older story {i}", categories=[innovation], body="<p>Body.</p>"
        )
    newest = ArticleFactory(
        title="Shenzhen opens robotics lab",
        lead="A new lab opened in Nanshan.",
        body="<p>The lab has 40 robots.</p>",
        categories=[innovation],
        image=image_upload("lab.jpg", width=800, height=500),
        image_alt="Robots in the Nanshan lab",
    )
    reader = open_page("reader")
    page = reader.page
    page.goto(live_server.url + "/category/innovation/")
    assert page.locator("h1").inner_text() == "Category Archives: Innovation"
    first = page.locator("article.entry").first
    assert "A new lab opened in Nanshan." in first.inner_text()
    image = first.locator("img")
    assert image.get_attribute("alt") == "Robots in the Nanshan lab"
    assert image.evaluate("img => img.complete && img.naturalWidth > 0")
    reader.screenshot("archive")
    first.get_by_role(
        "link", name="Continue reading Shenzhen opens robotics lab"
    ).click()
    page.wait_for_url("**" + newest.get_absolute_url())
    assert "The lab has 40 robots." in page.locator(".entry-body").inner_text()
    reader.screenshot("article")
    page.go_back()
    page.get_by_role("link", name="Older stories").click()
    page.wait_for_url("**/category/innovation/page/2/")
    assert "Page 2 of 2" in page.inner_text("body")
    reader.screenshot("page-2")


def test_locked_out_login_shows_the_lockout_message(live_server, open_page, settings):
    UserFactory(username="editor", is_staff=True, password=PASSWORD)
    visitor = open_page("lockout")
    # The lockout response is an HTTP 429, which the browser logs as an error.
    visitor.expect("status of 429")
    page = visitor.page
    for _ in range(settings.AXES_FAILURE_LIMIT):
        page.goto(live_server.url + "/admin/login/")
        page.fill("#id_username", "editor")
        page.fill("#id_password", "wrong password")
        page.click("input[type=submit]")
    assert "locked after too many failed sign-in attempts" in page.inner_text("body")
    visitor.screenshot("locked")


@pytest.mark.parametrize("path", ["/", "/category/innovation/", "article"])
def test_pages_pass_axe(live_server, open_page, innovation, path):
    from axe_playwright_python.sync_playwright import Axe

    article = ArticleFactory(
        categories=[innovation], tags=["Shenzhen"], body="<h2>More</h2><p>Text.</p>"
    )
    url = article.get_absolute_url() if path == "article" else path
    checker = open_page("axe")
    response = checker.page.goto(live_server.url + url)
    assert response.status == HTTPStatus.OK
    results = Axe().run(checker.page)
    serious = [
        v
        for v in results.response["violations"]
        if v["impact"] in {"serious", "critical"}
    ]
    assert not serious, results.generate_report()


def test_author_cannot_publish(live_server, open_page, roles, innovation):
    from articles.models import Article

    from .factories import LanguageFactory, StaffFactory

    LanguageFactory()
    StaffFactory(username="writer", password=PASSWORD, groups=["Authors"])
    author = open_page("author")
    page = author.page
    log_in(page, live_server, "writer")
    page.goto(live_server.url + "/admin/articles/article/add/")
    options = page.locator("#id_status option").all_inner_texts()
    assert "Published" not in options
    assert "In review" in options
    page.fill("#id_title", "An author's story")
    page.fill("#id_lead", "Written by an author.")
    page.select_option("#id_status", label="In review")
    author.screenshot("form")
    page.click("input[name=_save]")
    page.wait_for_url("**/admin/articles/article/")
    article = Article.objects.get(title="An author's story")
    assert article.status == Article.Status.IN_REVIEW
    assert not article.is_published()
    page.goto(live_server.url + article.get_absolute_url())
    assert "preview — not published" in page.inner_text("body").lower()
    reader = open_page("author-reader")
    reader.expect("status of 404")
    response = reader.page.goto(live_server.url + article.get_absolute_url())
    assert response.status == HTTPStatus.NOT_FOUND


def test_editor_writes_and_publishes_an_article(
    live_server, open_page, roles, innovation, tmp_path
):
    from articles.models import Article

    from .factories import LanguageFactory, SourceFactory, StaffFactory, image_bytes

    LanguageFactory()
    SourceFactory(name="Caixin", slug="caixin")
    StaffFactory(username="desk", password=PASSWORD, groups=["Editors"])
    photo = tmp_path / "lab.jpg"
    photo.write_bytes(image_bytes(width=900, height=600))

    editor = open_page("editor")
    page = editor.page
    log_in(page, live_server, "desk")
    page.goto(live_server.url + "/admin/articles/article/add/")
    page.fill("#id_title", "Nanshan robotics lab opens")
    page.fill("#id_lead", "A robotics lab opened in Nanshan this week.")
    body = page.locator(".field-body [contenteditable=true]")
    body.click()
    page.keyboard.type("The lab has forty robots and ")
    page.keyboard.press("Control+b")
    page.keyboard.type("two hundred engineers")
    page.keyboard.press("Control+b")
    page.keyboard.type(".")
    # Categories: the admin's autocomplete widget.
    page.locator(".field-categories .select2-selection").click()
    page.keyboard.type("Inno")
    page.locator(".select2-results__option", has_text="Innovation").click()
    page.fill("#id_tags", "robots, Shenzhen")
    page.set_input_files("#id_image", str(photo))
    page.fill("#id_image_alt", "Robots on a lab bench")
    page.fill("#id_source_links-0-url", "https://www.caixinglobal.com/robots")
    page.select_option("#id_status", label="Published")
    page.fill("#id_published_at_0", "2020-06-01")
    page.fill("#id_published_at_1", "09:30:00")
    editor.screenshot("form")
    page.click("input[name=_save]")
    page.wait_for_url("**/admin/articles/article/")

    article = Article.objects.get(title="Nanshan robotics lab opens")
    assert article.is_published()
    assert "<strong>two hundred engineers</strong>" in article.body
    assert [c.slug for c in article.categories.all()] == ["innovation"]
    assert sorted(t.name for t in article.tags.all()) == ["Shenzhen", "robots"]
    assert article.image and article.image_alt == "Robots on a lab bench"
    assert article.source_links.get().url == "https://www.caixinglobal.com/robots"

    reader = open_page("editor-reader")
    reader.page.goto(live_server.url + "/category/innovation/")
    entry = reader.page.locator("article.entry").first
    assert "Nanshan robotics lab opens" in entry.inner_text()
    assert entry.locator("img").get_attribute("alt") == "Robots on a lab bench"
    reader.screenshot("archive")


def test_moderator_approves_a_source_link(live_server, open_page, roles, innovation):
    from articles.models import SourceLink

    from .factories import SourceFactory, SourceLinkFactory, StaffFactory

    article = ArticleFactory(
        title="Caixin on the robotics lab", categories=[innovation], body="<p>x</p>"
    )
    link = SourceLinkFactory(
        article=article,
        url="https://www.caixinglobal.com/robots",
        source=SourceFactory(
            name="Caixin", slug="caixin", homepage="https://www.caixinglobal.com/"
        ),
        status=SourceLink.Status.PENDING,
    )
    StaffFactory(username="mod", password=PASSWORD, groups=["Moderators"])

    reader = open_page("moderation-reader")
    reader.page.goto(live_server.url + "/category/innovation/")
    assert "Read more on Caixin" not in reader.page.inner_text("main")

    moderator = open_page("moderator")
    page = moderator.page
    log_in(page, live_server, "mod")
    page.goto(live_server.url + "/admin/articles/sourcelinkmoderation/")
    row = page.locator("#result_list tbody tr", has_text="caixinglobal.com/robots")
    row.locator("input.action-select").check()
    page.select_option("select[name=action]", "approve_selected")
    moderator.screenshot("queue")
    page.click("button[name=index]")
    page.wait_for_load_state()
    link.refresh_from_db()
    assert link.status == SourceLink.Status.APPROVED

    # A reload revalidates the browser's copy (max-age) against the new ETag.
    reader.page.reload()
    assert "Read more on Caixin" in reader.page.inner_text("main")
    reader.screenshot("approved")


def test_oversize_image_is_refused_before_the_form_is_sent(
    live_server, open_page, roles, innovation, settings, tmp_path
):
    """The size is checked in the browser: nothing is sent, nothing typed is lost."""
    from django.template.defaultfilters import filesizeformat

    from articles.models import Article

    from .factories import LanguageFactory, StaffFactory, image_bytes

    settings.IMAGE_MAX_BYTES = 20 * 1024
    LanguageFactory()
    StaffFactory(username="desk", password=PASSWORD, groups=["Editors"])
    big = tmp_path / "harbour.png"
    big.write_bytes(image_bytes(600, 400, "PNG", mode="RGB", compress_level=0))
    small = tmp_path / "harbour-small.jpg"
    small.write_bytes(image_bytes(300, 200))

    editor = open_page("oversize")
    page = editor.page
    log_in(page, live_server, "desk")
    add_url = live_server.url + "/admin/articles/article/add/"
    page.goto(add_url)
    page.fill("#id_title", "Harbour ferries go electric")
    page.fill("#id_lead", "Star Ferry tests a battery boat.")
    page.fill("#id_image_alt", "A ferry at the pier")
    page.set_input_files("#id_image", str(big))
    note = page.locator("#id_image_too_large")
    assert note.is_visible()
    text = note.inner_text()
    size = filesizeformat(big.stat().st_size)  # the script writes sizes alike
    assert f"This image is {size}; the limit is 20.0\xa0KB." in text
    assert "nothing you typed is lost" in text
    assert page.get_attribute("#id_image", "aria-invalid") == "true"
    editor.screenshot("refused")

    requests = []
    page.on("request", lambda r: requests.append(r) if r.method == "POST" else None)
    page.click("input[name=_save]")
    page.wait_for_timeout(500)
    assert requests == []
    assert page.url == add_url
    assert page.input_value("#id_title") == "Harbour ferries go electric"
    assert not Article.objects.exists()

    page.set_input_files("#id_image", str(small))
    assert page.locator("#id_image_too_large").count() == 0
    page.click("input[name=_save]")
    page.wait_for_url("**/admin/articles/article/")
    article = Article.objects.get()
    assert article.title == "Harbour ferries go electric"
    assert article.image.name.endswith("/harbour-small.jpg")
