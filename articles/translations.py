"""Linked translations on readers' pages: "Also in English", hreflang, JSON-LD.

An editor links a translation to its original (``Article.translation_of``, checked
by articles/models/translations.py); the original and its translations are the
versions of one story. Each version's page:

- links to the others, labelled in the other version's language ("Also in English",
  "另有中文版"), at the address a reader of it would choose: an English version under
  the English interface, a Chinese one under the reader's Chinese interface, or its
  own script's when the reader is on an English page;
- names them as its ``hreflang`` alternates: for each interface language the version
  written in it (a Chinese version also stands for the other script, converted),
  replacing the alternate the page had for that language as an interface page
  (articles/languages.py), so every hreflang value appears once and every version
  of the story lists the same set;
- says ``translationOfWork`` / ``workTranslation`` in its JSON-LD
  (articles/structured_data.py).

The other versions are read once per version of the article (``VERSION_FIELDS``);
a link, an unlink or an edit of any version bumps every version's stamp
(articles/invalidation.py), and a scheduled version appears when the page cache's
next-due bound ends the cached page.
"""

from typing import NamedTuple

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext, gettext_noop

from . import chinese
from .languages import Version, bcp47
from .urls_absolute import absolute_url

# What a link to another version needs.
VERSION_FIELDS = [
    "title",
    "slug",
    "published_at",
    "created_at",
    "translation_of",
    "language__code",
    "language__native_name",
]
ALSO_IN = {
    "en": gettext_noop("Also in English"),
    "zh": gettext_noop("Also in Chinese"),
}
_SCRIPT_INTERFACES = {script: code for code, script in chinese.READER_SCRIPTS.items()}


class StoryLink(NamedTuple):
    """A link from an article page to another version of its story."""

    url: str
    label: str  # in the other version's language
    hreflang: str  # BCP 47


def _primary(language_code: str) -> str:
    return language_code.lower().partition("-")[0]


def interface_for(language_code: str, reader_language: str | None = None) -> str:
    """The interface language to read an article in this language in.

    Chinese: the reader's Chinese interface, else the article's own script's;
    English (and any language without an interface): English.
    """
    script = chinese.script_of(language_code)
    if script is None:
        primary = _primary(language_code)
        interfaces = dict(settings.LANGUAGES)
        return primary if primary in interfaces else settings.LANGUAGE_CODE
    if reader_language in chinese.READER_SCRIPTS:
        return reader_language
    return _SCRIPT_INTERFACES[script]


def url_in(article, interface: str) -> str:
    """The article's path under that interface language."""
    with translation.override(interface):
        return article.get_absolute_url()


def home_url(article) -> str:
    """The article's absolute URL in the interface of its own language."""
    return absolute_url(url_in(article, interface_for(article.language.code)))


def links(others, reader_language: str) -> list[StoryLink]:
    """Links to the other versions, each labelled in its own language."""
    found = []
    for other in others:
        interface = interface_for(other.language.code, reader_language)
        message = ALSO_IN.get(_primary(other.language.code))
        with translation.override(interface):
            label = gettext(message) if message else other.language.native_name
            path = other.get_absolute_url()
        found.append(StoryLink(path, label, bcp47(interface)))
    return found


def _written_in(story, interface: str):
    """The version a reader of this interface language reads, or None."""
    target = chinese.READER_SCRIPTS.get(interface)
    if target is None:
        return next((a for a in story if _primary(a.language.code) == interface), None)
    chinese_versions = [a for a in story if chinese.script_of(a.language.code)]
    same_script = [
        a for a in chinese_versions if chinese.script_of(a.language.code) == target
    ]
    return next(iter(same_script or chinese_versions), None)


def alternates(article, others, interface_versions: list[Version]) -> list[Version]:
    """The page's hreflang alternates: per interface language, the story's version
    written in it (under that interface), else this page in that interface."""
    story = [article, *others]
    found = []
    for version in interface_versions:
        chosen = _written_in(story, version.code)
        if chosen is None or chosen.pk == article.pk:
            found.append(version)
            continue
        path = url_in(chosen, version.code)
        found.append(version._replace(path=path, url=absolute_url(path), current=False))
    return found
