"""Chinese articles in the reader's script: Simplified <-> Traditional with OpenCC.

A Chinese article is written once, in either script. Under /zh-hant/ a Simplified
article is shown in Traditional characters with Hong Kong vocabulary (OpenCC's
``s2hk`` after the phrase table below: 信息 -> 資訊, 软件 -> 軟件); under /zh-hans/ a
Traditional article is shown in Simplified (``hk2s`` or, for Taiwanese text,
``tw2sp``, after the reverse phrases: 資訊 -> 信息). English pages and non-Chinese
articles are never converted.

Only text is converted: the title, the lead and the text nodes of the body, which is
already sanitized HTML (articles/sanitize.py); tags, attributes and URLs are copied
as they are, and an editor's fixed term is escaped, so the result is still what the
sanitizer allows. An editor corrects a wrong conversion with the article's
``conversion_fixes``: one ``原文=譯文`` pair a line, applied after OpenCC.

Conversion costs milliseconds per article; article pages keep the result under the
article's version (``Freshness.cached``, articles/views/detail.py), archive entries
keep their HTML per version and language (articles/entries.py).
"""

import copy
import functools
import html
import re
from html.parser import HTMLParser
from typing import NamedTuple

import opencc
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, gettext_noop

from .freshness import article_key

SIMPLIFIED = "hans"
TRADITIONAL = "hant"
# The script an interface language reads (settings.LANGUAGES).
READER_SCRIPTS = {"zh-hans": SIMPLIFIED, "zh-hant": TRADITIONAL}
_TRADITIONAL_CODES = ("hant", "tw", "hk", "mo")
# Shown above a converted article, in the reader's language.
NOTES = {
    SIMPLIFIED: gettext_noop("Automatically converted from Simplified Chinese."),
    TRADITIONAL: gettext_noop("Automatically converted from Traditional Chinese."),
}

# Mainland Simplified terms and the words Hong Kong writes for them, where OpenCC's
# s2hk maps characters only. Kept to terms of technology news whose meaning does
# not change with context (程序, 质量 are left alone: both words exist in Hong Kong).
HONG_KONG_TERMS = {
    "信息技术": "資訊科技",
    "信息": "資訊",
    "服务器": "伺服器",
    "鼠标": "滑鼠",
    "博客": "網誌",
    "短信": "短訊",
    "芯片": "晶片",
    "出租车": "的士",
    "移动支付": "流動支付",
    "移动电话": "流動電話",
    "移动互联网": "流動互聯網",
    "数字化": "數碼化",
    "数码相机": "數碼相機",
    "视频": "影片",
}
# The other way, for Traditional articles read in Simplified (Hong Kong and Taiwan
# terms to mainland ones); 影片 stays (it also means "film" on the mainland).
MAINLAND_TERMS = {
    "資訊科技": "信息技术",
    "資訊": "信息",
    "伺服器": "服务器",
    "滑鼠": "鼠标",
    "網誌": "博客",
    "短訊": "短信",
    "晶片": "芯片",
    "的士": "出租车",
    "流動支付": "移动支付",
    "流動電話": "移动电话",
    "流動互聯網": "移动互联网",
    "數碼化": "数字化",
    "軟體": "软件",
    "網路": "网络",
}


def script_of(language_code: str) -> str | None:
    """The script of an article in this language (BCP 47); None if not Chinese."""
    code = (language_code or "").lower()
    if not code.startswith("zh"):
        return None
    return TRADITIONAL if any(p in code for p in _TRADITIONAL_CODES) else SIMPLIFIED


def _phrases(table: dict[str, str]):
    """A function replacing every term of table, longest first, in one pass."""
    pattern = re.compile("|".join(sorted(map(re.escape, table), key=len, reverse=True)))
    return lambda text: pattern.sub(lambda match: table[match.group()], text)


@functools.cache
def converter(source: str, target: str, language_code: str = ""):
    """The text conversion from one script to the other (made once per process)."""
    if target == TRADITIONAL:
        terms, config = _phrases(HONG_KONG_TERMS), opencc.OpenCC("s2hk")
    else:
        taiwanese = "tw" in language_code.lower()
        terms = _phrases(MAINLAND_TERMS)
        config = opencc.OpenCC("tw2sp" if taiwanese else "hk2s")
    return lambda text: config.convert(terms(text)) if text else text


def parse_fixes(text: str) -> list[tuple[str, str]]:
    """The ``原文=譯文`` pairs of conversion_fixes; lines without "=" are ignored."""
    pairs = []
    for line in (text or "").splitlines():
        wrong, sep, right = line.partition("=")
        if sep and wrong.strip():
            pairs.append((wrong.strip(), right.strip()))
    return pairs


def _fixer(pairs: list[tuple[str, str]], convert, *, escaped: bool):
    """Replace each term, as written or as OpenCC converted it, by the editor's."""
    table = {}
    for wrong, right in pairs:
        shown = html.escape(right, quote=False) if escaped else right
        table.setdefault(convert(wrong), shown)
        table.setdefault(wrong, shown)
    return _phrases(table) if table else (lambda text: text)


class _TextConverter(HTMLParser):
    """Copies sanitized HTML as it is, converting the text between its tags."""

    def __init__(self, convert):
        super().__init__(convert_charrefs=False)
        self.convert = convert
        self.out = []

    def handle_starttag(self, tag, attrs):
        self.out.append(self.get_starttag_text())

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag):
        self.out.append(f"</{tag}>")

    def handle_data(self, data):
        self.out.append(self.convert(data))

    def handle_entityref(self, name):
        self.out.append(f"&{name};")

    def handle_charref(self, name):
        self.out.append(f"&#{name};")

    def handle_comment(self, data):
        self.out.append(f"<!--{data}-->")


def convert_html(markup: str, convert) -> str:
    """markup with its text nodes converted; tags and attributes untouched."""
    if not markup:
        return markup
    parser = _TextConverter(convert)
    parser.feed(markup)
    parser.close()
    return "".join(parser.out)


class Conversion(NamedTuple):
    """An article's text in the reader's script, and the scripts involved."""

    title: str
    lead: str
    body: str
    source: str
    language: str  # the interface language the text is now in


def needs_conversion(language_code: str, interface_language: str) -> bool:
    """True for a Chinese article read in the other script's interface."""
    target = READER_SCRIPTS.get(interface_language)
    source = script_of(language_code)
    return target is not None and source is not None and source != target


def _text_conversion(article, interface_language: str):
    """convert(), and the fixes for text and for HTML, of an article to convert."""
    source = script_of(article.language.code)
    target = READER_SCRIPTS[interface_language]
    convert = converter(source, target, article.language.code)
    pairs = parse_fixes(article.conversion_fixes)
    return (
        convert,
        _fixer(pairs, convert, escaped=False),
        _fixer(pairs, convert, escaped=True),
    )


def title_for(article, interface_language: str) -> str:
    """The article's title in the reader's script (links to related articles).

    Needs the article's language, title and conversion_fixes.
    """
    if not needs_conversion(article.language.code, interface_language):
        return article.title
    convert, fix_text, _fix_html = _text_conversion(article, interface_language)
    return fix_text(convert(article.title))


def conversion_for(
    article, interface_language: str, *, body: bool = True
) -> Conversion | None:
    """The article's text for a reader of this interface language; None if unchanged.

    Needs the article's language, title, lead, body and conversion_fixes. Archive
    entries, which show no body, pass body=False: it is then left as it is.
    """
    if not needs_conversion(article.language.code, interface_language):
        return None
    convert, fix_text, fix_html = _text_conversion(article, interface_language)
    return Conversion(
        title=fix_text(convert(article.title)),
        lead=fix_text(convert(article.lead)),
        body=(
            convert_html(article.body, lambda text: fix_html(convert(text)))
            if body
            else article.body
        ),
        source=script_of(article.language.code),
        language=interface_language,
    )


def cached_conversion(freshness, article, interface_language: str):
    """conversion_for(article), kept per version of the article and language.

    The article page and the feeds share it: one conversion per edit. None when the
    article is not converted for this language.
    """
    if not needs_conversion(article.language.code, interface_language):
        return None
    return freshness.cached(
        f"chinese:{article.pk}:{interface_language}",
        [article_key(article.pk)],
        lambda: conversion_for(article, interface_language),
    )


def markup_for(article, interface_language: str, markup: SafeString) -> SafeString:
    """HTML made from the article's text (a search snippet), in the reader's script.

    markup is already safe (escaped text and our own tags, such as <mark>); only its
    text nodes change, and an editor's fixed term is escaped, so it stays safe.
    """
    if not needs_conversion(article.language.code, interface_language):
        return markup
    convert, _fix_text, fix_html = _text_conversion(article, interface_language)
    return mark_safe(convert_html(str(markup), lambda text: fix_html(convert(text))))


def converted(article, conversion: Conversion | None):
    """A copy of article showing the converted text (article itself if None).

    For pages only, never saved: its language says what the text is now in (the
    pages' lang attributes, og:locale, JSON-LD inLanguage).
    """
    if conversion is None:
        return article
    shown = copy.copy(article)
    shown.title, shown.lead, shown.body = conversion[:3]
    language = copy.copy(article.language)
    language.code = conversion.language
    shown.language = language
    return shown


def with_title(article, interface_language: str):
    """article, or a copy with its title in the reader's script."""
    title = title_for(article, interface_language)
    if title == article.title:
        return article
    shown = copy.copy(article)
    shown.title = title
    return shown


def note(conversion: Conversion | None) -> str:
    """The "converted automatically" note in the active language, or ""."""
    return gettext(NOTES[conversion.source]) if conversion else ""
