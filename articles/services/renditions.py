"""Renditions of a stored featured image: made off the request, recorded if current.

The one write path of renditions: the task queued on upload
(articles.tasks.make_renditions) and ``manage.py make_renditions`` both call
article_renditions_make; a media library image's are made by
media_renditions_make (articles.tasks.make_media_renditions).
"""

import logging

from django.db import transaction
from PIL import Image, UnidentifiedImageError

from .. import images
from ..models import Article, MediaImage
from ..signals import content_changed

logger = logging.getLogger(__name__)


class RenditionsNotMade(Exception):
    """The renditions of an image could not be made; retry says whether to retry.

    A storage that fails (a time-out, a 503) may answer later; an original that
    is missing or cannot be decoded will not change.
    """

    def __init__(self, reason: str, *, retry: bool):
        super().__init__(reason)
        self.retry = retry


def article_renditions_make(
    *, article_id: int, name: str = "", notify: bool = True
) -> str:
    """Make and record the renditions of the article's image; return the outcome.

    Outcomes: "made", or "skipped" when the article is gone or its image is no
    longer name (given, the image the task was queued for). The renditions are
    recorded only if the image is still the one they were made from; otherwise
    they are deleted, so a replaced image never gets stale ones. Renditions of
    widths no longer configured are deleted. With notify, content_changed
    retires the cached pages that showed the original alone.
    """
    article = Article.objects.filter(pk=article_id).exclude(image="")
    article = article.only("image").first()
    if article is None or (name and article.image.name != name):
        return "skipped"
    name, storage = article.image.name, article.image.storage
    # The article while it still shows this image: where the renditions go.
    recorded = Article.objects.filter(pk=article_id, image=name)

    def recorded_changed():
        if notify:
            content_changed.send(sender=Article, articles=[article_id])

    return _record(recorded, "image_renditions", name, storage, recorded_changed)


def media_renditions_make(*, media_id: int, name: str = "") -> str:
    """Make and record a library image's renditions; return the outcome.

    As article_renditions_make: "skipped" when the image is gone or no longer
    name. The article pages whose bodies show the image are retired, so that
    they give readers the renditions' srcset.
    """
    image = MediaImage.objects.filter(pk=media_id).only("file").first()
    if image is None or (name and image.file.name != name):
        return "skipped"
    name, storage = image.file.name, image.file.storage
    recorded = MediaImage.objects.filter(pk=media_id, file=name)

    def recorded_changed():
        # The stamps of the pages showing the image move with the record.
        showing = Article.objects.filter(body__contains=storage.url(name))
        showing = list(showing.values_list("pk", flat=True))
        if showing:
            content_changed.send(sender=MediaImage, articles=showing)

    return _record(recorded, "renditions", name, storage, recorded_changed)


def _record(recorded, field: str, name: str, storage, recorded_changed) -> str:
    """Make the renditions of the original name and record them in field of the
    one row of recorded (the row while it still shows name); return the outcome.

    Renditions made for a row that changed image meanwhile are deleted, as are
    a replaced record's renditions that the new one does not name.
    recorded_changed runs in the recording transaction.
    """
    written: list[str] = []
    try:
        meta = images.make_renditions(name, storage, written)
    except (FileNotFoundError, UnidentifiedImageError, Image.DecompressionBombError):
        images.delete_files(written, storage)
        if not recorded.exists():
            return "skipped"  # replaced meanwhile; its original is gone with it
        raise RenditionsNotMade(
            f"the original {name} is missing or unreadable", retry=False
        ) from None
    except Exception as exc:
        # A storage's own exceptions (an object store's) as well as OSError.
        images.delete_files(written, storage)
        raise RenditionsNotMade(f"{name}: {exc}", retry=True) from exc
    with transaction.atomic():
        before = recorded.values_list(field, flat=True).first() or {}
        updated = recorded.update(**{field: meta})
        if updated:
            recorded_changed()
    if not updated:
        images.delete_files(images.stored_names(meta)[1:], storage)
        return "skipped"
    stale = set(images.stored_names(before)) - set(images.stored_names(meta))
    images.delete_files(stale, storage)
    return "made"
