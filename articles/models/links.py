from django.db import models
from django.utils.translation import gettext_lazy as _

from .taxonomy import Language, Source


class SourceLinkQuerySet(models.QuerySet):
    def approved(self) -> "SourceLinkQuerySet":
        return self.filter(status=SourceLink.Status.APPROVED)


class SourceLink(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="source_links"
    )
    url = models.URLField("URL", max_length=2000)
    source = models.ForeignKey(
        Source,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="links",
    )
    language = models.ForeignKey(
        Language,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Language of the linked page; empty means the source's language."),
    )
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.PENDING
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SourceLinkQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "url"], name="sourcelink_unique_url_per_article"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "source"], name="sourcelink_status_idx")
        ]

    def __str__(self):
        return self.url

    def get_absolute_url(self):
        return self.url

    @property
    def link_language(self):
        """Language of the linked page: its own, else its source's."""
        if self.language_id:
            return self.language
        return self.source.language if self.source_id else None

    def attribution(self):
        """Return (source, language) for the "Read more" label.

        The language is given only when it differs from the article's, as in
        "Read more on Caixin (in Chinese)".
        """
        language = self.link_language
        if language is not None and language.pk == self.article.language_id:
            language = None
        return self.source, language
