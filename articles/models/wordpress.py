"""Posts imported from WordPress: what a second import updates, where old URLs lead."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .articles import Article

OLD_PATH_MAX = 500


def old_path_key(path: str) -> str:
    """An old URL path as stored and looked up: with or without its final slash."""
    return path.rstrip("/") or "/"


class WordPressPostQuerySet(models.QuerySet):
    def leading_to_published(self) -> "WordPressPostQuerySet":
        """Imported posts whose article readers may see: the only ones old URLs
        redirect to."""
        return self.filter(article__in=Article.objects.published())

    def redirect_target(self, *, path: str = "", wordpress_id: int | None = None):
        """The published article an old permalink (path) or ``?p=ID`` leads to."""
        found = self.leading_to_published().select_related("article")
        if wordpress_id is not None:
            found = found.filter(wordpress_id=wordpress_id)
        elif path and "\x00" not in path and len(path) <= OLD_PATH_MAX:
            found = found.filter(old_path=old_path_key(path))
        else:
            return None
        post = found.first()
        return post.article if post else None


class WordPressPost(models.Model):
    """An article imported from a WordPress post, by the post's id."""

    wordpress_id = models.PositiveBigIntegerField(_("WordPress post id"), unique=True)
    article = models.OneToOneField(
        Article, on_delete=models.CASCADE, related_name="wordpress_post"
    )
    old_path = models.CharField(
        _("old permalink path"),
        max_length=OLD_PATH_MAX,
        blank=True,
        help_text=_(
            "The post's WordPress URL path (no final slash) when it differs from "
            "the article's form (/<year>/<month>/<day>/<slug>/); it redirects to "
            "the article."
        ),
    )
    # The attachment the featured image came from: a second import that finds
    # the same one leaves the stored image as it is.
    image_source = models.CharField(max_length=500, blank=True, editable=False)
    imported_at = models.DateTimeField(auto_now=True)

    objects = WordPressPostQuerySet.as_manager()

    class Meta:
        ordering = ["wordpress_id"]
        verbose_name = _("imported WordPress post")
        constraints = [
            models.UniqueConstraint(
                fields=["old_path"],
                condition=~Q(old_path=""),
                name="wordpresspost_unique_old_path",
            ),
        ]

    def __str__(self):
        return f"WordPress post {self.wordpress_id}"
