import dataclasses
import logging
import time

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.utils.cache import (
    get_conditional_response,
    has_vary_header,
    patch_cache_control,
    set_response_etag,
)
from django.utils.http import http_date, parse_http_date_safe
from django.utils.translation import get_language

from . import reads, shared_cache
from .freshness import (
    Freshness,
    current,
    digest,
    is_anonymous_reader,
    latest,
)

logger = logging.getLogger(__name__)

# What a database that is down, restarting or unreachable raises.
DATABASE_DOWN = (OperationalError, InterfaceError)
# Serving stored pages unchecked while the database is down is logged once.
database = shared_cache.Breaker("Database")
_UNCACHEABLE = ("private", "no-cache", "no-store", "max-age=0")


@dataclasses.dataclass(frozen=True)
class StoredPage:
    """A page as the cache keeps it, with the stamp versions it was built from and
    the version of ``latest`` when it was last known to be current.

    The response is kept whole (as Django's own cache middleware keeps responses),
    without Cache-Control: unpickled, it needs no header set again, which made a
    served page 0.03 ms cheaper than rebuilding it from its content and headers.
    """

    response: HttpResponse
    versions: dict[str, int]
    expires: float
    last_modified: float | None
    latest: int
    # The article a reader views on this page (``reads.mark_view()``), else None.
    article_id: int | None


class PageCacheMiddleware:
    """Serve anonymous readers whole pages from the cache, with HTTP caching headers.

    A stored page is served while the stamps it was built from are current (one
    indexed read, see ``checked()``) and no scheduled article has come due since.
    Requests with a session cookie (logged-in staff) and non-GET requests pass
    straight through. ``PAGE_CACHE_SECONDS = 0`` turns off storing pages; the
    ETag, Last-Modified and short Cache-Control headers stay.

    An article page is counted as a read here, served from the cache or rendered
    (``reads.count_view()``; only with ``READS_COUNTED_BY = "server"``).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ("GET", "HEAD") or not is_anonymous_reader(request):
            return self.get_response(request)
        response, article_id = self.answer(request)
        try:
            reads.count_view(request, article_id, response.status_code)
        except DATABASE_DOWN:
            # Only when reads are written in the request (READS_BUFFER_SECONDS = 0).
            logger.warning("Read of article %s not counted: database down", article_id)
        return response

    def answer(self, request) -> tuple[HttpResponse, int | None]:
        """The response to an anonymous reader's GET or HEAD, and the id of the
        article it shows (None for other pages)."""
        key = page_key(request) if settings.PAGE_CACHE_SECONDS > 0 else None
        stored = shared_cache.get(key) if key else None
        now = time.time()
        state = stored and stored.expires > now and checked(key, stored, now)
        if state:
            response = stored.response
            response["X-Page-Cache"] = state
            age = max_age(stored.expires, now)
            response["Cache-Control"] = f"public, max-age={age}"
            response = get_conditional_response(
                request,
                etag=response["ETag"],
                last_modified=stored.last_modified,
                response=response,
            )
            return response, stored.article_id
        # The versions are read before the view reads any content.
        try:
            freshness = Freshness.of(request)
        except DATABASE_DOWN:
            # Nothing can be stored without them; the view answers alone
            # (/healthz reports the outage, pages end in a 503).
            return self.get_response(request), None
        response = self.get_response(request)
        if not is_public(response):
            return response, None
        article_id = reads.viewed_article(response)
        # A view's own validators (feeds) are more precise; keep them.
        if not response.has_header("ETag"):
            set_response_etag(response)
        if not response.has_header("Last-Modified"):
            response["Last-Modified"] = http_date(freshness.last_modified())
        lifetime = freshness.seconds_left(settings.PAGE_CACHE_SECONDS)
        expires = now + freshness.seconds_left(settings.PAGE_MAX_AGE)
        if key and request.method == "GET" and lifetime > 0:
            expires = now + lifetime
            page = freeze(response, freshness, expires, article_id)
            shared_cache.set(key, page, lifetime)
            response["X-Page-Cache"] = "miss"
        patch_cache_control(response, public=True, max_age=max_age(expires, now))
        response = get_conditional_response(
            request,
            etag=response["ETag"],
            last_modified=parse_http_date_safe(response["Last-Modified"]),
            response=response,
        )
        return response, article_id


def max_age(expires: float, now: float) -> int:
    return max(0, min(settings.PAGE_MAX_AGE, int(expires - now)))


def checked(key: str, stored: StoredPage, now: float) -> str | None:
    """ "hit" while the page's stamps are current; "stale" if they cannot be read.

    Usually one row: ``latest`` still has the version the page recorded, so nothing
    has been written since. After a write, the page's own stamps are read; if the
    write did not touch them, the page is stored again under the new ``latest``, so
    that the next request is back to one row.

    With the database down, the stored page is the best answer a reader can get;
    without one, the request ends in a 503 (gbanews/errors.py).
    """
    try:
        version = latest()
        if version == stored.latest:
            result = "hit"
        elif current(stored.versions):
            result = "hit"
            lifetime = int(stored.expires - now)
            if lifetime > 0:
                renewed = dataclasses.replace(stored, latest=version)
                shared_cache.set(key, renewed, lifetime)
        else:
            result = None
    except DATABASE_DOWN as error:
        database.failed(error)  # logged once per outage, not per page
        return "stale"
    database.succeeded()
    return result


# Part of the key: a change to StoredPage's shape starts a new set of keys, so that
# no process reads a page stored in another shape (after a deploy, say).
PAGE_FORMAT = 5


def page_key(request) -> str:
    """One entry per address and interface language (gbanews/languages.py, which
    runs first, activates the language of the URL's prefix), and per way of
    counting reads (an article page loads the beacon's script or not)."""
    address = digest(request.get_host() + request.get_full_path())
    counting = settings.READS_COUNTED_BY
    return f"articles:page:v{PAGE_FORMAT}:{counting}:{get_language()}:{address}"


def is_public(response) -> bool:
    """True for a complete 200 page that is the same for every anonymous reader."""
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if has_vary_header(response, "Cookie"):
        return False
    control = response.get("Cache-Control", "")
    return not any(word in control for word in _UNCACHEABLE)


def freeze(
    response, freshness: Freshness, expires: float, article_id: int | None
) -> StoredPage:
    stored = HttpResponse(response.content)
    for name, value in response.items():
        if name.lower() not in ("cache-control", "x-page-cache"):
            stored[name] = value
    last_modified = parse_http_date_safe(response["Last-Modified"])
    return StoredPage(
        stored,
        freshness.dependencies(),
        expires,
        last_modified,
        freshness.latest,
        article_id,
    )
