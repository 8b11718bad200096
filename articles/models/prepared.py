"""Hot fixed-shape queries, compiled from the ORM once and afterwards only re-bound.

Building and compiling a queryset costs several times what SQLite takes to run it:
for a listing page's four queries, about 3 ms of Python against 0.5 ms of SQL on the
benchmark machine (docs/performance.md). A PreparedQuery builds its queryset once per
database and number of ids, with placeholder values no row can have, keeps the SQL the
ORM produced for it, and then only binds the real ids (and the current time). The SQL
is Django's own, compiled from the same querysets (``published()``, ``approved()``), so
each rule still has one definition.
"""

import datetime

from django.db import connections
from django.utils import timezone

# Placeholders no row can have: negative primary keys and an instant in 1901.
_ID_BASE = -(2**40)
_NOW = datetime.datetime(1901, 1, 2, 3, 4, 5, 678901, tzinfo=datetime.UTC)
# Larger id lists (bulk indexing) go through the ORM instead of the cache.
MAX_IDS = 100


class PreparedQuery:
    """A queryset shape ``build(ids, now)`` compiled once per database and len(ids)."""

    def __init__(self, build):
        self.build = build
        self._compiled = {}

    def _compile(self, alias: str, n: int):
        key = (alias, n)
        if key not in self._compiled:
            placeholders = [_ID_BASE - i for i in range(n)]
            queryset = self.build(placeholders, _NOW)
            sql, params = queryset.query.get_compiler(using=alias).as_sql()
            slots = {p: i for i, p in enumerate(placeholders)}
            now = connections[alias].ops.adapt_datetimefield_value(_NOW)
            binding = []
            for param in params:
                if isinstance(param, int) and param in slots:
                    binding.append(("id", slots[param]))
                elif param == now and type(param) is type(now):
                    binding.append(("now", None))
                else:
                    binding.append(("value", param))
            self._compiled[key] = (queryset.model, sql, binding)
        return self._compiled[key]

    def _bind(self, alias: str, ids: list[int], now):
        model, sql, binding = self._compile(alias, len(ids))
        adapted_now = connections[alias].ops.adapt_datetimefield_value(now)
        params = [
            ids[arg] if kind == "id" else adapted_now if kind == "now" else arg
            for kind, arg in binding
        ]
        return model, sql, params

    def instances(self, ids, now=None, using: str = "default") -> list:
        """Model instances, as the queryset built for these ids would yield them."""

        def execute(model, sql, params):
            return list(model._default_manager.raw(sql, params).using(using))

        return self._run(ids, now, using, execute)

    def rows(self, ids, now=None, using: str = "default") -> list[tuple]:
        """Rows of a values_list() queryset built for these ids."""

        def execute(model, sql, params):
            with connections[using].cursor() as cursor:
                cursor.execute(sql, params)
                return cursor.fetchall()

        return self._run(ids, now, using, execute)

    def slice(self, key, start: int, stop: int, now=None, using="default") -> list:
        """The first column of rows start to stop of the ordered query built for [key].

        LIMIT and OFFSET are bound like the ids, so every page of an archive shares
        one compiled query.
        """
        if stop <= start:
            return []
        _model, sql, params = self._bind(using, [key], now or timezone.now())
        with connections[using].cursor() as cursor:
            cursor.execute(f"{sql} LIMIT %s OFFSET %s", [*params, stop - start, start])
            return [row[0] for row in cursor.fetchall()]

    def _run(self, ids, now, using, execute) -> list:
        ids = list(dict.fromkeys(ids))
        if not ids:
            return []
        now = now or timezone.now()
        if len(ids) > MAX_IDS:
            return list(self.build(ids, now).using(using))
        return execute(*self._bind(using, ids, now))
