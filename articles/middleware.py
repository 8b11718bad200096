import time

from django.conf import settings
from django.http import HttpResponse
from django.utils.cache import (
    get_conditional_response,
    has_vary_header,
    patch_cache_control,
    set_response_etag,
)
from django.utils.http import http_date, parse_http_date_safe

from .cache import cache_get, cache_set, content_version, is_anonymous_reader, page_key

_UNCACHEABLE = ("private", "no-cache", "no-store", "max-age=0")


class PageCacheMiddleware:
    """Serve anonymous readers whole pages from the cache, with HTTP caching headers.

    Requests with a session cookie (logged-in staff) and non-GET requests pass
    straight through. ``PAGE_CACHE_SECONDS = 0`` turns off storing pages; the
    ETag, Last-Modified and short Cache-Control headers stay.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ("GET", "HEAD") or not is_anonymous_reader(request):
            return self.get_response(request)
        version = content_version()
        key = page_key(version, request) if settings.PAGE_CACHE_SECONDS > 0 else None
        stored = cache_get(key) if key else None
        if stored is not None:
            response = thaw(stored)
            response["X-Page-Cache"] = "hit"
        else:
            response = self.get_response(request)
            if not is_public(response):
                return response
            # A view's own validators (feeds) are more precise; keep them.
            if not response.has_header("ETag"):
                set_response_etag(response)
            if not response.has_header("Last-Modified"):
                response["Last-Modified"] = http_date(version.changed_at)
            if key and request.method == "GET":
                lifetime = version.seconds_left(settings.PAGE_CACHE_SECONDS)
                if lifetime > 0:
                    cache_set(key, freeze(response), lifetime)
                response["X-Page-Cache"] = "miss"
        patch_cache_control(
            response, public=True, max_age=version.seconds_left(settings.PAGE_MAX_AGE)
        )
        return get_conditional_response(
            request,
            etag=response["ETag"],
            last_modified=parse_http_date_safe(response["Last-Modified"]),
            response=response,
        )


def is_public(response) -> bool:
    """True for a complete 200 page that is the same for every anonymous reader."""
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if has_vary_header(response, "Cookie"):
        return False
    control = response.get("Cache-Control", "")
    return not any(word in control for word in _UNCACHEABLE)


def freeze(response) -> tuple:
    headers = [
        (name, value)
        for name, value in response.items()
        if name.lower() not in ("cache-control", "x-page-cache")
    ]
    return (response.content, headers, time.time())


def thaw(stored) -> HttpResponse:
    content, headers, _stored_at = stored
    response = HttpResponse(content)
    for name, value in headers:
        response[name] = value
    return response
