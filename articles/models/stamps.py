"""Stamps: the shared record of what changed, that everything cached is checked against.

A stamp is a named version (``site``, ``list:category:3``, ``article:42``…) that a
write replaces, in the same transaction as the content it describes, with the time of
the write in nanoseconds: a new value on every write, which also tells when the
content last changed (a page's ``Last-Modified``). Cached pages, entries and counts
record the versions they were built from and are used only while those versions are
current, so every process and every server sees a change on its next request (see
``articles/freshness.py``). The table lives in the database because the database is
the one thing all of them share.

With a shared cache (Redis), ``STAMP_CACHE_SECONDS`` lets it hold each version for
a moment, so that a cached page costs no database query: a write deletes the
versions it replaces from the cache, in its transaction and again once it commits,
and each held version is re-read from the database at least every
``STAMP_CACHE_SECONDS``. That bounds what a lost cache write or a reader racing the
commit can leave stale. A per-process cache (no Redis) must not hold them: 0, the
default, reads the database every time.
"""

import time

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction

from .. import shared_cache

# Bumped with every other stamp, so its version changes on every write: while it
# keeps the version a cached page recorded, nothing at all has changed since.
LATEST = "latest"


class StampQuerySet(models.QuerySet):
    def versions(self, keys) -> dict[str, int]:
        """The current version of each key (0 for a key never bumped).

        Read from the shared cache where it holds them (see the module's docstring),
        the rest in one query.
        """
        keys = list(keys)
        seconds = settings.STAMP_CACHE_SECONDS
        # A replica's versions may trail the primary's. They describe the content
        # read from the same replica, so they are neither taken from nor given to
        # the versions every process checks against (gbanews/replica.py).
        if seconds <= 0 or self.db != DEFAULT_DB_ALIAS:
            return self.from_database(keys)
        names = {key: cache_key(key) for key in keys}
        held = shared_cache.get_many(list(names.values()), shared_only=True)
        found = {key: held[name] for key, name in names.items() if name in held}
        missing = [key for key in keys if key not in found]
        if missing:
            read = self.from_database(missing)
            # Inside a transaction the versions read may be this transaction's own,
            # not yet committed: another process holding them would store what it
            # reads from the committed rows under them. Only committed ones are held.
            if transaction.get_autocommit(self.db):
                shared_cache.set_many(
                    {names[key]: version for key, version in read.items()},
                    seconds,
                    shared_only=True,
                )
            found.update(read)
        return found

    def from_database(self, keys) -> dict[str, int]:
        """The current version of each key (0 for a key never bumped), in one query.

        Every request runs this, cached or not, so it is one plain statement over the
        primary key: building and compiling the same ``filter().values_list()``
        through the ORM cost a cached page 0.6 ms more CPU, three times what the
        whole page costs otherwise (docs/performance.md, run 9).
        """
        keys = list(keys)
        if not keys:
            return {}
        alias = self.db
        table = connections[alias].ops.quote_name(Stamp._meta.db_table)
        marks = ", ".join(["%s"] * len(keys))
        with connections[alias].cursor() as cursor:
            cursor.execute(
                f'SELECT "key", "version" FROM {table} WHERE "key" IN ({marks})', keys
            )
            found = dict(cursor.fetchall())
        return {key: found.get(key, 0) for key in keys}

    def bump(self, keys) -> None:
        """Give each key, and LATEST, a new version: one upsert.

        Rows are locked in one order: LATEST first, so two writing transactions
        queue at their first bump, then the rest sorted. A transaction locks the
        content rows it writes (an article's) before it bumps their stamps; the
        search index's receivers run before invalidation's for that reason
        (``ArticlesConfig.ready``). Otherwise one writer could hold the stamps
        while waiting for an article that another holds while waiting for the
        stamps: a deadlock on PostgreSQL.
        """
        keys, now = set(keys), time.time_ns()
        if not keys:
            return
        keys = [LATEST, *sorted(keys - {LATEST})]
        self.bulk_create(
            [Stamp(key=key, version=now) for key in keys],
            update_conflicts=True,
            unique_fields=["key"],
            update_fields=["version"],
        )
        if settings.STAMP_CACHE_SECONDS > 0:
            held = [cache_key(key) for key in keys]
            shared_cache.delete_many(held, shared_only=True)
            transaction.on_commit(
                lambda: shared_cache.delete_many(held, shared_only=True), self.db
            )


def cache_key(key: str) -> str:
    return f"articles:stamp:{key}"


class Stamp(models.Model):
    key = models.CharField(max_length=100, primary_key=True)
    version = models.BigIntegerField()

    objects = StampQuerySet.as_manager()

    def __str__(self):
        return f"{self.key} @ {self.version}"
