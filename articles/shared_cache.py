"""Django's cache, used so that a failing cache costs speed, never a page.

Every read and write of the site's cache goes through these helpers. A cache that
fails (refused, timed out: the Redis client's timeouts are short, see
``CACHE_TIMEOUT``) reads as a miss and stores nothing. After a failure the process
skips the cache for ``CACHE_RETRY_SECONDS`` (the breaker is open), so a hung
cache costs one timeout per process every few seconds instead of one per call, and
the outage is logged once when it starts and once when it ends. Meanwhile pages,
entries and counts are kept in the process's own memory (``CACHES["local"]``), so a
hung Redis costs about what running without Redis does.

Skipping the cache never makes a page stale: stamps then come from the database,
and stamp versions held in the cache expire after ``STAMP_CACHE_SECONDS``, so a
deletion missed during an outage cannot outlive it (``articles/models/stamps.py``).
"""

import logging
import threading
import time

from django.conf import settings
from django.core.cache import cache, caches
from django_redis.exceptions import ConnectionInterrupted
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)
# What a cache that is down, hung or unreachable raises.
UNREACHABLE = (RedisConnectionError, RedisTimeoutError, ConnectionInterrupted, OSError)
# The alias of a per-process cache that stands in while the shared one fails.
LOCAL_CACHE = "local"


class Breaker:
    """Skips a failing service for a while, for every thread of the process, and
    logs its outage once when it starts and once when it ends."""

    def __init__(self, name: str):
        self.name = name
        self.open_until = 0.0  # 0: closed, the service is used
        self.lock = threading.Lock()

    def is_open(self) -> bool:
        """True while calls should skip the service (one caller retries when due)."""
        if not self.open_until:
            return False
        with self.lock:
            if time.monotonic() < self.open_until:
                return True
            # Let this call try again; others keep skipping until it reports.
            self.open_until = time.monotonic() + settings.CACHE_RETRY_SECONDS
            return False

    def failed(self, error: Exception) -> None:
        with self.lock:
            opened = not self.open_until
            self.open_until = time.monotonic() + settings.CACHE_RETRY_SECONDS
        if opened:
            logger.warning(
                "%s unavailable (%s: %s)", self.name, type(error).__name__, error
            )

    def reset(self) -> None:
        """Close the breaker without logging (a new configuration, a test)."""
        self.open_until = 0.0

    def succeeded(self) -> None:
        if self.open_until:
            with self.lock:
                self.open_until = 0.0
            logger.warning("%s reachable again", self.name)


breaker = Breaker("Cache")


def _call(name, *args, shared_only=False, default=None):
    """cache.<name>(*args); while the breaker is open, the process's own cache.

    Everything kept here but stamps is stored with the versions it was built from
    and checked against them when read, so a process may keep it in its own memory
    while the shared cache fails (``LOCAL_CACHE``). Stamps (``shared_only``) may not
    be: a process would never learn that another one replaced them.
    """
    if not breaker.is_open():
        try:
            result = getattr(cache, name)(*args)
        except UNREACHABLE as error:
            breaker.failed(error)
        except Exception:
            # Not an outage (a value that no longer unpickles, say): a miss.
            logger.exception("Cache call %s failed", name)
            return default
        else:
            breaker.succeeded()
            return result
    if shared_only or LOCAL_CACHE not in settings.CACHES:
        return default
    try:
        return getattr(caches[LOCAL_CACHE], name)(*args)
    except Exception:
        logger.exception("Local cache call %s failed", name)
        return default


def get_many(keys, *, shared_only=False) -> dict:
    """cache.get_many(); a failing cache reads as a miss, so pages still render."""
    return _call("get_many", keys, shared_only=shared_only, default={})


def set_many(values: dict, timeout, *, shared_only=False) -> None:
    """cache.set_many(); a failing cache keeps nothing."""
    _call("set_many", values, timeout, shared_only=shared_only)


def delete_many(keys, *, shared_only=False) -> None:
    _call("delete_many", keys, shared_only=shared_only)


def get(key, *, shared_only=False):
    return get_many([key], shared_only=shared_only).get(key)


def set(key, value, timeout, *, shared_only=False) -> None:
    set_many({key: value}, timeout, shared_only=shared_only)
