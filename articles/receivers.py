"""Keep derived data (category entries, the content version) in step with content.

Connected in ``ArticlesConfig.ready()``. ``QuerySet.update()`` sends no model
signals, so code that writes in bulk sends ``articles.signals.content_changed``.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save
from taggit.models import Tag, TaggedItem

from . import cache
from .models import (
    Article,
    Category,
    CategoryEntry,
    Language,
    Source,
    SourceEntry,
    SourceLink,
    TagEntry,
)
from .signals import content_changed

ENTRIES = (CategoryEntry, TagEntry, SourceEntry)
CONTENT_MODELS = (Article, SourceLink, Category, Source, Language, Tag, TaggedItem)


def content_saved(sender, **kwargs):
    cache.invalidate()


def article_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        for entries in ENTRIES:
            entries.objects.rebuild([instance.pk])


def link_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        SourceEntry.objects.rebuild([instance.article_id])


def filing_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if not action.startswith("post_"):
        return
    if reverse:
        if action == "post_clear":
            CategoryEntry.objects.filter(category=instance).delete()
        else:
            CategoryEntry.objects.rebuild(pk_set or ())
    else:
        CategoryEntry.objects.rebuild([instance.pk])
    cache.invalidate()


def tagging_changed(sender, instance, action, **kwargs):
    if action.startswith("post_"):
        if isinstance(instance, Article):
            TagEntry.objects.rebuild([instance.pk])
        cache.invalidate()


def bulk_content_changed(sender, articles=None, **kwargs):
    if sender is Article or articles is not None:
        for entries in ENTRIES:
            entries.objects.rebuild(articles)
    cache.invalidate()


def connect() -> None:
    for model in CONTENT_MODELS:
        post_save.connect(content_saved, sender=model, dispatch_uid=f"cache-{model}")
        post_delete.connect(content_saved, sender=model, dispatch_uid=f"del-{model}")
    post_save.connect(article_saved, sender=Article, dispatch_uid="entries")
    post_save.connect(link_changed, sender=SourceLink, dispatch_uid="link-saved")
    post_delete.connect(link_changed, sender=SourceLink, dispatch_uid="link-deleted")
    m2m_changed.connect(
        filing_changed, sender=Article.categories.through, dispatch_uid="filing"
    )
    m2m_changed.connect(
        tagging_changed, sender=Article.tags.through, dispatch_uid="tagging"
    )
    content_changed.connect(bulk_content_changed, dispatch_uid="bulk-content")
