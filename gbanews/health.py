import logging
import uuid

from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

logger = logging.getLogger(__name__)


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _cache() -> None:
    key, value = "healthz", uuid.uuid4().hex
    cache.set(key, value, 10)
    if cache.get(key) != value:
        raise RuntimeError("cache did not return the value just stored")


@never_cache
def healthz(request):
    """Report whether the database and the cache answer: 200 if both do, else 503."""
    checks = {}
    for name, check in [("database", _database), ("cache", _cache)]:
        try:
            check()
            checks[name] = "ok"
        except Exception:
            logger.exception("Health check %s failed", name)
            checks[name] = "error"
    healthy = all(state == "ok" for state in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", **checks},
        status=200 if healthy else 503,
    )
