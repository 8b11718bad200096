"""The media library's writes: an upload stored and queued for renditions."""

from django.core.exceptions import PermissionDenied
from django.db import transaction

from .. import images
from ..dispatch import MAKE_MEDIA_RENDITIONS, enqueue
from ..models import MediaImage


@transaction.atomic
def media_image_upload(
    *, file, alt: str, actor, caption: str = "", credit: str = ""
) -> MediaImage:
    """Store an upload (validated by ArticleImageField) in the media library.

    The original is re-encoded without metadata like a featured image
    (articles.images.clean_upload); its renditions are made after the commit.
    Raise ImageNotStored if the storage refuses the file: nothing is kept.
    """
    if not actor.has_perm("articles.add_mediaimage"):
        raise PermissionDenied
    image = MediaImage(alt=alt, caption=caption, credit=credit, uploaded_by=actor)
    image.file = file
    name, meta = images.write_original(image, image.file)
    try:
        image.file = name
        image.width, image.height = meta["width"], meta["height"]
        image.renditions = meta
        image.save()
    except Exception:
        images.delete_files([name], image.file.storage)
        raise
    enqueue(MAKE_MEDIA_RENDITIONS, media_id=image.pk, image_name=name)
    return image
