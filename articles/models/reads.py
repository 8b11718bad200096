"""Read counts: how often each article was read, per hour, and nothing about who.

A row holds one article's reads in one hour (UTC, truncated). There is no field for
an address, a cookie, a user agent or a user: the counts are all that is kept.
Rows are written by ``articles/reads.py`` (straight from the beacon without Redis,
from the Redis counters by the flush task with it), always through ``add()``.
"""

from django.db import IntegrityError, models, transaction
from django.db.models import F, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce


class ArticleReadsQuerySet(models.QuerySet):
    def add(self, article_id: int, hour, count: int, *, new_only_in=None) -> None:
        """Add count reads of the article in hour; safe against concurrent writers.

        An UPDATE in the common case; the first read of an hour inserts the row, and
        an insert that loses the race to another writer falls back to the UPDATE.
        With new_only_in (a callable returning an Article queryset, built only
        when needed), the row is inserted only for an article in it.
        """
        rows = self.filter(article_id=article_id, hour=hour)
        if rows.update(count=F("count") + count):
            return
        if new_only_in and not new_only_in().filter(pk=article_id).exists():
            return
        try:
            with transaction.atomic(using=self.db):
                self.create(article_id=article_id, hour=hour, count=count)
        except IntegrityError:
            rows.update(count=F("count") + count)

    def total_since(self, since):
        """An expression for the annotating article's reads since that hour (0 if
        none): a subquery, so other joins of the query cannot multiply it."""
        reads = (
            self.filter(article=OuterRef("pk"), hour__gte=since)
            .order_by()
            .values("article")
            .annotate(total=Sum("count"))
            .values("total")[:1]
        )
        return Coalesce(Subquery(reads, output_field=models.IntegerField()), Value(0))


class ArticleReads(models.Model):
    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="reads"
    )
    hour = models.DateTimeField(help_text="Start of the hour (UTC) counted.")
    count = models.PositiveIntegerField(default=0)

    objects = ArticleReadsQuerySet.as_manager()

    class Meta:
        verbose_name = "article reads"
        verbose_name_plural = "article reads"
        constraints = [
            models.UniqueConstraint(
                fields=["article", "hour"], name="article_reads_one_row_per_hour"
            )
        ]
        # "Most read since": a range over hour, grouped by article.
        indexes = [models.Index(fields=["hour", "article"], name="article_reads_hour")]

    def __str__(self):
        return f"{self.article_id} @ {self.hour:%Y-%m-%d %H}:00: {self.count}"
