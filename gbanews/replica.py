"""Anonymous readers' pages read from a replica (``DATABASE_REPLICA_URL``).

Only used when the setting names a replica (``gbanews/settings.py`` then adds the
router and the middleware). A request reads from the replica only when all of this
holds, and otherwise everything reads from the primary:

- it is a GET or HEAD with no session cookie (no logged-in user), for a page that is
  neither the admin, a preview link nor `/healthz` (``PRIMARY_VIEWS``);
- the replica has caught up with the stamps the page cache read on the primary before
  the view: ``site``, ``list:home``, ``articles``, ``search`` and ``latest``, which
  every write of content or of the search synonyms replaces
  (``articles/invalidation.py``; ``latest`` moves with every write). A
  replica that trails them, or fails, is not used for this request.

Why that is enough for the page cache: everything cached is stored under the stamp
versions it was built from (``articles/freshness.py``). The stamps above are the
primary's, and equal on the replica; every other stamp the view reads comes from the
replica, like the content it describes, so a lagging replica can only store older
content under older versions, which the primary's next check retires. Content newer
than its versions is harmless, as without a replica. Whether a stored page is current
is always decided on the primary (the page cache's check runs before this middleware).
So an article is never hidden from the editor who published it, logged in or not: the
replica is used only once it has their write.

Writes, sessions and login throttling, management commands and tasks (no request)
always use the primary.
"""

import contextvars

from django.db import DEFAULT_DB_ALIAS

from articles import shared_cache
from articles.freshness import Freshness, is_anonymous_reader
from articles.middleware import DATABASE_DOWN
from articles.models import Stamp

REPLICA = "replica"
# Apps whose rows belong to a visitor's own state, which a lagging copy would lose.
PRIMARY_APPS = frozenset({"sessions", "axes"})
# Views that show drafts or write on GET, and the health check of the primary.
PRIMARY_VIEWS = frozenset({"articles:preview", "healthz"})

_replica_reads = contextvars.ContextVar("replica_reads", default=False)
# A replica that fails is skipped for CACHE_RETRY_SECONDS, logged once per outage.
breaker = shared_cache.Breaker("Database replica")


class ReplicaRouter:
    """Reads go to the replica inside a request the middleware marked; all else to
    the primary."""

    def db_for_read(self, model, **hints):
        if _replica_reads.get() and model._meta.app_label not in PRIMARY_APPS:
            return REPLICA
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # one database and its copy

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS


class ReplicaReadsMiddleware:
    """Mark the request's reads for the replica when it is safe (see the module).

    Placed right after the page cache, so a cached page costs nothing here.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _replica_reads.set(False)
        try:
            return self.get_response(request)
        finally:
            _replica_reads.reset(token)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if is_replica_eligible(request) and replica_has_caught_up(request):
            _replica_reads.set(True)


def is_replica_eligible(request) -> bool:
    """True for an anonymous reader's GET or HEAD of a public page."""
    match = request.resolver_match
    return (
        request.method in ("GET", "HEAD")
        and is_anonymous_reader(request)
        and match is not None
        and "admin" not in match.namespaces
        and match.view_name not in PRIMARY_VIEWS
    )


def replica_has_caught_up(request) -> bool:
    """True when the replica's site-wide stamps equal those read on the primary."""
    if breaker.is_open():
        return False
    try:
        primary = dict(Freshness.of(request).read)
    except DATABASE_DOWN:
        return False  # the primary is down: the request fails there, as without one
    try:
        replica = Stamp.objects.using(REPLICA).from_database(list(primary))
    except DATABASE_DOWN as error:
        breaker.failed(error)
        return False
    breaker.succeeded()
    return replica == primary


def reads_from_replica() -> bool:
    """True while the current request reads from the replica."""
    return _replica_reads.get()
