"""Three interface languages: URLs, the page cache per language, hreflang, switcher."""

import re
import xml.etree.ElementTree as ET
from http import HTTPStatus

import pytest

from .factories import ArticleFactory, StaffFactory

pytestmark = pytest.mark.django_db

SITEMAP_NS = {
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "xhtml": "http://www.w3.org/1999/xhtml",
}
CHINESE_BROWSER = "zh-CN,zh;q=0.9,en;q=0.5"


@pytest.mark.parametrize("accept", ["", "en-GB,en;q=0.8", CHINESE_BROWSER, "zh-TW"])
def test_home_never_redirects_on_accept_language(client, page_cache, article, accept):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE=accept)
    assert response.status_code == HTTPStatus.OK
    assert "Accept-Language" not in response.get("Vary", "")
    assert response["Content-Language"] == "en"
    assert '<html lang="en">' in response.content.decode()


def test_chinese_browser_is_offered_not_sent_to_chinese(client, article):
    page = client.get("/", HTTP_ACCEPT_LANGUAGE=CHINESE_BROWSER).content.decode()
    # The same page as every reader gets; the script reveals the matching link.
    assert page == client.get("/").content.decode()
    assert 'data-script="zh-hans" hidden>阅读中文版</a>' in page
    assert 'data-script="zh-hant" hidden>閱讀中文版</a>' in page
    assert "js/language-suggestion.js" in page


def test_a_language_cookie_changes_no_readers_page(client, article):
    english = client.get("/").content
    client.cookies["django_language"] = "zh-hant"
    response = client.get("/")
    assert response["Content-Language"] == "en"
    assert response.content == english
    assert "js/language-suggestion.js" not in client.get("/zh-hant/").content.decode()


def test_chinese_pages_live_under_their_prefix_with_the_same_slugs(client, article):
    for prefix, lang in (("/zh-hans", "zh-hans"), ("/zh-hant", "zh-hant")):
        for path in ("/", "/category/innovation/", article.get_absolute_url()):
            response = client.get(prefix + path)
            assert response.status_code == HTTPStatus.OK, prefix + path
            assert response["Content-Language"] == lang
            assert "Accept-Language" not in response.get("Vary", "")
    page = client.get("/zh-hant/category/innovation/").content.decode()
    assert '<html lang="zh-hant">' in page
    # Links on a Chinese page stay in that language.
    assert f'href="/zh-hant{article.get_absolute_url()}"' in page


def test_the_category_menu_is_kept_per_language(client, article):
    """The menu is rendered once and kept (articles/context_processors.py): each
    language gets its own, with its own addresses and labels."""
    menu = re.compile(r'<nav class="site-nav".*?</nav>', re.S)

    def menu_of(path):
        return menu.search(client.get(path).content.decode())[0]

    english = menu_of("/")
    chinese = menu_of("/zh-hant/")
    assert 'href="/category/innovation/"' in english
    assert 'aria-label="Categories"' in english
    assert 'href="/zh-hant/category/innovation/"' in chinese
    assert 'aria-label="Categories"' not in chinese
    assert "aria-current" not in english + chinese
    # And once per current category: the archive's own page is marked.
    current = menu_of("/zh-hant/category/innovation/")
    assert 'href="/zh-hant/category/innovation/" aria-current="page"' in current
    assert "aria-current" not in menu_of("/zh-hant/")


def test_english_keeps_its_permalinks_and_unknown_prefixes_404(client, article):
    assert article.get_absolute_url().startswith("/20")
    assert client.get("/en/").status_code == HTTPStatus.NOT_FOUND
    assert client.get("/zh-tw/").status_code == HTTPStatus.NOT_FOUND


@pytest.mark.parametrize(
    ("path", "language"),
    [
        ("/zh-hant", "zh-hant"),
        ("/zh-hans/no-such-page/", "zh-hans"),
        ("/en/", "en"),
        ("/zh-tw/category/innovation/", "en"),
        ("/category/zh-hant/", "en"),
    ],
)
def test_a_pages_language_is_its_first_segment_or_english(client, path, language):
    response = client.get(path)
    assert response["Content-Language"] == language
    assert "Accept-Language" not in response.get("Vary", "")


def test_robots_and_sitemaps_are_at_the_root_only(client, article):
    assert client.get("/robots.txt").status_code == HTTPStatus.OK
    assert client.get("/sitemap.xml").status_code == HTTPStatus.OK
    assert client.get("/zh-hans/robots.txt").status_code == HTTPStatus.NOT_FOUND
    assert client.get("/zh-hant/sitemap.xml").status_code == HTTPStatus.NOT_FOUND


def test_robots_txt_keeps_crawlers_out_of_search_in_every_language(client):
    lines = client.get("/robots.txt").content.decode().splitlines()
    for path in ("/admin/", "/search/", "/zh-hans/search/", "/zh-hant/search/"):
        assert f"Disallow: {path}" in lines


def test_the_page_cache_keeps_one_entry_per_language(client, page_cache, article):
    english = client.get("/category/innovation/")
    assert english.headers["X-Page-Cache"] == "miss"
    assert client.get("/category/innovation/").headers["X-Page-Cache"] == "hit"
    for prefix in ("/zh-hant", "/zh-hans"):
        chinese = client.get(f"{prefix}/category/innovation/")
        # A cached English page never answers a Chinese request, nor the reverse.
        assert chinese.headers["X-Page-Cache"] == "miss"
        assert chinese["Content-Language"] == prefix[1:]
        assert chinese.content != english.content
        again = client.get(f"{prefix}/category/innovation/")
        assert again.headers["X-Page-Cache"] == "hit"
        assert again.content == chinese.content
    cached = client.get("/category/innovation/", HTTP_ACCEPT_LANGUAGE="zh-TW")
    assert cached.headers["X-Page-Cache"] == "hit"
    assert cached.content == english.content


def test_an_edit_shows_in_every_language_of_a_cached_page(client, page_cache, article):
    for prefix in ("", "/zh-hans", "/zh-hant"):
        client.get(f"{prefix}/")
    article.title = "Qianhai opens a new lab"
    article.save()
    for prefix in ("", "/zh-hans", "/zh-hant"):
        response = client.get(f"{prefix}/")
        assert response.headers["X-Page-Cache"] == "miss"
        assert "Qianhai opens a new lab" in response.content.decode()


def alternates(page: str) -> dict[str, str]:
    pattern = r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">'
    return dict(re.findall(pattern, page))


def switcher(page: str) -> dict[str, str]:
    nav = page[page.index('<nav class="language-switcher"') :]
    nav = nav[: nav.index("</ul>")]
    return {
        lang: href
        for href, lang in re.findall(r'href="([^"]+)" hreflang="([^"]+)"', nav)
    }


def test_hreflang_alternates_on_home_category_and_article(client, article):
    site = "https://gba.example.com"
    for path in ("/", "/category/innovation/", article.get_absolute_url()):
        for prefix in ("", "/zh-hans", "/zh-hant"):
            page = client.get(prefix + path).content.decode()
            assert alternates(page) == {
                "en": site + path,
                "zh-Hans": f"{site}/zh-hans{path}",
                "zh-Hant": f"{site}/zh-hant{path}",
                "x-default": site + path,
            }, prefix + path


def test_switcher_links_to_the_same_page_in_each_language(client, article):
    path = article.get_absolute_url()
    page = client.get(f"/zh-hant{path}").content.decode()
    assert switcher(page) == {
        "en": path,
        "zh-Hans": f"/zh-hans{path}",
        "zh-Hant": f"/zh-hant{path}",
    }
    assert (
        f'href="/zh-hant{path}" hreflang="zh-Hant" lang="zh-Hant" aria-current="true"'
        in page
    )
    second = client.get("/zh-hans/category/innovation/page/1/", follow=True)
    assert second.redirect_chain == [("/zh-hans/category/innovation/", 301)]


def test_switcher_keeps_the_page_number(client, settings, category):
    settings.ARTICLES_PER_PAGE = 1
    ArticleFactory.create_batch(2, categories=[category])
    page = client.get("/category/innovation/page/2/").content.decode()
    assert switcher(page)["zh-Hant"] == "/zh-hant/category/innovation/page/2/"
    assert 'href="/page/2/" rel="next"' not in page  # archive links, not the home's


def test_admin_follows_the_editors_browser(client):
    client.force_login(StaffFactory(is_superuser=True))
    response = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="zh-Hant-HK,zh;q=0.8")
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Language"] == "zh-hant"
    assert "Accept-Language" in response["Vary"]
    page = response.content.decode()
    assert "網站管理" in page  # Django's "Site administration", Traditional
    simplified = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert "站点管理" in simplified
    english = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Site administration" in english


def test_sitemaps_list_every_language_with_alternates(client, article):
    site = "https://gba.example.com"
    path = article.get_absolute_url()
    root = ET.fromstring(client.get("/sitemap-articles.xml").content)
    entries = {
        url.findtext("sm:loc", namespaces=SITEMAP_NS): {
            link.get("hreflang"): link.get("href")
            for link in url.findall("xhtml:link", SITEMAP_NS)
        }
        for url in root.findall("sm:url", SITEMAP_NS)
    }
    versions = {
        "en": site + path,
        "zh-hans": f"{site}/zh-hans{path}",
        "zh-hant": f"{site}/zh-hant{path}",
        "x-default": site + path,
    }
    assert set(entries) == {
        site + path,
        f"{site}/zh-hans{path}",
        f"{site}/zh-hant{path}",
    }
    assert all(alternates == versions for alternates in entries.values())
    categories = client.get("/sitemap-categories.xml").content.decode()
    assert (
        f'hreflang="zh-hant" href="{site}/zh-hant/category/innovation/"' in categories
    )
