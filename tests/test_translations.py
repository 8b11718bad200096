"""The message catalogues: compiled without GNU gettext, complete, and on the pages."""

import re
import shutil
from http import HTTPStatus
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.template import engines
from django.utils import translation

from gbanews.catalogues import compile_catalogues

from .factories import ArticleFactory, ChineseFactory, SourceFactory, SourceLinkFactory

LOCALE = Path(settings.LOCALE_PATHS[0])
CATALOGUES = {"zh-hans": "zh_Hans", "zh-hant": "zh_Hant"}


def catalogue(language: str) -> polib.POFile:
    return polib.pofile(str(LOCALE / CATALOGUES[language] / "LC_MESSAGES/django.po"))


def test_compile_writes_mo_files_that_gettext_reads(tmp_path):
    shutil.copytree(LOCALE, tmp_path / "locale")
    for mo in (tmp_path / "locale").glob("*/LC_MESSAGES/*.mo"):
        mo.unlink()
    written = compile_catalogues(tmp_path / "locale")
    assert sorted(p.parent.parent.name for p in written) == ["zh_Hans", "zh_Hant"]
    assert compile_catalogues(tmp_path / "locale") == []  # up to date: nothing
    for mo in written:
        compiled = {entry.msgid: entry.msgstr for entry in polib.mofile(str(mo))}
        assert compiled["Category Archives: %(name)s"].startswith("分")


def test_the_command_compiles(capsys):
    call_command("compile_catalogues", "--force")
    assert "zh_Hant/LC_MESSAGES/django.mo" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", ["Category Archives: %(name)s", "Search", "Continue reading"]),
        ("zh-hans", ["分类归档：%(name)s", "搜索", "继续阅读"]),
        ("zh-hant", ["分類歸檔：%(name)s", "搜尋", "繼續閱讀"]),
    ],
)
def test_compiled_catalogue_translates(language, expected):
    with translation.override(language):
        assert [
            translation.gettext(text)
            for text in ("Category Archives: %(name)s", "Search", "Continue reading")
        ] == expected
        assert translation.ngettext(
            "%(count)s result for “%(query)s”", "%(count)s results for “%(query)s”", 3
        ).startswith("%(count)s" if language == "en" else "找到")


def template_messages() -> set[str]:
    """Every string marked for translation in the readers' templates."""
    env = engines["jinja2"].env
    found = set()
    for name in env.list_templates(extensions=["html"]):
        source = env.loader.get_source(env, name)[0]
        for _line, _function, message in env.extract_translations(source):
            found.update(
                m for m in (message if isinstance(message, tuple) else (message,)) if m
            )
    return found


@pytest.mark.parametrize("language", sorted(CATALOGUES))
def test_every_marked_template_string_is_translated(language):
    marked = template_messages()
    assert {"Skip to content", "Page %(number)s of %(count)s"} <= marked
    entries = [e for e in catalogue(language) if e.translated()]
    translated = {e.msgid for e in entries} | {e.msgid_plural for e in entries}
    assert marked - translated == set()


def placeholders(text: str) -> list[str]:
    return sorted(re.findall(r"%\((\w+)\)s", text))


@pytest.mark.parametrize("language", sorted(CATALOGUES))
def test_translations_keep_their_placeholders(language):
    for entry in catalogue(language):
        strings = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        for text in strings:
            assert placeholders(text) == placeholders(entry.msgid), entry.msgid


@pytest.mark.django_db
def test_chinese_pages_show_translated_archive_titles_and_pagination(
    client, settings, category
):
    settings.ARTICLES_PER_PAGE = 1
    ArticleFactory.create_batch(2, categories=[category])
    english = client.get("/category/innovation/").content.decode()
    assert "Category Archives: Innovation" in english
    assert "Page 1 of 2" in english
    hans = client.get("/zh-hans/category/innovation/").content.decode()
    assert "分类归档：Innovation" in hans
    assert "第 1 页，共 2 页" in hans
    assert "跳到正文" in hans
    hant = client.get("/zh-hant/category/innovation/page/2/").content.decode()
    assert "分類歸檔：Innovation" in hant
    assert "第 2 頁，共 2 頁" in hant
    assert "← 上一頁" in hant


@pytest.mark.django_db
def test_monthly_archive_title_and_dates_follow_the_language(client, category):
    article = ArticleFactory(categories=[category])
    month = article.published_at.astimezone()
    path = f"/{month:%Y}/{month:%m}/"
    assert f"Monthly Archives: {month:%B %Y}" in client.get(path).content.decode()
    hant = client.get(f"/zh-hant{path}").content.decode()
    assert f"月度歸檔：{month.year}年{month.month}月" in hant


@pytest.mark.django_db
def test_read_more_label_in_each_language(client, category):
    article = ArticleFactory(categories=[category])
    source = SourceFactory(name="Caixin", slug="caixin", language=ChineseFactory())
    SourceLinkFactory(article=article, source=source, language=source.language)
    path = article.get_absolute_url()
    assert (
        'Read more on <span class="source-name">Caixin</span> (in Chinese)</a>'
        in client.get(path).content.decode()
    )
    assert (
        '在<span class="source-name">Caixin</span>阅读全文（中文）</a>'
        in client.get(f"/zh-hans{path}").content.decode()
    )
    assert (
        '在<span class="source-name">Caixin</span>閱讀全文（中文）</a>'
        in client.get(f"/zh-hant{path}").content.decode()
    )


@pytest.mark.django_db
def test_search_is_搜索_and_搜尋(client, article):
    assert client.get("/zh-hans/search/").status_code == HTTPStatus.OK
    assert "<title>搜索 |" in client.get("/zh-hans/search/").content.decode()
    assert "<title>搜尋 |" in client.get("/zh-hant/search/").content.decode()
