"""Languages on a phone in a real browser: the switcher, converted text, and the
links between a story's translations (articles/translations.py)."""

import os

import pytest

from .browser import WatchedPage
from .factories import ArticleFactory, CategoryFactory, ChineseFactory, LanguageFactory

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(browser, request):
    """A watched page on a phone-sized screen (one Chromium per module: conftest);
    it must end with no console error."""
    context = browser.new_context(viewport=PHONE, locale="en-GB")
    watched = WatchedPage(context.new_page(), request.node.name)
    yield watched
    context.close()
    watched.assert_clean()


@pytest.fixture(autouse=True)
def _site_url(live_server, settings):
    settings.SITE_URL = live_server.url


def fits_the_screen(page) -> bool:
    """No horizontal scrolling: the page is no wider than the viewport."""
    return page.evaluate(
        "() => document.documentElement.scrollWidth <= window.innerWidth"
    )


def test_reader_switches_to_traditional_and_follows_translations(live_server, phone):
    category = CategoryFactory(name="Innovation", slug="innovation")
    english = ArticleFactory(
        title="Shenzhen publishes new information technology policy",
        lead="The policy supports software companies.",
        language=LanguageFactory(code="en"),
        categories=[category],
    )
    simplified = ArticleFactory(
        title="深圳发布信息技术新政策",
        lead="新政策支持软件企业发展。",
        body="<p>深圳的信息公开平台使用国产软件。</p>",
        language=ChineseFactory(),
        categories=[category],
        translation_of=english,
    )
    page = phone.page
    page.goto(live_server.url + simplified.get_absolute_url())
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert fits_the_screen(page)
    phone.screenshot("1-english-interface")

    page.locator(".language-switcher").get_by_role("link", name="繁體中文").click()
    page.wait_for_url(f"{live_server.url}/zh-hant{simplified.get_absolute_url()}")
    assert page.locator("html").get_attribute("lang") == "zh-hant"
    assert page.locator("h1.entry-title").inner_text() == "深圳發佈資訊科技新政策"
    body = page.locator(".entry-body").inner_text()
    assert "資訊" in body and "軟件" in body
    assert "本文由簡體自動轉換" in page.inner_text("main")
    assert fits_the_screen(page)
    phone.screenshot("2-traditional")

    page.get_by_role("link", name="Also in English").click()
    page.wait_for_url(live_server.url + english.get_absolute_url())
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1.entry-title").inner_text() == english.title
    assert fits_the_screen(page)
    phone.screenshot("3-english-version")

    page.get_by_role("link", name="另有中文版").click()
    page.wait_for_url(f"{live_server.url}/zh-hans{simplified.get_absolute_url()}")
    assert page.locator("h1.entry-title").inner_text() == simplified.title
    assert fits_the_screen(page)
    phone.screenshot("4-chinese-version")
