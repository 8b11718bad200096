"""The ordered article ids behind the home page and the category, tag, source archives.

A page reads only its own slice of ids (an index range scan) through one query per
archive kind, compiled once (``articles.models.prepared``), instead of building and
compiling a sliced queryset on every request. The count comes from the ORM, and
``ArchivePaginator`` caches it per content version and reads a page in the second half
of an archive from the other end, through ``reverse()``.
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


def _both_ways(build) -> tuple[PreparedQuery, PreparedQuery]:
    """An ordered ids query, compiled in its own order and in the reverse one."""
    return PreparedQuery(build), PreparedQuery(lambda k, now: build(k, now).reverse())


PUBLISHED = _both_ways(_published_ids)
IN_CATEGORY = _both_ways(
    lambda keys, now: CategoryEntry.objects.listing_ids(keys[0], now)
)
TAGGED = _both_ways(lambda keys, now: TagEntry.objects.listing_ids(keys[0], now))
CITING = _both_ways(lambda keys, now: SourceEntry.objects.listing_ids(keys[0], now))


class ArchiveIds:
    """An archive's article ids, newest first: counted, sliced or reversed like a
    values_list() queryset, never read whole."""

    def __init__(self, queries: tuple[PreparedQuery, PreparedQuery], key: int = 0):
        self.queries = queries
        self.key = key

    def count(self) -> int:
        return self.queries[0].build([self.key], timezone.now()).count()

    def __getitem__(self, bounds: slice) -> list[int]:
        return self.queries[0].slice(self.key, bounds.start or 0, bounds.stop)

    def reverse(self) -> "ArchiveIds":
        return ArchiveIds(self.queries[::-1], self.key)


def home_ids() -> ArchiveIds:
    return ArchiveIds(PUBLISHED)


def category_ids(category) -> ArchiveIds:
    return ArchiveIds(IN_CATEGORY, category.pk)


def tag_ids(tag) -> ArchiveIds:
    return ArchiveIds(TAGGED, tag.pk)


def source_ids(source) -> ArchiveIds:
    return ArchiveIds(CITING, source.pk)
