"""Derived indexes behind category, tag, source and author archives.

An entry exists for each category (tag, cited source) of each published article
and carries the article's ``published_at``, so an archive page, at any depth, is
one range scan of one index and its count is an index-only count. Entries are
rebuilt from the articles whenever those change (see ``articles/invalidation.py``);
the archive views still pass the ids through ``Article.objects.published()``.
"""

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Count, OuterRef, Subquery
from django.utils import timezone
from taggit.models import TaggedItem

from .authors import ArticleAuthor
from .links import SourceLink


def _articles(entries):
    """The Article model, through the entry's foreign key (articles.py imports us)."""
    return entries.model._meta.get_field("article").related_model


def _published(entries, article_ids):
    # Scheduled ones included: pages compare visible_from with the time of asking.
    articles = _articles(entries).objects.published_or_scheduled()
    if article_ids is not None:
        articles = articles.filter(pk__in=article_ids)
    return articles


class EntryQuerySet(models.QuerySet):
    def listing_ids(self, key, now=None) -> models.QuerySet:
        """Ids of the articles filed under key and due now, newest first.

        An index range scan; the page is still loaded through published().
        """
        return (
            self.filter(**{self.model.key_field: getattr(key, "pk", key)})
            .filter(visible_from__lte=now or timezone.now())
            .order_by("-visible_from", "-article_id")
            .values_list("article_id", flat=True)
        )

    def newest_per_key(self, keys, count: int, now=None) -> dict[int, list[int]]:
        """Ids of the count newest due articles under each of keys, newest first.

        keys is a queryset of the key model (categories, say); keys without any
        article are left out. One query, each of its count × len(keys) subqueries
        an index seek: the cost does not grow with the archives' size.
        """
        due = (
            self.filter(
                **{self.model.key_field: OuterRef("pk")},
                visible_from__lte=now or timezone.now(),
            )
            .order_by("-visible_from", "-article_id")
            .values("article_id")
        )
        names = [f"newest_{n}" for n in range(count)]
        rows = keys.annotate(
            **{name: Subquery(due[n : n + 1]) for n, name in enumerate(names)}
        ).values_list("pk", *names)
        found = {pk: [i for i in ids if i is not None] for pk, *ids in rows}
        return {pk: ids for pk, ids in found.items() if ids}

    def counts(self, now=None) -> dict[int, int]:
        """How many due articles each key has, for keys with any."""
        rows = (
            self.filter(visible_from__lte=now or timezone.now())
            .order_by()
            .values(self.model.key_field)
            .annotate(n=Count("*"))
            .values_list(self.model.key_field, "n")
        )
        return dict(rows)

    def rebuild(self, article_ids=None, batch_size: int = 5000) -> set | None:
        """Recreate the entries of the given articles (all when None).

        Returns the keys (category, tag or source ids) whose entries changed, so
        that only their archives are retired; None after a rebuild of everything.
        """
        key_field = self.model.key_field
        if article_ids is not None:
            article_ids = list(article_ids)
            mine = self.filter(article_id__in=article_ids)
            before = set(mine.values_list(key_field, "article_id", "visible_from"))
            mine.delete()
        else:
            before = None
            self.all().delete()
        after = set()
        batch = []
        for article_id, key, published_at in self.sources(article_ids):
            after.add((key, article_id, published_at))
            batch.append(
                self.model(
                    article_id=article_id,
                    visible_from=published_at,
                    **{key_field: key},
                )
            )
            if len(batch) >= batch_size:
                self.bulk_create(batch)
                batch = []
        if batch:
            self.bulk_create(batch)
        if before is None:
            return None
        return {key for key, _article, _time in before ^ after}


class CategoryEntryQuerySet(EntryQuerySet):
    def sources(self, article_ids):
        filings = _articles(self).categories.through.objects.filter(
            article__in=_published(self, article_ids)
        )
        return filings.values_list(
            "article_id", "category_id", "article__published_at"
        ).iterator(5000)


class TagEntryQuerySet(EntryQuerySet):
    def sources(self, article_ids):
        published = _published(self, article_ids)
        times = dict(published.values_list("pk", "published_at"))
        items = TaggedItem.objects.filter(
            content_type=ContentType.objects.get_for_model(_articles(self))
        )
        if article_ids is not None:
            items = items.filter(object_id__in=article_ids)
        for article_id, tag_id in items.values_list("object_id", "tag_id").iterator(
            5000
        ):
            if article_id in times:
                yield article_id, tag_id, times[article_id]


class SourceEntryQuerySet(EntryQuerySet):
    def sources(self, article_ids):
        links = SourceLink.objects.approved().filter(
            article__in=_published(self, article_ids), source__isnull=False
        )
        rows = links.values_list("article_id", "source_id", "article__published_at")
        return rows.order_by().distinct().iterator(5000)


class AuthorEntryQuerySet(EntryQuerySet):
    def sources(self, article_ids):
        bylines = ArticleAuthor.objects.filter(
            article__in=_published(self, article_ids)
        )
        return bylines.values_list(
            "article_id", "author_id", "article__published_at"
        ).iterator(5000)


class ArchiveEntry(models.Model):
    """A published article filed under one key (category, tag, source or author)."""

    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="+"
    )
    visible_from = models.DateTimeField()

    key_field = ""

    class Meta:
        abstract = True
        ordering = ["-visible_from", "-article_id"]

    def __str__(self):
        return f"{self.article_id} under {getattr(self, self.key_field)}"


class CategoryEntry(ArchiveEntry):
    """A published article in one category (derived; see the module docstring)."""

    category = models.ForeignKey(
        "articles.Category", on_delete=models.CASCADE, related_name="+"
    )

    objects = CategoryEntryQuerySet.as_manager()
    key_field = "category_id"

    class Meta(ArchiveEntry.Meta):
        verbose_name_plural = "category entries"
        constraints = [
            models.UniqueConstraint(
                fields=["article", "category"], name="categoryentry_unique"
            ),
        ]
        indexes = [
            models.Index(
                fields=["category", "-visible_from", "-article"],
                name="categoryentry_page_idx",
            ),
        ]


class TagEntry(ArchiveEntry):
    """A published article with one tag (derived; see the module docstring)."""

    tag = models.ForeignKey("taggit.Tag", on_delete=models.CASCADE, related_name="+")

    objects = TagEntryQuerySet.as_manager()
    key_field = "tag_id"

    class Meta(ArchiveEntry.Meta):
        verbose_name_plural = "tag entries"
        constraints = [
            models.UniqueConstraint(fields=["article", "tag"], name="tagentry_unique"),
        ]
        indexes = [
            models.Index(
                fields=["tag", "-visible_from", "-article"], name="tagentry_page_idx"
            ),
        ]


class SourceEntry(ArchiveEntry):
    """A published article citing one source through an approved link (derived)."""

    source = models.ForeignKey(
        "articles.Source", on_delete=models.CASCADE, related_name="+"
    )

    objects = SourceEntryQuerySet.as_manager()
    key_field = "source_id"

    class Meta(ArchiveEntry.Meta):
        verbose_name_plural = "source entries"
        constraints = [
            models.UniqueConstraint(
                fields=["article", "source"], name="sourceentry_unique"
            ),
        ]
        indexes = [
            models.Index(
                fields=["source", "-visible_from", "-article"],
                name="sourceentry_page_idx",
            ),
        ]


class AuthorEntry(ArchiveEntry):
    """A published article by one author (derived; see the module docstring)."""

    author = models.ForeignKey(
        "articles.Author", on_delete=models.CASCADE, related_name="+"
    )

    objects = AuthorEntryQuerySet.as_manager()
    key_field = "author_id"

    class Meta(ArchiveEntry.Meta):
        verbose_name_plural = "author entries"
        constraints = [
            models.UniqueConstraint(
                fields=["article", "author"], name="authorentry_unique"
            ),
        ]
        indexes = [
            models.Index(
                fields=["author", "-visible_from", "-article"],
                name="authorentry_page_idx",
            ),
        ]
