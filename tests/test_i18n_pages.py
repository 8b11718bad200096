"""Every public page in 简体 and 繁體: interface strings, dates, feeds and search."""

import datetime
import re
from html.parser import HTMLParser
from http import HTTPStatus

import feedparser
import pytest
from django.template import loader
from django.utils import timezone, translation

from .factories import (
    ArticleFactory,
    ArticleNoteFactory,
    AuthorFactory,
    ChineseFactory,
    SourceFactory,
    SourceLinkFactory,
    TraditionalChineseFactory,
)
from .test_feeds import MAX_FEED_QUERIES

pytestmark = pytest.mark.django_db

# 12 June 2020, 14:05 in the site's time zone.
NOON_ISH = datetime.datetime(2020, 6, 12, 14, 5)

# Interface words of the English pages; none may be left on a Chinese page.
ENGLISH_UI = [
    "Continue reading",
    "Search",
    "Older",
    "Newer",
    "Related",
    "Categories",
    "Tags",
    "Most read",
    "More in",
    "Sources",
    "Source",
    "Front page",
    "Archives",
    "Latest",
    "Page",
    "Skip to content",
    "Read more",
    "Corrections",
    "Correction",
    "Withdrawn",
    "Today",
    "This week",
    "By",
    "RSS feed",
    "story",
    "stories",
    "website",
    "No reads",
]


class ReaderText(HTMLParser):
    """What a reader sees or hears: text, and the labels of the page's elements."""

    LABELS = ("aria-label", "placeholder", "title", "alt", "content")

    def __init__(self):
        super().__init__()
        self.parts, self.skip = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.skip += 1
        # <link title> names a feed; <meta content> the description and og: tags.
        if tag not in ("link", "meta") or dict(attrs).get("name") == "description":
            self.parts += [value or "" for name, value in attrs if name in self.LABELS]

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.skip -= 1

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def reader_text(html: str) -> str:
    parser = ReaderText()
    parser.feed(html)
    return " ".join(parser.parts)


def english_left(html: str) -> list[str]:
    text = reader_text(html)
    return [word for word in ENGLISH_UI if re.search(rf"\b{word}\b", text)]


@pytest.fixture
def site(settings, category, django_capture_on_commit_callbacks):
    """One of each page's subjects, with Chinese stories (their text is Chinese)."""
    settings.ARTICLES_PER_PAGE = 1
    when = timezone.make_aware(NOON_ISH)
    author = AuthorFactory(name="陈大文", slug="chan")
    simplified = ArticleFactory(
        title="深圳发布信息技术新政策",
        lead="新政策支持软件企业发展。",
        body="<p>深圳的信息平台使用国产软件。</p>",
        language=ChineseFactory(),
        categories=[category],
        tags=["深圳"],
        authors=[author, AuthorFactory(name="李小明", slug="lee")],
        published_at=when,
    )
    ArticleFactory(
        title="香港資訊科技公司推出新軟體",
        lead="這家公司的伺服器設於數碼港。",
        body="<p>網路服務已經開通。</p>",
        language=TraditionalChineseFactory(),
        categories=[category],
        tags=["深圳"],
        published_at=when - datetime.timedelta(days=1),
    )
    source = SourceFactory(name="财新", slug="caixin", language=ChineseFactory())
    with django_capture_on_commit_callbacks(execute=True):  # the sources' index
        SourceLinkFactory(article=simplified, source=source, language=source.language)
    ArticleNoteFactory(article=simplified, text="数字有误。", noted_at=when)
    return simplified


def public_paths(article) -> list[str]:
    return [
        "/",
        "/page/2/",
        "/category/innovation/",
        "/category/innovation/page/2/",
        "/tag/深圳/",
        "/author/chan/",
        "/source/caixin/",
        "/sources/",
        "/2020/",
        "/2020/06/",
        article.get_absolute_url(),
        "/search/",
        "/search/?q=深圳",
        "/most-read/",
        "/corrections/",
    ]


@pytest.mark.parametrize("language", ["zh-hans", "zh-hant"])
def test_no_english_interface_string_on_a_chinese_page(client, site, language):
    for path in public_paths(site):
        response = client.get(f"/{language}{path}")
        assert response.status_code == HTTPStatus.OK, path
        assert english_left(response.content.decode()) == [], path


def test_the_scan_finds_english_interface_strings(client, site):
    """The same scan on the English pages finds what it looks for."""
    found = set()
    for path in public_paths(site):
        found.update(english_left(client.get(path).content.decode()))
    assert {"Search", "Older", "Categories", "Tags", "Front page", "By"} <= found


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "zh-hans",
            [
                "搜索",
                "首页",
                "消息来源",
                "分类归档：Innovation",
                "继续阅读",
                "下一页 →",
            ],
        ),
        (
            "zh-hant",
            [
                "搜尋",
                "首頁",
                "消息來源",
                "分類歸檔：Innovation",
                "繼續閱讀",
                "下一頁 →",
            ],
        ),
    ],
)
def test_archive_in_chinese(client, site, language, expected):
    html = client.get(f"/{language}/category/innovation/").content.decode()
    for text in expected:
        assert text in html


def test_article_page_in_chinese(client, site):
    path = site.get_absolute_url()
    hans = client.get(f"/zh-hans{path}").content.decode()
    assert "作者：" in hans and "陈大文</a>和<a" in hans
    assert "分类：" in hans
    assert "更正与更新" in hans
    assert '在<span class="source-name" lang="zh-hans">财新</span>阅读全文' in hans
    hant = client.get(f"/zh-hant{path}").content.decode()
    assert "陳大文" not in hant  # names are never converted
    assert "陈大文</a>及<a" in hant
    assert "更正及更新" in hant


def test_dates_follow_the_language(client, site):
    path = site.get_absolute_url()
    english = client.get(path).content.decode()
    assert "June 12, 2020" in english
    assert "June 12, 2020, 14:05" in english  # the correction's time
    for language in ("zh-hans", "zh-hant"):
        html = client.get(f"/{language}{path}").content.decode()
        assert "2020年6月12日" in html
        assert "2020年6月12日 14:05" in html
        assert "June" not in reader_text(html)


def test_front_page_archive_months_follow_the_language(client, site):
    assert "June 2020</a>" in client.get("/").content.decode()
    assert "2020年6月</a>" in client.get("/zh-hans/").content.decode()
    assert "2020年6月</a>" in client.get("/zh-hant/").content.decode()
    assert "月度歸檔：2020年6月" in client.get("/zh-hant/2020/06/").content.decode()


def test_source_counts_are_plural_aware(client, site):
    assert "1 story</span>" in client.get("/sources/").content.decode()
    assert "1篇报道</span>" in client.get("/zh-hans/sources/").content.decode()
    assert "1篇報道</span>" in client.get("/zh-hant/sources/").content.decode()


@pytest.mark.parametrize(
    ("language", "title", "text"),
    [
        ("", "Page not found", "Go to the latest stories"),
        ("/zh-hans", "找不到页面", "查看最新报道"),
        ("/zh-hant", "找不到頁面", "瀏覽最新報道"),
    ],
)
def test_404_page_in_the_readers_language(client, db, language, title, text):
    response = client.get(f"{language}/category/no-such-category/")
    assert response.status_code == HTTPStatus.NOT_FOUND
    html = response.content.decode()
    assert f"<h1>{title}</h1>" in html and text in html
    if language:
        assert english_left(html) == []


@pytest.mark.parametrize(
    ("language", "unavailable", "error"),
    [
        ("en", "Back in a moment", "Server error"),
        ("zh-hans", "稍后恢复", "服务器错误"),
        ("zh-hant", "稍後恢復", "伺服器錯誤"),
    ],
)
def test_error_pages_in_the_readers_language(language, unavailable, error):
    """503.html and 500.html, rendered without the database, in the URL's language."""
    with translation.override(language):
        html = loader.render_to_string("503.html")
        assert f'<html lang="{language}">' in html
        assert f"<h1>{unavailable}</h1>" in html
        assert f"<h1>{error}</h1>" in loader.render_to_string("500.html")


def feed(client, path):
    response = client.get(path)
    assert response.status_code == HTTPStatus.OK, path
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    return parsed


def test_feeds_per_language(client, page_cache, site):
    english = feed(client, "/feed/")
    hans = feed(client, "/zh-hans/feed/")
    hant = feed(client, "/zh-hant/feed/")
    # The page cache keeps one feed per language.
    assert english.feed.title == "GBA Tech News"
    assert english.feed.language == "en"
    assert hans.feed.title == "GBA Tech News（简体中文）"
    assert hans.feed.subtitle == "粤港澳大湾区科技新闻。"
    assert hant.feed.title == "GBA Tech News（繁體中文）"
    assert hant.feed.language == "zh-hant"
    # The same stories, each in the reader's script, linking to the reader's pages.
    assert [e.title for e in english.entries] == [
        "深圳发布信息技术新政策",
        "香港資訊科技公司推出新軟體",
    ]
    assert [e.title for e in hans.entries] == [
        "深圳发布信息技术新政策",
        "香港信息技术公司推出新软件",
    ]
    assert [e.title for e in hant.entries] == [
        "深圳發佈資訊科技新政策",
        "香港資訊科技公司推出新軟體",
    ]
    first = hant.entries[0]
    assert first.link.startswith("http") and "/zh-hant/2020/06/12/" in first.link
    assert "新政策支持軟件企業發展。" in first.summary
    assert "深圳的資訊平台使用國產軟件。" in first.content[0].value
    assert "閱讀全文" in first.content[0].value
    assert "网络服务已经开通。" in hans.entries[1].content[0].value
    # Served again from the cache, still per language.
    assert client.get("/zh-hant/feed/").headers["X-Page-Cache"] == "hit"
    assert feed(client, "/feed/").entries[0].title == "深圳发布信息技术新政策"


def test_subject_and_corrections_feeds_per_language(client, site):
    category = feed(client, "/zh-hant/category/innovation/feed/atom/")
    assert category.feed.title == "GBA Tech News » Innovation"
    assert category.entries[1].title == "香港資訊科技公司推出新軟體"
    tag = feed(client, "/zh-hans/tag/深圳/feed/")
    assert [e.title for e in tag.entries][1] == "香港信息技术公司推出新软件"
    corrections = feed(client, "/zh-hant/corrections/feed/")
    assert corrections.feed.title == "GBA Tech News » 更正"
    assert corrections.entries[0].title == "更正：深圳發佈資訊科技新政策"


def test_corrections_log_names_stories_in_the_readers_script(client, site):
    hant = client.get("/zh-hant/corrections/").content.decode()
    assert "深圳發佈資訊科技新政策</a>" in hant
    assert "更正</strong>" in hant
    assert "深圳发布信息技术新政策</a>" in client.get("/corrections/").content.decode()


def test_search_snippets_in_the_readers_script(client, site):
    hant = client.get("/zh-hant/search/", {"q": "信息"}).content.decode()
    assert "深圳發佈資訊科技新政策</a>" in hant
    assert "<mark>資訊</mark>" in hant
    assert "信息" not in reader_text(hant).replace("「信息」", "")
    assert "找到 1 項與「信息」相關的結果" in hant
    hans = client.get("/zh-hans/search/", {"q": "資訊"}).content.decode()
    assert "香港信息技术公司推出新软件</a>" in hans
    # Read in its own script, a story is shown as written.
    assert (
        "<mark>信息</mark>"
        in client.get("/zh-hans/search/", {"q": "信息"}).content.decode()
    )


@pytest.mark.parametrize("n", [1, 30])
def test_converted_feed_and_search_queries_do_not_grow(
    client, settings, category, django_assert_max_num_queries, n
):
    settings.FEED_ITEMS = settings.ARTICLES_PER_PAGE = 30
    for i in range(n):
        ArticleFactory(
            title=f"深圳信息技术新闻{i}",
            lead="软件企业。",
            body="<p>信息平台。</p>",
            language=ChineseFactory(),
            categories=[category],
        )
    with django_assert_max_num_queries(MAX_FEED_QUERIES):
        response = client.get("/zh-hant/feed/")
    titles = [e.title for e in feedparser.parse(response.content).entries]
    assert len(titles) == n and all(t.startswith("深圳資訊科技新聞") for t in titles)
    with django_assert_max_num_queries(10):  # as in English
        html = client.get("/zh-hant/search/", {"q": "信息"}).content.decode()
    assert html.count("<mark>資訊</mark>") == n
