from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .actors import actor_field
from .articles import Article

NOTE_MAX_CHARS = 5_000
# What a line of the corrections log shows of its article (a title and its URL).
# What the log shows of an article: its title (in the reader's script, hence the
# language and the editor's conversion fixes) and its address.
LOGGED_ARTICLE_FIELDS = [
    "article__title",
    "article__slug",
    "article__published_at",
    "article__created_at",
    "article__conversion_fixes",
    "article__language__code",
]


class ArticleNoteQuerySet(models.QuerySet):
    def public(self) -> "ArticleNoteQuerySet":
        """Notes on articles readers may see (``Article.objects.published()``)."""
        return self.filter(article__in=Article.objects.published())

    def corrections(self) -> "ArticleNoteQuerySet":
        return self.filter(kind=ArticleNote.Kind.CORRECTION)

    def for_log(self) -> "ArticleNoteQuerySet":
        """Load a note with its article's title and address, not its body."""
        fields = [field.name for field in ArticleNote._meta.concrete_fields]
        return self.select_related("article__language").only(
            *fields, *LOGGED_ARTICLE_FIELDS
        )

    def in_order(self, ids) -> list["ArticleNote"]:
        """The notes among ids, in the order of ids."""
        found = self.in_bulk(list(ids))
        return [found[pk] for pk in ids if pk in found]


class ArticleNote(models.Model):
    """A dated correction or update shown under a published article.

    Notes are never edited or deleted once added: a note found wrong is withdrawn,
    which keeps it on the article with the date and reason of the withdrawal.
    """

    class Kind(models.TextChoices):
        CORRECTION = "correction", _("Correction")
        UPDATE = "update", _("Update")

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="notes")
    kind = models.CharField(
        max_length=20,
        choices=Kind.choices,
        default=Kind.CORRECTION,
        help_text=_(
            "A correction fixes an error and is listed in the public corrections "
            "log; an update adds news and is shown on the article only."
        ),
    )
    text = models.TextField(
        max_length=NOTE_MAX_CHARS,
        help_text=_(
            "Plain text: what was wrong and what the article now says, or what "
            "changed. A blank line starts a new paragraph."
        ),
    )
    noted_at = models.DateTimeField(default=timezone.now, editable=False)
    noted_by = actor_field()
    withdrawn_at = models.DateTimeField(null=True, blank=True, editable=False)
    withdrawn_by = actor_field()
    withdrawal_reason = models.TextField(blank=True, editable=False)

    objects = ArticleNoteQuerySet.as_manager()

    class Meta:
        ordering = ["-noted_at", "-pk"]
        get_latest_by = "noted_at"
        verbose_name = _("correction or update")
        verbose_name_plural = _("corrections and updates")
        indexes = [
            models.Index(
                fields=["kind", "-noted_at", "-id"], name="note_kind_noted_idx"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(withdrawn_at__isnull=True)
                | ~models.Q(withdrawal_reason=""),
                name="note_withdrawal_has_reason",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk}"

    def get_absolute_url(self):
        return f"{self.article.get_absolute_url()}#note-{self.pk}"

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    @property
    def changed_at(self):
        """When the note last changed what its article shows: added or withdrawn."""
        return self.withdrawn_at or self.noted_at
