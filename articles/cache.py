"""The content version, cached counts and the stored pages of the full-page cache.

Everything cached here is keyed on the content version: a token that changes when
published content changes (model signals, ``content_changed``) and when the next
scheduled article becomes due. A cached page or count therefore never outlives the
content it shows, and a scheduled article appears on the first request after its time.
"""

import dataclasses
import datetime
import hashlib
import logging
import time
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Min

VERSION_KEY = "articles:version"
VALUE_SECONDS = 3600

logger = logging.getLogger(__name__)


def cache_get(key):
    """cache.get() that treats an unreachable cache as a miss: pages still render."""
    try:
        return cache.get(key)
    except Exception:
        logger.warning("Cache unavailable; reading %s from the database", key)
        return None


def cache_set(key, value, timeout) -> None:
    try:
        cache.set(key, value, timeout)
    except Exception:
        logger.warning("Cache unavailable; %s not stored", key)


def cache_delete(key) -> None:
    try:
        cache.delete(key)
    except Exception:
        logger.warning("Cache unavailable; %s not deleted", key)


@dataclasses.dataclass(frozen=True)
class ContentVersion:
    token: str
    changed_at: float
    next_due: float | None

    def seconds_left(self, limit: int, now: float | None = None) -> int:
        """Return limit, cut to the whole seconds before the next article is due."""
        if self.next_due is None:
            return limit
        now = time.time() if now is None else now
        return max(0, min(limit, int(self.next_due - now)))


def _mint(now: float) -> ContentVersion:
    from .models import Article

    due = (
        Article.objects.published_or_scheduled()
        .filter(published_at__gt=datetime.datetime.fromtimestamp(now, tz=datetime.UTC))
        .aggregate(due=Min("published_at"))
        .get("due")
    )
    return ContentVersion(
        token=uuid.uuid4().hex,
        changed_at=now,
        next_due=due.timestamp() if due else None,
    )


def content_version() -> ContentVersion:
    """Return the current version; mint a new one once the next article is due."""
    now = time.time()
    version = cache_get(VERSION_KEY)
    if version is None or (version.next_due is not None and now >= version.next_due):
        version = _mint(now)
        cache_set(VERSION_KEY, version, None)
    return version


def invalidate() -> None:
    """Retire the current version now and again once the transaction commits."""
    cache_delete(VERSION_KEY)
    transaction.on_commit(lambda: cache_delete(VERSION_KEY))


def cached_count(name: str, queryset) -> int:
    """Return queryset.count(), computed once per content version."""
    return cached_value(f"count:{name}", queryset.count)


def cached_value(name: str, compute):
    """Return compute(), computed once per content version (None is not cached).

    For values derived from many articles at once (pagination counts, related
    articles): they change only when published content changes.
    """
    version = content_version()
    key = f"articles:value:{version.token}:{_digest(name)}"
    value = cache_get(key)
    if value is None:
        value = compute()
        cache_set(key, value, version.seconds_left(VALUE_SECONDS) or 1)
    return value


def page_key(version: ContentVersion, request) -> str:
    where = f"{request.get_host()}{request.get_full_path()}"
    return f"articles:page:{version.token}:{_digest(where)}"


def is_anonymous_reader(request) -> bool:
    """True when the request carries no session, so it cannot be a logged-in user.

    Checking the cookie instead of ``request.user`` leaves the session untouched, so
    anonymous responses get no ``Vary: Cookie``.
    """
    return settings.SESSION_COOKIE_NAME not in request.COOKIES


def _digest(text: str) -> str:
    return hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()
