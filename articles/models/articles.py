from django.conf import settings
from django.db import models, transaction
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager

from .. import images
from ..sanitize import clean_html
from ..text import make_slug, unique_slug
from .links import SourceLink
from .taxonomy import Category, Language


class ArticleQuerySet(models.QuerySet):
    def published(self) -> "ArticleQuerySet":
        """Articles readers may see: published and due (scheduled ones appear alone)."""
        return self.filter(
            status=Article.Status.PUBLISHED, published_at__lte=timezone.now()
        )

    def in_category(self, category) -> "ArticleQuerySet":
        return self.filter(categories=category)

    def citing(self, source) -> "ArticleQuerySet":
        return self.filter(
            Exists(
                SourceLink.objects.approved().filter(
                    article=OuterRef("pk"), source=source
                )
            )
        )

    def for_listing(self) -> "ArticleQuerySet":
        """Load everything an archive entry shows, in a fixed number of queries."""
        return self.select_related("language").prefetch_related(
            "categories",
            "tags",
            Prefetch(
                "source_links",
                queryset=SourceLink.objects.approved().select_related(
                    "source__language", "language"
                ),
                to_attr="approved_links",
            ),
        )

    def for_detail(self) -> "ArticleQuerySet":
        return self.for_listing().select_related("author")


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
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
        blank=True, help_text=_("HTML; cleaned to the allowed tags when saved.")
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
    image = models.ImageField(upload_to="articles/%Y/%m/", blank=True)
    image_alt = models.CharField(
        _("image alt text"),
        max_length=300,
        blank=True,
        help_text=_("Describes the image for readers who cannot see it."),
    )
    # Size and rendition widths of the stored image (see articles/images.py).
    image_renditions = models.JSONField(default=dict, blank=True, editable=False)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        get_latest_by = "published_at"
        indexes = [
            models.Index(
                fields=["status", "-published_at", "-id"], name="article_status_pub_idx"
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
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.body = clean_html(self.body)
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()
        if not self.slug:
            others = Article.objects.exclude(pk=self.pk)
            self.slug = unique_slug(
                make_slug(self.title), lambda s: others.filter(slug=s).exists()
            )
        replaced_files = images.store_image(self)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "body", "slug"}
            if "image" in kwargs["update_fields"]:
                kwargs["update_fields"].add("image_renditions")
        super().save(*args, **kwargs)
        if replaced_files:
            transaction.on_commit(
                lambda: images.delete_files(replaced_files), robust=True
            )

    def get_absolute_url(self):
        date = timezone.localtime(
            self.published_at or self.created_at or timezone.now()
        )
        return reverse(
            "articles:article",
            kwargs={
                "year": date.year,
                "month": date.month,
                "day": date.day,
                "slug": self.slug,
            },
        )

    def is_published(self) -> bool:
        """Return True if readers may see the article (mirrors published())."""
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    @property
    def has_more(self) -> bool:
        """True when the full article has a body beyond its lead."""
        return bool(self.body.strip())
