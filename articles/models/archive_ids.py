"""The ordered article ids behind the home page and the category, tag, source archives.

A page reads only its own slice of ids (an index range scan) through one query per
archive kind, compiled once (``articles.models.prepared``), instead of building and
compiling a sliced queryset on every request. The count comes from the ORM, and
``ArchivePaginator`` caches it per content version. Knowing the count, a page in the
second half of an archive is read from the other end: OFFSET costs in proportion to the
rows it skips, so the last page of a large archive costs what the first one does.
"""

from django.utils import timezone

from .filing import CategoryEntry, SourceEntry, TagEntry
from .prepared import PreparedQuery


def _published_ids(keys, now):
    from .articles import Article

    return (
        Article.objects.published(now)
        .order_by("-published_at", "-pk")
        .values_list("pk", flat=True)
    )


class BothWays:
    """An ordered ids query, compiled in its own order and in the reverse one."""

    def __init__(self, build):
        self.forward = PreparedQuery(build)
        self.backward = PreparedQuery(lambda keys, now: build(keys, now).reverse())


PUBLISHED = BothWays(_published_ids)
IN_CATEGORY = BothWays(
    lambda keys, now: CategoryEntry.objects.listing_ids(keys[0], now)
)
TAGGED = BothWays(lambda keys, now: TagEntry.objects.listing_ids(keys[0], now))
CITING = BothWays(lambda keys, now: SourceEntry.objects.listing_ids(keys[0], now))


class ArchiveIds:
    """An archive's article ids, newest first: counted or sliced, never read whole."""

    def __init__(self, query: BothWays, key: int = 0):
        self.query = query
        self.key = key

    def count(self) -> int:
        return self.query.forward.build([self.key], timezone.now()).count()

    def __getitem__(self, bounds: slice) -> list[int]:
        return self.query.forward.slice(self.key, bounds.start or 0, bounds.stop)

    def between(self, start: int, stop: int, total: int) -> list[int]:
        """Ids start to stop (of total), read from the nearer end of the archive."""
        if start <= total - stop:
            return self[start:stop]
        backward = self.query.backward
        return backward.slice(self.key, max(total - stop, 0), total - start)[::-1]


def home_ids() -> ArchiveIds:
    return ArchiveIds(PUBLISHED)


def category_ids(category) -> ArchiveIds:
    return ArchiveIds(IN_CATEGORY, category.pk)


def tag_ids(tag) -> ArchiveIds:
    return ArchiveIds(TAGGED, tag.pk)


def source_ids(source) -> ArchiveIds:
    return ArchiveIds(CITING, source.pk)
