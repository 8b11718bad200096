"""URLs of the public site: reversed once per value, and absolute on SITE_URL."""

import functools

from django.conf import settings
from django.urls import get_script_prefix, reverse
from django.utils.encoding import iri_to_uri
from django.utils.translation import get_language


def reverse_once(name: str, **kwargs) -> str:
    """reverse(), computed once per name, arguments, script prefix and language.

    Archive pages show dozens of URLs (entries, categories, tags, feeds); Django's
    reverse() costs more than the rest of building each of them.
    """
    return _reverse(
        get_script_prefix(), get_language(), name, tuple(sorted(kwargs.items()))
    )


@functools.lru_cache(maxsize=8192)
def _reverse(prefix, language, name, kwargs):
    # The language picks the URL prefix (/zh-hant/...) under i18n_patterns.
    return reverse(name, kwargs=dict(kwargs))


def archive_url(name: str, slug: str) -> str:
    """Return the URL of a category, tag or source archive (or feed) for a slug."""
    return reverse_once(name, slug=slug)


def absolute_url(path: str) -> str:
    """Return SITE_URL + path; a URL that is already absolute is returned as is."""
    if path.startswith(("http://", "https://")):
        return iri_to_uri(path)
    return settings.SITE_URL + iri_to_uri(path)
