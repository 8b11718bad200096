"""The media library: images uploaded into article bodies, kept to be used again."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class MediaImageQuerySet(models.QuerySet):
    def named(self, names) -> "MediaImageQuerySet":
        """The library images stored under these names (originals' storage names)."""
        return self.filter(file__in=list(names))


class MediaImage(models.Model):
    """One uploaded image: cleaned like a featured image, with renditions.

    A body shows it as ``<img src="(original's URL)">``; article pages add the
    ``srcset`` of its renditions when they are recorded (articles.media).
    """

    file = models.ImageField(upload_to="library/%Y/%m/", max_length=200)
    alt = models.CharField(
        _("alt text"),
        max_length=300,
        help_text=_("Describes the image for readers who cannot see it."),
    )
    caption = models.CharField(max_length=300, blank=True)
    credit = models.CharField(max_length=200, blank=True)
    width = models.PositiveIntegerField(editable=False)
    height = models.PositiveIntegerField(editable=False)
    # Rendition widths once made (see articles/images.py make_renditions()).
    renditions = models.JSONField(default=dict, blank=True, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created = models.DateTimeField(auto_now_add=True)

    objects = MediaImageQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-pk"]
        verbose_name = _("library image")
        constraints = [
            models.CheckConstraint(condition=~Q(alt=""), name="mediaimage_has_alt"),
        ]

    def __str__(self):
        return self.alt
