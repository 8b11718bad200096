from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager
from taggit.models import TaggedItem

from .. import images
from ..dispatch import DELETE_MEDIA, MAKE_RENDITIONS, enqueue
from ..sanitize import MarkupTooComplex, clean_html
from ..text import make_slug, unique_slug
from ..urls_absolute import reverse_once
from .actors import actor_field
from .authors import ArticleAuthor, Author
from .filing import CategoryEntry, TagEntry
from .links import SourceLink
from .reads import ArticleReads
from .redirects import ArticleRedirect
from .taxonomy import Category, Language
from .translations import translation_problems

BODY_MAX_CHARS = 300_000


def _shared(entries, field: str, ids: list[int]):
    """How many of ids an article is filed under, from the derived entries."""
    count = (
        entries.objects.filter(article=OuterRef("pk"), **{f"{field}__in": ids})
        .order_by()
        .values("article")
        .annotate(n=Count("*"))
        .values("n")[:1]
    )
    return Coalesce(Subquery(count, output_field=models.IntegerField()), Value(0))


class ArticleQuerySet(models.QuerySet):
    def published(self, now=None) -> "ArticleQuerySet":
        """Articles readers may see: published, due and not in the trash.

        Scheduled articles appear by themselves when their time comes.
        """
        return self.published_or_scheduled().filter(
            published_at__lte=now or timezone.now()
        )

    def published_or_scheduled(self) -> "ArticleQuerySet":
        """Published and not in the trash, whether already due or still scheduled.

        For derived data that must know an article before its time comes (the
        archive entries, the page cache's next-due bound); readers get published().
        """
        return self.filter(status=Article.Status.PUBLISHED, trashed_at__isnull=True)

    def in_trash(self) -> "ArticleQuerySet":
        return self.filter(trashed_at__isnull=False)

    def not_in_trash(self) -> "ArticleQuerySet":
        return self.filter(trashed_at__isnull=True)

    def previewable(self) -> "ArticleQuerySet":
        """Drafts, articles in review and scheduled ones, outside the trash."""
        return self.not_in_trash().exclude(pk__in=self.published().values("pk"))

    def in_category(self, category) -> "ArticleQuerySet":
        return self.filter(categories=category)

    def by_author(self, author) -> "ArticleQuerySet":
        return self.filter(bylines__author=author)

    def citing(self, source) -> "ArticleQuerySet":
        return self.filter(
            Exists(
                SourceLink.objects.approved().filter(
                    article=OuterRef("pk"), source=source
                )
            )
        )

    def for_listing(self) -> "ArticleQuerySet":
        """Load everything an archive entry shows, in a fixed number of queries.

        Templates read ``listed_categories``, ``listed_tags``, ``listed_authors``
        and ``approved_links``.
        Tags come through ``tagged_items``: prefetching taggit's manager builds a
        filtered queryset per article (11 ms of a 20-item feed).
        """
        return self.select_related("language").prefetch_related(
            Prefetch("categories", to_attr="listed_categories"),
            Prefetch(
                "bylines",
                queryset=ArticleAuthor.objects.select_related("author"),
                to_attr="listed_bylines",
            ),
            Prefetch(
                "tagged_items",
                queryset=TaggedItem.objects.select_related("tag").order_by("tag__name"),
                to_attr="tag_items",
            ),
            Prefetch(
                "source_links",
                queryset=SourceLink.objects.approved()
                .select_related("source__language", "language")
                .order_by("pk"),
                to_attr="approved_links",
            ),
        )

    def for_links(self) -> "ArticleQuerySet":
        """Load what a link to an article shows: its title (in the reader's script,
        so also what converting it needs) and its URL."""
        return self.select_related("language").only(
            "title",
            "slug",
            "published_at",
            "created_at",
            "conversion_fixes",
            "language__code",
        )

    def for_headlines(self) -> "ArticleQuerySet":
        """Load what a compact headline shows: title, date, categories, image."""
        return (
            self.select_related("language")
            .defer("lead", "body", "tag_names", "search_vector")
            .prefetch_related(Prefetch("categories", to_attr="listed_categories"))
        )

    def for_detail(self) -> "ArticleQuerySet":
        """An article page shows what an archive entry shows, its body and its
        corrections and updates (``listed_notes``, newest first), and whether it
        is the original of translations (``has_translations``)."""
        translations = self.model.objects.filter(translation_of=OuterRef("pk"))
        return (
            self.for_listing()
            .prefetch_related(Prefetch("notes", to_attr="listed_notes"))
            .annotate(has_translations=Exists(translations))
        )

    def related_ids(self, article, limit: int = 5) -> list[int]:
        """Up to limit others sharing the most tags, then categories, newest first.

        Counts come from the derived archive entries, so the candidates are a few
        hundred index rows rather than a join over every article. Sharing a tag
        always ranks above sharing only a category, so the second query runs only
        when fewer than limit articles share a tag. Reads the article's tags and
        categories from its for_listing() prefetch.
        """
        tag_ids = [tag.pk for tag in article.listed_tags]
        category_ids = [category.pk for category in article.listed_categories]
        ranked = (
            self.exclude(pk=article.pk)
            .annotate(
                shared_tags=_shared(TagEntry, "tag_id", tag_ids),
                shared_categories=_shared(CategoryEntry, "category_id", category_ids),
            )
            .order_by("-shared_tags", "-shared_categories", "-published_at", "-pk")
            .values_list("pk", flat=True)
        )
        found = []
        if tag_ids:
            by_tag = TagEntry.objects.filter(tag_id__in=tag_ids).values("article_id")
            found = list(ranked.filter(pk__in=by_tag)[:limit])
        if len(found) < limit and category_ids:
            by_category = CategoryEntry.objects.filter(
                category_id__in=category_ids
            ).values("article_id")
            found += ranked.filter(pk__in=by_category).exclude(pk__in=found)[
                : limit - len(found)
            ]
        return found

    def most_read_ids(self, since, limit: int) -> list[int]:
        """Up to limit of these articles read most since that hour, most read first
        (then newest first), in one aggregate query over the hourly read counts."""
        return list(
            self.filter(reads__hour__gte=since)
            .annotate(total=models.Sum("reads__count"))
            .order_by("-total", "-published_at", "-pk")
            .values_list("pk", flat=True)[:limit]
        )

    def with_reads(self, **windows) -> "ArticleQuerySet":
        """Annotate each article with its reads since each hour given by name
        (``with_reads(reads_today=…, reads_week=…)``), without a query per article."""
        return self.annotate(
            **{
                name: ArticleReads.objects.total_since(since)
                for name, since in windows.items()
            }
        )

    def versions_of(self, article) -> "ArticleQuerySet":
        """The other versions of article's story (articles/translations.py): its
        original and the original's translations, article itself excluded."""
        original = article.translation_of_id or article.pk
        return self.filter(Q(pk=original) | Q(translation_of=original)).exclude(
            pk=article.pk
        )

    def in_order(self, ids) -> list["Article"]:
        """The articles among ids, in the order of ids (by date, or by relevance)."""
        ids = list(ids)
        found = self.in_bulk(ids)
        return [found[pk] for pk in dict.fromkeys(ids) if pk in found]


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        IN_REVIEW = "review", _("In review")
        PUBLISHED = "published", _("Published")

    title = models.CharField(max_length=300)
    slug = models.SlugField(
        max_length=200,
        unique=True,
        allow_unicode=True,
        blank=True,
        help_text=_("Part of the URL. Left empty, it is made from the title."),
    )
    lead = models.TextField(help_text=_("Plain text shown in archives and feeds."))
    body = models.TextField(
        blank=True,
        # Pathological markup can keep an HTML sanitiser busy for seconds; a
        # long feature is well under a tenth of this.
        max_length=BODY_MAX_CHARS,
        help_text=_("HTML; cleaned to the allowed tags when saved."),
    )
    conversion_fixes = models.TextField(
        _("conversion fixes"),
        blank=True,
        help_text=_(
            "Chinese articles: terms the automatic Simplified/Traditional conversion "
            "gets wrong, one per line as 原文=譯文 (the term as written or as "
            "converted, then the term to show). Applied after the conversion."
        ),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="articles",
    )
    language = models.ForeignKey(
        Language, on_delete=models.PROTECT, related_name="articles"
    )
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text=_("A future time schedules the article; it appears by itself."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    categories = models.ManyToManyField(
        Category,
        related_name="articles",
        blank=True,
        help_text=_("At least one is needed to publish."),
    )
    tags = TaggableManager(blank=True)
    # The same tagging rows, for prefetching (see for_listing()); no column.
    tagged_items = GenericRelation(TaggedItem, related_query_name="article")
    # Taggit's manager is not serialised, so revisions read the tags from here.
    tag_names = models.TextField(
        blank=True, editable=False, help_text=_("Tag names, one a line.")
    )
    image = models.ImageField(upload_to="articles/%Y/%m/", blank=True)
    # Kept current by articles.search on PostgreSQL; unused (always NULL) on SQLite.
    search_vector = SearchVectorField(null=True, editable=False)
    image_alt = models.CharField(
        _("image alt text"),
        max_length=300,
        blank=True,
        help_text=_("Describes the image for readers who cannot see it."),
    )
    image_caption = models.CharField(
        _("image caption"),
        max_length=300,
        blank=True,
        help_text=_("Shown under the image."),
    )
    image_credit = models.CharField(
        _("image credit"),
        max_length=200,
        blank=True,
        help_text=_("Who made the image, e.g. “Photo: Li Wei / Xinhua”."),
    )
    version = models.PositiveIntegerField(
        default=1,
        editable=False,
        help_text=_("Raised by every save; a form holding an older one is refused."),
    )
    trashed_at = models.DateTimeField(null=True, blank=True, editable=False)
    trashed_by = actor_field()
    # Size and rendition widths of the stored image (see articles/images.py).
    image_renditions = models.JSONField(default=dict, blank=True, editable=False)
    # Linked translations (articles/translations.py): a translation names its
    # original; the original and its translations are one story's versions.
    translation_of = models.ForeignKey(
        "self",
        verbose_name=_("translation of"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="translations",
        help_text=_(
            "The original this article translates (another language). Readers of "
            "each version are offered the others."
        ),
    )

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        get_latest_by = "published_at"
        permissions = [
            ("publish_article", "Can publish, schedule, unpublish and restore"),
            ("purge_article", "Can purge articles from the trash"),
        ]
        indexes = [
            models.Index(
                fields=["status", "-published_at", "-id"], name="article_status_pub_idx"
            ),
            # Covers published()'s ids query (status, not in the trash, by date):
            # deep pages of the home and date archives skip index entries without
            # reading article rows. (SQLite 3.40 never treats a partial index as
            # covering, so the trash column is part of the key.)
            models.Index(
                fields=["status", "trashed_at", "-published_at", "-id"],
                name="article_live_pub_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="article_published_has_date",
            ),
            models.CheckConstraint(
                condition=Q(image="") | ~Q(image_alt=""),
                name="article_image_has_alt",
            ),
            models.CheckConstraint(
                condition=~Q(translation_of=models.F("pk")),
                name="article_not_own_translation",
            ),
            # One translation per language of an original (articles/translations.py
            # checks the original's own language and chains in clean()).
            models.UniqueConstraint(
                fields=["translation_of", "language"],
                name="article_one_translation_per_language",
                violation_error_message=_(
                    "That original already has a translation in this language: a "
                    "story has one version per language."
                ),
            ),
        ]

    def __str__(self):
        return self.title

    # One transaction: the row lock taken for a changed image lasts until the write.
    @transaction.atomic(savepoint=False)
    def save(self, *args, **kwargs):
        if self.body != getattr(self, "_cleaned_body", None):
            self.body = clean_html(self.body)
        if self.status == self.Status.PUBLISHED or self.published_at is not None:
            self.published_at = self.publication_time(self.published_at)
        if not self.slug:
            others = Article.objects.exclude(pk=self.pk)
            self.slug = unique_slug(
                make_slug(self.title), lambda s: others.filter(slug=s).exists()
            )
        if not self._state.adding:
            self.version += 1
        new_image = not self._state.adding and images.image_changes(self)
        if new_image:
            # The image as committed, locked: renditions that a task recorded
            # after this instance was read go with the image they belong to.
            self.image_renditions = (
                Article.objects.select_for_update()
                .filter(pk=self.pk)
                .values_list("image_renditions", flat=True)
                .first()
            ) or {}
        replaced_files, stored = images.store_image(self)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {
                *kwargs["update_fields"],
                "body",
                "slug",
                "published_at",
                "version",
            }
            if "image" in kwargs["update_fields"]:
                kwargs["update_fields"].add("image_renditions")
        elif not self._state.adding and not new_image:
            # The renditions are the rendition task's to record
            # (services/renditions.py): a save that keeps the image leaves them as
            # stored, even if this instance was read before the task finished.
            kwargs["update_fields"] = [
                field.name
                for field in self._meta.concrete_fields
                if not field.primary_key and field.name != "image_renditions"
            ]
        old_slug = self._published_slug()
        super().save(*args, **kwargs)
        if old_slug and old_slug != self.slug:
            ArticleRedirect.objects.update_or_create(
                old_slug=old_slug, defaults={"article": self}
            )
            # A slug in use again by its article needs no redirect.
            ArticleRedirect.objects.filter(old_slug=self.slug).delete()
        if replaced_files:
            enqueue(DELETE_MEDIA, names=replaced_files)
        if stored:
            # Renditions are made off the request: several writes to the storage.
            enqueue(MAKE_RENDITIONS, article_id=self.pk, image_name=stored)

    def get_absolute_url(self):
        date = timezone.localtime(
            self.published_at or self.created_at or timezone.now()
        )
        return reverse_once(
            "articles:article",
            year=date.year,
            month=date.month,
            day=date.day,
            slug=self.slug,
        )

    @staticmethod
    def publication_time(moment=None):
        """Return moment (default now) to the whole second, as it is stored.

        The admin's date and time inputs carry whole seconds. A stored time with
        microseconds would come back from an unchanged change form as another
        time, so the save would look like a new publication: a second audit
        entry and a moved date. Storing whole seconds on every write keeps
        every comparison a plain equality, in the form and in the services.
        """
        return (moment or timezone.now()).replace(microsecond=0)

    def clean(self):
        """Clean the body, or say why it is refused; save() keeps the result."""
        super().clean()
        try:
            self.body = self._cleaned_body = clean_html(self.body)
        except MarkupTooComplex as error:
            refused = ValidationError(error.message, error.code, error.params)
            raise ValidationError({"body": refused}) from error
        translation_problems(self)

    def _published_slug(self):
        """Return the stored slug if the stored row is published, else None."""
        if self.pk is None:
            return None
        return (
            Article.objects.filter(pk=self.pk, status=self.Status.PUBLISHED)
            .values_list("slug", flat=True)
            .first()
        )

    def is_published(self) -> bool:
        """Return True if readers may see the article (mirrors published())."""
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
            and self.trashed_at is None
        )

    @property
    def is_scheduled(self) -> bool:
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at > timezone.now()
        )

    @property
    def is_trashed(self) -> bool:
        return self.trashed_at is not None

    def state_label(self) -> str:
        """Status as an editor reads it: scheduled and trashed are told apart."""
        if self.is_trashed:
            return _("In trash")
        if self.is_scheduled:
            return _("Scheduled")
        return self.get_status_display()

    def tag_names_from_tags(self) -> str:
        return "\n".join(sorted((tag.name for tag in self.tags.all()), key=str.lower))

    @property
    def listed_tags(self) -> list:
        """The tags in name order, from for_listing()'s prefetch."""
        return [item.tag for item in self.tag_items]

    @property
    def listed_authors(self) -> list[Author]:
        """The byline's authors in order, from for_listing()'s prefetch."""
        return [byline.author for byline in self.listed_bylines]

    @property
    def modified_at(self):
        """When readers last saw the article change: an edit, or a note added or
        withdrawn (from for_detail()'s prefetch)."""
        return max([self.updated_at, *(note.changed_at for note in self.listed_notes)])

    @property
    def has_more(self) -> bool:
        """True when the full article has a body beyond its lead."""
        return bool(self.body.strip())
