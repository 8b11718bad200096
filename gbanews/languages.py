"""The language of a request: from the URL for readers, from the browser for editors.

Readers' pages live under ``i18n_patterns(prefix_default_language=False)``
(gbanews/urls.py): English at today's addresses, Chinese under /zh-hans/ and
/zh-hant/. Their language is the URL's alone, never Accept-Language or a cookie, so a
page is the same for every reader, needs no ``Vary: Accept-Language`` and is cached
once per address (articles/middleware.py adds the language to the key as well).
The admin has no prefix; it follows the browser's Accept-Language (or the
``django_language`` cookie), as Django's LocaleMiddleware does without i18n_patterns.
"""

from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.cache import patch_vary_headers

# The admin's address, below the script prefix (gbanews/urls.py mounts it here).
ADMIN_PATH = "admin/"


def follows_browser(request) -> bool:
    """True for pages in the browser's language: the admin's."""
    return request.path_info.startswith(f"/{ADMIN_PATH}")


class LanguageMiddleware(LocaleMiddleware):
    """Django's LocaleMiddleware, with the admin following Accept-Language."""

    def process_request(self, request):
        if not follows_browser(request):
            # Prefixed: the prefix's language; unprefixed: LANGUAGE_CODE.
            return super().process_request(request)
        translation.activate(translation.get_language_from_request(request))
        request.LANGUAGE_CODE = translation.get_language()
        return None

    def process_response(self, request, response):
        if follows_browser(request):
            patch_vary_headers(response, ("Accept-Language",))
        # Readers' pages depend on their URL only: no Vary, and no redirect to a
        # prefixed address (there is none with prefix_default_language=False).
        response.headers.setdefault("Content-Language", translation.get_language())
        # The response is rendered: leave the thread in LANGUAGE_CODE, so that code
        # running after a request in the same thread (tests, say) reverses and
        # translates as it would before any request.
        translation.deactivate()
        return response
