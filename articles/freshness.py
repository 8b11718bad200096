"""What a response was built from, so that nothing cached outlives it.

The read side in one paragraph: a view names what it shows with ``depend_on()``
*before* it reads that content (``site`` for navigation and the names of categories,
tags, sources and languages; ``list:<kind>:<id>`` for which articles an archive lists;
``article:<id>`` for what an entry shows). Each name has a version in the database
(``articles.models.Stamp``), replaced by every write that changes it
(``articles/invalidation.py``). Anything cached here, whole pages
(``articles/middleware.py``), rendered entries (``articles/entries.py``), counts and
related articles, is stored with the versions it was built from and used only while
they are current: one indexed read per request tells every process on every server.
Every write also bumps ``latest`` (``articles/models/stamps.py``), so a cached page
first reads that one row: while it holds the version the page recorded, nothing has
changed anywhere and the page's own stamps need no reading.
Scheduled articles appear without a write, so everything cached also ends at the next
scheduled publication time. Content that changes with time rather than with writes
(the "most read" lists, ``articles/reads.py``) names when it ends with
``expire_by()``, and the response ends then too (values name their period in their
key instead).
"""

import datetime
import hashlib
import time

from django.conf import settings
from django.db.models import Min
from django.utils.functional import cached_property

from . import shared_cache
from .models import Article, Stamp
from .models.stamps import LATEST

SITE = "site"
HOME = "list:home"
# Which corrections the public log lists (/corrections/ and its feeds).
CORRECTIONS = "list:corrections"
# Any article's content; the dependency of pages that name none (search, sitemaps).
ARTICLES = "articles"
# The search synonym groups: search pages and counts depend on them too.
SEARCH = "search"
VALUE_SECONDS = 3600


def article_key(pk: int) -> str:
    return f"article:{pk}"


def list_key(kind: str, pk: int) -> str:
    return f"list:{kind}:{pk}"


class Freshness:
    """The versions one request depends on, read before the content they describe."""

    def __init__(self):
        self.read = Stamp.objects.versions([SITE, HOME, ARTICLES, SEARCH, LATEST])
        self.declared: set[str] = set()
        # When time-limited content shown by the response ends (epoch seconds).
        self.until: float | None = None

    @classmethod
    def of(cls, request) -> "Freshness":
        """The request's Freshness, made on first use (by the page cache, if on)."""
        if not hasattr(request, "freshness"):
            request.freshness = cls()
        return request.freshness

    def depend_on(self, *keys: str) -> dict[str, int]:
        """Record that the response shows keys; return their versions (one query)."""
        missing = [key for key in keys if key not in self.read]
        if missing:
            self.read.update(Stamp.objects.versions(missing))
        self.declared.update(keys)
        return {key: self.read[key] for key in keys}

    def dependencies(self) -> dict[str, int]:
        """What the response depends on: navigation, and what it named (else all)."""
        keys = {SITE, *((self.declared - {SITE}) or {ARTICLES})}
        return {key: self.read[key] for key in keys}

    def last_modified(self) -> float:
        """When what the response shows last changed (stamps are write times, in ns)."""
        return max(self.dependencies().values()) / 1e9

    @property
    def site(self) -> int:
        return self.read[SITE]

    @property
    def latest(self) -> int:
        """``latest`` before the view read anything: a write after it changes it."""
        return self.read[LATEST]

    @cached_property
    def next_due(self) -> float | None:
        """When the next scheduled article appears (epoch seconds), or None."""
        key = f"articles:next-due:{self.read[HOME]}"
        now = time.time()
        stored = shared_cache.get(key)
        if stored is None or (stored[0] is not None and stored[0] <= now):
            due = (
                Article.objects.published_or_scheduled()
                .filter(
                    published_at__gt=datetime.datetime.fromtimestamp(now, datetime.UTC)
                )
                .aggregate(due=Min("published_at"))["due"]
            )
            stored = (due.timestamp() if due else None,)
            shared_cache.set(key, stored, VALUE_SECONDS)
        return stored[0]

    def expire_by(self, moment: float) -> None:
        """The response shows content that is current only until moment (epoch
        seconds): the page ends by then. Values cached for it are not cut: one that
        is time-limited names its period in its key."""
        self.until = moment if self.until is None else min(self.until, moment)

    def seconds_left(self, limit: int, *, page: bool = True) -> int:
        """limit, cut to the whole seconds before the next scheduled article appears
        and, for the page, before time-limited content it shows ends
        (``expire_by()``)."""
        ends = [self.next_due, self.until if page else None]
        ends = [moment for moment in ends if moment is not None]
        if not ends:
            return limit
        return max(0, min(limit, int(min(ends) - time.time())))

    def cached(self, name: str, keys, compute, seconds: int = VALUE_SECONDS):
        """compute(), kept while the versions of keys stay current (None is not)."""
        versions = sorted(self.depend_on(*keys).items())
        key = f"articles:value:{digest(f'{name}|{versions}|{self.site}')}"
        value = shared_cache.get(key)
        if value is None:
            value = compute()
            lifetime = self.seconds_left(seconds, page=False)
            if value is not None and lifetime > 0:
                shared_cache.set(key, value, lifetime)
        return value


def latest() -> int:
    """The version of ``latest``, which every write changes (one row)."""
    return Stamp.objects.versions([LATEST])[LATEST]


def current(versions: dict[str, int]) -> bool:
    """True while every key still has the version recorded (one indexed read).

    Read from the database, never from versions held in the shared cache: a caller
    that finds them current may record that under a newer ``latest`` (see
    ``articles/middleware.py``), which must not extend a held version's life.
    """
    return Stamp.objects.from_database(versions) == versions


def digest(text: str) -> str:
    return hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()


def is_anonymous_reader(request) -> bool:
    """True when the request carries no session, so it cannot be a logged-in user.

    Checking the cookie instead of ``request.user`` leaves the session untouched, so
    anonymous responses get no ``Vary: Cookie``.
    """
    return settings.SESSION_COOKIE_NAME not in request.COOKIES
