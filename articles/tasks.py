"""Celery tasks: thin wrappers of services, queued with articles.dispatch.enqueue.

A worker runs them with a broker; without one, dispatch runs them in this
process's threads. Either way a failure of an outside server is retried after an
exponential backoff with jitter (dispatch.retry_later).
"""

import logging

from celery import shared_task
from django.core.files.storage import default_storage

from . import images, reads
from .archiver import ArchiveFailed
from .dispatch import (
    ARCHIVE_SOURCE_LINK,
    CHECK_SOURCE_LINKS,
    DELETE_MEDIA,
    FLUSH_READS,
    MAKE_MEDIA_RENDITIONS,
    MAKE_RENDITIONS,
    REBUILD_SEARCH_INDEX,
    retry_later,
)
from .search import rebuild_index
from .services import source_link_archive, source_links_check
from .services.renditions import (
    RenditionsNotMade,
    article_renditions_make,
    media_renditions_make,
)

logger = logging.getLogger(__name__)


# Safe to run twice (acks_late: a worker lost mid-task leaves it to another): only a
# link still queued and without a copy is archived. The service gives up after
# ARCHIVER_ATTEMPTS and records it, so Celery's own limit is off.
@shared_task(bind=True, name=ARCHIVE_SOURCE_LINK, acks_late=True, max_retries=None)
def archive_source_link(self, link_id: int) -> str:
    try:
        return source_link_archive(link_id=link_id)
    except ArchiveFailed as exc:
        raise retry_later(self, exc) from exc


# Not acks_late: a run lost with its worker is made up by the next scheduled one.
@shared_task(name=CHECK_SOURCE_LINKS)
def check_source_links() -> str:
    return source_links_check().summary()


@shared_task(name=REBUILD_SEARCH_INDEX, acks_late=True)
def rebuild_search_index() -> int:
    return rebuild_index()


# Safe to run twice: renditions of one name are remade identical, and recorded only
# while the article still shows that image. Retried on storage errors.
@shared_task(bind=True, name=MAKE_RENDITIONS, acks_late=True, max_retries=5)
def make_renditions(self, article_id: int, image_name: str) -> str:
    return _renditions(
        self,
        f"article {article_id}",
        lambda: article_renditions_make(article_id=article_id, name=image_name),
    )


# As make_renditions, for an image of the media library.
@shared_task(bind=True, name=MAKE_MEDIA_RENDITIONS, acks_late=True, max_retries=5)
def make_media_renditions(self, media_id: int, image_name: str) -> str:
    return _renditions(
        self,
        f"library image {media_id}",
        lambda: media_renditions_make(media_id=media_id, name=image_name),
    )


def _renditions(task, what: str, make) -> str:
    """Run make; an original that will never do is logged, a storage error retried."""
    try:
        return make()
    except RenditionsNotMade as exc:
        if not exc.retry:
            logger.error("No renditions for %s: %s", what, exc)
            return "failed"
        raise retry_later(task, exc) from exc


class MediaNotDeleted(Exception):
    pass


# Replaced and deleted images' files (an object store's DELETEs), off the request.
# Deleting a name twice is harmless, so a retry goes over the whole list again.
@shared_task(bind=True, name=DELETE_MEDIA, acks_late=True, max_retries=5)
def delete_media(self, names: list[str]) -> int:
    failed = images.delete_files(names, default_storage)
    if failed:
        raise retry_later(self, MediaNotDeleted(f"{len(failed)} file(s) remain"))
    return len(names)


# Not acks_late: taking a Redis hash is atomic, and what a lost run took is gone
# either way; the next run takes what came since.
@shared_task(name=FLUSH_READS)
def flush_reads() -> int:
    return reads.flush()
