import logging
import uuid

from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from articles import shared_cache

logger = logging.getLogger(__name__)


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _cache() -> None:
    """A round trip through the cache, as pages use it (short timeouts, breaker)."""
    key, value = "healthz", uuid.uuid4().hex
    shared_cache.set(key, value, 10, shared_only=True)
    if shared_cache.get(key, shared_only=True) != value:
        raise RuntimeError("unreachable, or skipped after a recent failure")


@never_cache
def healthz(request):
    """Report whether the database and the cache answer.

    200 "ok" when both do; 200 "degraded" when only the cache fails, since pages
    are still served (slower) and a load balancer must not take every server out
    because their shared cache is down; 503 "error" when the database fails.
    """
    checks = {}
    for name, check in [("database", _database), ("cache", _cache)]:
        try:
            check()
            checks[name] = "ok"
        except Exception as error:
            logger.warning("Health check %s failed: %s", name, error)
            checks[name] = "error"
    if checks["database"] != "ok":
        status, code = "error", 503
    else:
        status, code = ("ok", 200) if checks["cache"] == "ok" else ("degraded", 200)
    return JsonResponse({"status": status, **checks}, status=code)
