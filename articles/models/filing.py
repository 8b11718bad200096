from django.db import models


class CategoryEntryQuerySet(models.QuerySet):
    def rebuild(self, article_ids=None, batch_size: int = 5000) -> int:
        """Recreate the entries of the given articles (all when None) from their rows.

        An entry exists for each category of each published article and carries the
        article's ``published_at``, so a category page is one range scan of an index.
        """
        from .articles import Article

        filings = Article.categories.through.objects.filter(
            article__status=Article.Status.PUBLISHED
        )
        stale = self.all()
        if article_ids is not None:
            article_ids = list(article_ids)
            filings = filings.filter(article_id__in=article_ids)
            stale = stale.filter(article_id__in=article_ids)
        stale.delete()
        rows = filings.values_list("article_id", "category_id", "article__published_at")
        created = 0
        batch = []
        for article_id, category_id, published_at in rows.iterator(batch_size):
            batch.append(
                self.model(
                    article_id=article_id,
                    category_id=category_id,
                    visible_from=published_at,
                )
            )
            if len(batch) >= batch_size:
                created += len(self.bulk_create(batch))
                batch = []
        if batch:
            created += len(self.bulk_create(batch))
        return created


class CategoryEntry(models.Model):
    """A published article in one category, kept only to page category archives fast.

    Derived data: rebuilt from Article and its categories whenever they change.
    """

    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="+"
    )
    category = models.ForeignKey(
        "articles.Category", on_delete=models.CASCADE, related_name="+"
    )
    visible_from = models.DateTimeField()

    objects = CategoryEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-visible_from", "-article_id"]
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

    def __str__(self):
        return f"{self.article_id} in {self.category_id}"
