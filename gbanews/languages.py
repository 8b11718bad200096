"""The language of a request: from the URL for readers, from the browser for editors.

Readers' pages live under ``i18n_patterns(prefix_default_language=False)``
(gbanews/urls.py): English at today's addresses, Chinese under /zh-hans/ and
/zh-hant/. Their language is the URL's alone, never Accept-Language or a cookie, so a
page is the same for every reader, needs no ``Vary: Accept-Language`` and is cached
once per address (articles/middleware.py adds the language to the key as well).
The admin has no prefix; it follows the browser's Accept-Language (or the
``django_language`` cookie), as Django's LocaleMiddleware does without i18n_patterns.
"""

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers

# The admin's address, below the script prefix (gbanews/urls.py mounts it here).
ADMIN_PATH = "admin/"


def follows_browser(request) -> bool:
    """True for pages in the browser's language: the admin's."""
    return request.path_info.startswith(f"/{ADMIN_PATH}")


def url_language(path: str) -> str:
    """A reader's page's language: the URL's first segment if it is a language's
    prefix (``/zh-hant/…``), else LANGUAGE_CODE (English, unprefixed).

    What Django's LocaleMiddleware finds for ``i18n_patterns`` with
    ``prefix_default_language=False``, without its cookie and Accept-Language
    fallbacks, which readers' pages never use. It runs on every request, cached
    pages included: the middleware's share of a cached page fell from about 24 µs
    to 8 (docs/performance.md, run 15).
    """
    segment = path.removeprefix("/").partition("/")[0]
    for code, _name in settings.LANGUAGES:
        if segment == code and code != settings.LANGUAGE_CODE:
            return code
    return settings.LANGUAGE_CODE


class LanguageMiddleware:
    """Activate the request's language for the view and whatever answers first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        browser = follows_browser(request)
        if browser:
            language = translation.get_language_from_request(request)
        else:
            language = url_language(request.path_info)
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        try:
            response = self.get_response(request)
        finally:
            # The response is rendered: leave the thread in LANGUAGE_CODE, so that
            # code running after a request in the same thread (tests, say)
            # reverses and translates as it would before any request.
            translation.deactivate()
        if browser:
            patch_vary_headers(response, ("Accept-Language",))
        # Readers' pages depend on their URL only: no Vary.
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        return response
