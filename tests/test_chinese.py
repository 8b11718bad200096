"""Chinese articles in the reader's script (articles/chinese.py), through the pages."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.sanitize import clean_html

from .factories import (
    ArticleFactory,
    ChineseFactory,
    TraditionalChineseFactory,
)

pytestmark = pytest.mark.django_db

SIMPLIFIED_BODY = (
    '<p>深圳的<a href="https://www.sz.gov.cn/cn/xxgk/">信息公开</a>平台'
    "使用国产软件，<strong>视频会议</strong>系统也已上线。</p>"
)


@pytest.fixture
def simplified(category):
    return ArticleFactory(
        title="深圳发布信息技术新政策",
        lead="新政策支持软件企业发展。",
        body=SIMPLIFIED_BODY,
        language=ChineseFactory(),
        categories=[category],
    )


@pytest.fixture
def traditional(category):
    return ArticleFactory(
        title="香港資訊科技公司推出新軟體",
        lead="這家公司的伺服器設於數碼港。",
        body="<p>網路服務已經開通，<em>歡迎</em>使用。</p>",
        language=TraditionalChineseFactory(),
        categories=[category],
    )


def article_html(client, path):
    page = client.get(path).content.decode()
    return page[page.index("<article") : page.index("</article>")]


def test_simplified_story_read_in_traditional_uses_hong_kong_terms(client, simplified):
    path = simplified.get_absolute_url()
    page = client.get(f"/zh-hant{path}").content.decode()
    article = page[page.index("<article") : page.index("</article>")]
    assert "深圳發佈資訊科技新政策" in article
    assert "新政策支持軟件企業發展。" in article
    assert "資訊公開" in article and "軟件" in article
    assert "信息" not in article and "软件" not in article
    # Markup and URLs are copied as they are.
    simplified.refresh_from_db()  # as the sanitizer saved it
    link = simplified.body[simplified.body.index("<a ") : simplified.body.index("</a>")]
    assert link.replace("信息公开", "資訊公開") + "</a>" in article
    assert '<p class="conversion-note">本文由簡體自動轉換。</p>' in article
    assert '<html lang="zh-hant">' in page
    assert "<title>深圳發佈資訊科技新政策 |" in page


def test_traditional_story_read_in_simplified(client, traditional):
    path = traditional.get_absolute_url()
    article = article_html(client, f"/zh-hans{path}")
    assert "香港信息技术公司推出新软件" in article
    assert "这家公司的服务器设于数码港。" in article
    assert "<p>网络服务已经开通，<em>欢迎</em>使用。</p>" in article
    assert "本文由繁体自动转换。" in article


def test_no_conversion_in_the_articles_own_script_or_in_english(
    client, simplified, traditional
):
    simplified.refresh_from_db()  # as the sanitizer saved it
    for prefix in ("", "/zh-hans"):
        article = article_html(client, prefix + simplified.get_absolute_url())
        assert "深圳发布信息技术新政策" in article
        assert simplified.body in article
        assert "conversion-note" not in article
    for prefix in ("", "/zh-hant"):
        article = article_html(client, prefix + traditional.get_absolute_url())
        assert "香港資訊科技公司推出新軟體" in article
        assert "conversion-note" not in article


def test_english_articles_are_never_converted(client, article):
    article.title = "Shenzhen 信息 week"  # a Chinese word in an English story
    article.save()
    for prefix in ("", "/zh-hant"):
        page = article_html(client, prefix + article.get_absolute_url())
        assert "Shenzhen 信息 week" in page
        assert "conversion-note" not in page


def test_archive_entries_are_converted(client, simplified, traditional):
    hant = client.get("/zh-hant/category/innovation/").content.decode()
    assert "深圳發佈資訊科技新政策" in hant
    assert "新政策支持軟件企業發展。" in hant  # the lead too
    assert "香港資訊科技公司推出新軟體" in hant
    hans = client.get("/zh-hans/category/innovation/").content.decode()
    assert "香港信息技术公司推出新软件" in hans
    assert "深圳发布信息技术新政策" in hans
    english = client.get("/category/innovation/").content.decode()
    assert "深圳发布信息技术新政策" in english
    assert "香港資訊科技公司推出新軟體" in english


def test_an_editors_fixed_term_overrides_the_conversion(client, page_cache, simplified):
    path = f"/zh-hant{simplified.get_absolute_url()}"
    assert "影片會議" in article_html(client, path)  # OpenCC's Hong Kong guess
    # As converted, or as written in the article: both name the term.
    simplified.conversion_fixes = "影片會議=視像會議\n国产=<本地>\nno pair here"
    simplified.save()
    response = client.get(path)
    assert response.headers["X-Page-Cache"] == "miss"  # the edit shows at once
    article = article_html(client, path)
    assert "<strong>視像會議</strong>" in article
    assert "影片會議" not in article
    # A fixed term is text: escaped in the body, never markup.
    assert "使用&lt;本地&gt;軟件" in article
    # Fixes apply only when converting.
    assert "视频会议" in article_html(client, simplified.get_absolute_url())


def test_converted_body_is_what_the_sanitizer_allows(client, simplified):
    from articles.chinese import conversion_for

    simplified.conversion_fixes = "国产=<script>x</script>"
    conversion = conversion_for(simplified, "zh-hant")
    assert clean_html(conversion.body) == conversion.body
    assert "<script>" not in conversion.body


def test_conversion_costs_no_queries(client, simplified):
    path = simplified.get_absolute_url()
    counts = []
    for url in (
        path,
        f"/zh-hant{path}",
        "/category/innovation/",
        "/zh-hant/category/innovation/",
    ):
        cache.clear()  # each page cold
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert counts[2] == counts[3]


def test_related_article_titles_are_in_the_readers_script(client, category):
    english = ArticleFactory(categories=[category], tags=["AI"])
    ArticleFactory(
        title="深圳软件企业增长",
        language=ChineseFactory(),
        categories=[category],
        tags=["AI"],
    )
    page = client.get(f"/zh-hant{english.get_absolute_url()}").content.decode()
    related = page[page.index('<aside class="related"') :]
    assert "深圳軟件企業增長" in related
    page = client.get(english.get_absolute_url()).content.decode()
    assert "深圳软件企业增长" in page[page.index('<aside class="related"') :]
