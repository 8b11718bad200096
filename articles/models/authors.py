"""Authors: the public profiles that bylines, feeds and structured data name.

An article's authors are kept apart from ``Article.author``, the account that
created it (workflow and permissions): a login name is never shown to readers.
"""

from django.conf import settings
from django.db import models, transaction
from django.db.models.signals import post_delete
from django.utils.translation import gettext_lazy as _

from .. import images
from ..dispatch import DELETE_MEDIA, enqueue
from ..fields import NormalisedURLField
from ..text import make_slug, unique_slug
from ..urls_absolute import archive_url

# Side of the stored square photo, in pixels (shown at a quarter of it or less).
PHOTO_SIDE = 400


class Author(models.Model):
    name = models.CharField(_("display name"), max_length=150)
    name_zh = models.CharField(_("name in Chinese"), max_length=150, blank=True)
    slug = models.SlugField(
        max_length=100,
        unique=True,
        allow_unicode=True,
        blank=True,
        help_text=_("Part of the URL. Left empty, it is made from the name."),
    )
    bio = models.TextField(
        _("short bio"), max_length=1000, blank=True, help_text=_("Plain text.")
    )
    photo = models.ImageField(upload_to="authors/%Y/%m/", blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="author_profile",
        help_text=_("The account whose new articles name this author by default."),
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    @transaction.atomic(savepoint=False)
    def save(self, *args, **kwargs):
        if not self.slug:
            others = Author.objects.exclude(pk=self.pk)
            self.slug = unique_slug(
                make_slug(self.name, fallback="author"),
                lambda s: others.filter(slug=s).exists(),
            )
        replaced = self._stored_photo()
        if self.photo and not self.photo._committed:
            # Validated by the form (ArticleImageField); cleaned of metadata here.
            square, _size = images.clean_upload(self.photo, square=PHOTO_SIDE)
            self.photo.save(square.name, square, save=False)
        super().save(*args, **kwargs)
        if replaced and replaced != self.photo.name:
            enqueue(DELETE_MEDIA, names=[replaced])

    def get_absolute_url(self):
        return archive_url("articles:author", self.slug)

    def _stored_photo(self) -> str:
        if self.pk is None:
            return ""
        found = Author.objects.filter(pk=self.pk).values_list("photo", flat=True)
        return found.first() or ""


class AuthorLink(models.Model):
    """A page about the author elsewhere (a personal site, a social profile)."""

    author = models.ForeignKey(Author, on_delete=models.CASCADE, related_name="links")
    label = models.CharField(max_length=100)
    url = NormalisedURLField(_("URL"), strip_tracking=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self):
        return self.label


class ArticleAuthor(models.Model):
    """One author of an article, at a place in the byline (lowest first)."""

    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="bylines"
    )
    author = models.ForeignKey(Author, on_delete=models.CASCADE, related_name="bylines")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("author of the article")
        verbose_name_plural = _("authors of the article")
        constraints = [
            models.UniqueConstraint(
                fields=["article", "author"], name="articleauthor_unique"
            ),
        ]

    def __str__(self):
        return f"{self.author} ({self.position})"


def _delete_photo(sender, instance, **kwargs):
    if instance.photo:
        enqueue(DELETE_MEDIA, names=[instance.photo.name])


post_delete.connect(_delete_photo, sender=Author, dispatch_uid="author_photo")
