"""Keep the search index in step with articles, their tags and their source links."""

from django.db.models.signals import m2m_changed, post_delete, post_save
from taggit.models import Tag

from ..dispatch import REBUILD_SEARCH_INDEX, enqueue
from ..models import Article, Source, SourceLink
from ..signals import content_changed
from . import index_articles, remove_articles


def _article_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        index_articles([instance.pk])


def _article_deleted(sender, instance, **kwargs):
    remove_articles([instance.pk])


def _tags_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    if isinstance(instance, Article):
        index_articles([instance.pk])
    elif pk_set:
        index_articles(pk_set)


def _link_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        index_articles([instance.article_id])


def _source_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        index_articles(instance.links.values_list("article_id", flat=True))


def _tag_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        index_articles(
            Article.objects.filter(tags=instance).values_list("pk", flat=True)
        )


def _content_changed(sender, articles=None, **kwargs):
    if articles is None:
        # Every article: a task, not the request that changed them.
        enqueue(REBUILD_SEARCH_INDEX)
    else:
        index_articles(articles)


def connect() -> None:
    post_save.connect(_article_saved, sender=Article, dispatch_uid="search-article")
    post_delete.connect(
        _article_deleted, sender=Article, dispatch_uid="search-article-del"
    )
    m2m_changed.connect(
        _tags_changed, sender=Article.tags.through, dispatch_uid="search-tags"
    )
    post_save.connect(_link_changed, sender=SourceLink, dispatch_uid="search-link")
    post_delete.connect(
        _link_changed, sender=SourceLink, dispatch_uid="search-link-del"
    )
    post_save.connect(_source_saved, sender=Source, dispatch_uid="search-source")
    post_save.connect(_tag_saved, sender=Tag, dispatch_uid="search-tag")
    content_changed.connect(_content_changed, dispatch_uid="search-content")
