"""The readers' interface languages and a page's address in each of them.

English lives at the WordPress permalinks, Chinese under /zh-hans/ and /zh-hant/
(gbanews/urls.py); every page names its versions with ``hreflang`` alternates and
links to them from the language switcher (templates/jinja2/includes/languages.html).
"""

from typing import NamedTuple
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import NoReverseMatch
from django.utils.translation import get_language, override

from .urls_absolute import absolute_url, reverse_once


def bcp47(code: str) -> str:
    """Django's language code as BCP 47 writes it for hreflang: zh-hant -> zh-Hant."""
    language, _sep, script = code.partition("-")
    return f"{language}-{script.title()}" if len(script) == 4 else code


class Version(NamedTuple):
    """The page in one interface language."""

    code: str  # Django's: en, zh-hans, zh-hant
    hreflang: str  # BCP 47: en, zh-Hans, zh-Hant
    name: str  # in its own script
    path: str
    url: str  # absolute, on SITE_URL
    current: bool


def versions(request) -> list[Version]:
    """This page in every interface language, the current one included."""
    if request is None:
        return []
    path = request.get_full_path_info()
    active = get_language()
    match = request.resolver_match
    found = []
    for code, name in settings.LANGUAGES:
        translated = in_language(match, path, code)
        found.append(
            Version(
                code,
                bcp47(code),
                name,
                translated,
                absolute_url(translated),
                code == active,
            )
        )
    return found


def in_language(match, path: str, code: str) -> str:
    """path in the language code, as Django's ``translate_url`` gives it, from the
    request's own ``resolver_match`` rather than resolving path once more per
    language (three resolves were a tenth of a rendered article page's time,
    docs/performance.md, run 15). path itself where no URL pattern matched or the
    pattern has no version in that language."""
    if match is None or match.args:
        return path
    with override(code):
        try:
            address = reverse_once(match.view_name, **match.kwargs)
        except NoReverseMatch:
            return path
    query = urlsplit(path).query
    return f"{address}?{query}" if query else address
