"""The article form in a real browser: layout, accessibility, editor, uploads."""

import os

import pytest

from . import browser
from .browser import PASSWORD, axe_serious
from .factories import ArticleFactory, CategoryFactory, LanguageFactory, StaffFactory

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


@pytest.fixture
def editor(roles):
    LanguageFactory()
    return StaffFactory(username="desk", password=PASSWORD, groups=["Editors"])


def log_in(page, live_server, username="desk"):
    browser.log_in(page, live_server, username)
    page.wait_for_url("**/admin/")


def form_urls(live_server):
    """The add form, and the change form of a draft with every kind of row filled."""
    from .factories import AuthorFactory, SourceLinkFactory, image_upload

    article = ArticleFactory(
        categories=[CategoryFactory()],
        body="<p>Text.</p>",
        status="draft",
        published_at=None,
        image=image_upload("lab.jpg"),
        image_alt="A lab",
        image_caption="The lab",
        image_credit="Photo: Li Wei",
        authors=[AuthorFactory()],
    )
    SourceLinkFactory(
        article=article,
        url="https://www.caixinglobal.com/a-rather-long-path/to-an-article-about-robots",
    )
    base = live_server.url + "/admin/articles/article/"
    return {"add": base + "add/", "change": f"{base}{article.pk}/change/"}


def no_sideways_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize(("width", "height"), [(1280, 900), (1024, 768)])
def test_article_form_fits_the_window(live_server, open_page, editor, width, height):
    urls = form_urls(live_server)
    watched = open_page(f"desk-fit-{width}", width, height)
    page = watched.page
    log_in(page, live_server)
    for kind, url in urls.items():
        page.goto(url)
        page.wait_for_selector("#body-images:not([hidden])")
        watched.screenshot(kind)
        widths = page.evaluate(
            "[document.documentElement.scrollWidth, window.innerWidth]"
        )
        assert no_sideways_scroll(page), f"{kind} form at {width}px: {widths}"


def test_article_form_has_no_serious_axe_violations(live_server, open_page, editor):
    urls = form_urls(live_server)
    watched = open_page(name="desk-axe")
    page = watched.page
    log_in(page, live_server)
    for kind, url in urls.items():
        page.goto(url)
        page.wait_for_selector("#body-images:not([hidden])")
        found, results = axe_serious(page)
        assert not found, f"{kind}: " + results.generate_report()


def test_body_editor_is_named_and_grows_with_its_text(live_server, open_page, editor):
    watched = open_page(name="desk-editor")
    page = watched.page
    log_in(page, live_server)
    page.goto(live_server.url + "/admin/articles/article/add/")
    body = page.locator(".field-body [contenteditable=true]")
    assert body.get_attribute("aria-label") == "Body"
    start = body.bounding_box()["height"]
    assert start >= 200  # not a one-line box
    body.click()
    for n in range(30):
        page.keyboard.type(f"Paragraph {n} of the story.")
        page.keyboard.press("Enter")
    grown = body.bounding_box()["height"]
    assert grown > start + 300
    # The page grows with it; the editor never scrolls inside itself.
    assert body.evaluate("e => e.scrollHeight <= e.clientHeight + 1")
    watched.screenshot("grown")


def test_image_uploaded_into_the_body_and_picked_again(
    live_server, open_page, editor, tmp_path, settings
):
    from articles.models import Article, MediaImage

    from .factories import image_bytes

    photo = tmp_path / "ferry.jpg"
    photo.write_bytes(image_bytes(900, 600))
    watched = open_page(name="desk-upload")
    page = watched.page
    log_in(page, live_server)
    page.goto(live_server.url + "/admin/articles/article/add/")
    page.wait_for_selector("#body-images:not([hidden])")
    page.fill("#id_title", "Ferries go electric")
    page.fill("#id_lead", "Star Ferry tests a battery boat.")
    body = page.locator(".field-body [contenteditable=true]")
    body.click()
    page.keyboard.type("The new boat is quiet.")

    # Without alt text nothing is sent.
    page.set_input_files("#body-image-file", str(photo))
    page.click("text=Upload and insert")
    status = page.locator("#body-image-status")
    assert "alt text" in status.inner_text()
    assert page.get_attribute("#body-image-alt", "aria-invalid") == "true"
    assert not MediaImage.objects.exists()

    page.fill("#body-image-alt", "The battery ferry at the pier")
    page.fill("#body-image-caption", "The first battery ferry")
    page.fill("#body-image-credit", "Photo: Chan Tai Man")
    page.click("text=Upload and insert")
    page.wait_for_selector(".field-body .ProseMirror img")
    assert "Inserted" in status.inner_text()
    image = MediaImage.objects.get()
    assert image.alt == "The battery ferry at the pier"
    inserted = body.locator("img")
    assert inserted.get_attribute("src") == image.file.url
    assert inserted.get_attribute("alt") == "The battery ferry at the pier"
    assert "The first battery ferry" in body.locator("figcaption").inner_text()

    # The library offers it again.
    page.click("text=Show images")
    pick = page.locator(".body-images-pick", has_text="The battery ferry")
    pick.click()
    assert body.locator("img").count() == 2
    watched.screenshot("inserted")

    page.select_option("#id_status", label="Draft")
    page.click("input[name=_save]")
    page.wait_for_url("**/admin/articles/article/")
    article = Article.objects.get(title="Ferries go electric")
    assert article.body.count(f'src="{image.file.url}"') == 2
    assert '<figcaption class="figure-caption">' in article.body


def test_share_preview_link_is_made_and_shown(live_server, open_page, editor):
    from articles.models import PreviewLink

    from .factories import DraftFactory

    draft = DraftFactory(title="Harbour tunnel reopens")
    watched = open_page(name="desk-share")
    page = watched.page
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    log_in(page, live_server)
    page.goto(f"{live_server.url}/admin/articles/article/{draft.pk}/change/")
    assert page.locator("a.previewlink").get_attribute("target") == "_blank"
    page.click("text=Share preview link")
    output = page.locator("#share-preview-url")
    output.wait_for()
    page.wait_for_function("document.getElementById('share-preview-url').value !== ''")
    link = PreviewLink.objects.get()
    assert output.input_value() == live_server.url + link.get_absolute_url()
    assert page.url.endswith(f"/{draft.pk}/change/")  # the form was not left
    status = page.locator(".share-preview-status")
    page.wait_for_function(
        "document.querySelector('.share-preview-status').textContent.includes('Copied')"
    )
    assert "usable until" in status.inner_text()
    assert page.evaluate("navigator.clipboard.readText()") == output.input_value()
    watched.screenshot("shared")

    reader = open_page(name="desk-share-reader")
    reader.page.goto(output.input_value())
    assert "Harbour tunnel reopens" in reader.page.inner_text("h1")


def test_media_library_pages_have_no_serious_axe_violations(
    live_server, open_page, editor
):
    from articles.models import MediaImage
    from articles.services import media_image_upload

    from .factories import image_upload

    image = media_image_upload(file=image_upload(), alt="A tram", actor=editor)
    base = live_server.url + "/admin/articles/mediaimage/"
    watched = open_page(name="desk-library-axe")
    page = watched.page
    log_in(page, live_server)
    for kind, url in {
        "list": base,
        "add": base + "add/",
        "change": f"{base}{image.pk}/change/",
    }.items():
        page.goto(url)
        watched.screenshot(kind)
        found, results = axe_serious(page)
        assert not found, f"{kind}: " + results.generate_report()
    assert MediaImage.objects.count() == 1


def test_oversize_body_image_is_refused_before_it_is_sent(
    live_server, open_page, editor, settings, tmp_path
):
    from articles.models import MediaImage

    from .factories import image_bytes

    settings.IMAGE_MAX_BYTES = 20 * 1024
    big = tmp_path / "harbour.png"
    big.write_bytes(image_bytes(600, 400, "PNG", mode="RGB", compress_level=0))
    watched = open_page(name="desk-upload-oversize")
    page = watched.page
    log_in(page, live_server)
    page.goto(live_server.url + "/admin/articles/article/add/")
    page.wait_for_selector("#body-images:not([hidden])")
    requests = []
    page.on("request", lambda r: requests.append(r) if r.method == "POST" else None)
    page.set_input_files("#body-image-file", str(big))
    page.fill("#body-image-alt", "The harbour")
    page.click("text=Upload and insert")
    assert "larger than 20.0" in page.locator("#body-image-status").inner_text()
    page.wait_for_timeout(300)
    assert requests == []
    assert not MediaImage.objects.exists()
