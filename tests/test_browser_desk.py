"""The article form in a real browser: layout, accessibility, editor, uploads."""

import os

import pytest

from .browser import CHROMIUM, CHROMIUM_ARGS, WatchedPage, require_chromium
from .factories import ArticleFactory, CategoryFactory, LanguageFactory, StaffFactory

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]
PASSWORD = "correct-horse-battery-staple"


@pytest.fixture(scope="module")
def browser():
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def open_page(browser, request):
    """Open watched pages; each must end with no console error or CSP violation."""
    pages = []

    def open_(width=1280, height=900, name=None):
        context = browser.new_context(viewport={"width": width, "height": height})
        watched = WatchedPage(context.new_page(), name or request.node.name)
        pages.append((context, watched))
        return watched

    yield open_
    for context, watched in pages:
        context.close()
        watched.assert_clean()


@pytest.fixture(autouse=True)
def _site_url(live_server, settings):
    settings.SITE_URL = live_server.url


@pytest.fixture
def editor(db):
    from django.apps import apps

    from articles.roles import sync_role_groups

    sync_role_groups(apps)
    LanguageFactory()
    return StaffFactory(username="desk", password=PASSWORD, groups=["Editors"])


def log_in(page, live_server, username="desk"):
    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")


def form_urls(live_server):
    article = ArticleFactory(
        categories=[CategoryFactory()],
        body="<p>Text.</p>",
        status="draft",
        published_at=None,
    )
    base = live_server.url + "/admin/articles/article/"
    return {"add": base + "add/", "change": f"{base}{article.pk}/change/"}


def test_probe(live_server, open_page, editor):
    from axe_playwright_python.sync_playwright import Axe

    urls = form_urls(live_server)
    watched = open_page()
    page = watched.page
    log_in(page, live_server)
    for kind, url in urls.items():
        page.goto(url)
        print(kind, page.evaluate("document.documentElement.scrollWidth"))
        results = Axe().run(page)
        for v in results.response["violations"]:
            print(v["impact"], v["id"], [n["target"] for n in v["nodes"]][:8])
        watched.screenshot(kind)
