"""Writes keep the derived archive entries current and bump the stamps they change.

Connected in ``ArticlesConfig.ready()``. Which stamp a change bumps (see
``articles/freshness.py`` for what each one covers):

- an article, its categories, tags or source links: ``article:<id>`` and
  ``articles``; plus ``list:<kind>:<id>`` for every category, tag or source archive
  it joins, leaves or moves in, and ``list:home`` when whether or when it is
  published changes;
- a category or language saved or deleted, a tag or source renamed or deleted:
  ``site``, since navigation and every entry show their names;
- an article linked to or unlinked from a translation, or edited or deleted while
  linked: ``article:<id>`` of every version of its story (before and after), since
  each version's page links to the others (articles/translations.py);
- an article's authors: as its categories (``list:author:<id>``);
- an author edited or deleted: ``list:author:<id>`` (the profile) and
  ``article:<id>`` of each article naming them, so exactly the pages showing their
  byline are retired (entries are cached under their article's version);
- a search synonym group saved or deleted: ``search``, which search pages name;
- a correction or update added, withdrawn or deleted (with its article):
  ``article:<id>`` of its article, and ``list:corrections`` for a correction; an
  article with corrections that joins or leaves the published ones bumps
  ``list:corrections`` too, since the log lists only published articles' notes.

``QuerySet.update()`` sends no model signals, so code that writes in bulk sends
``articles.signals.content_changed`` with the article ids.
"""

from django.db import transaction
from django.db.models import Q
from django.db.models.signals import (
    m2m_changed,
    post_delete,
    post_save,
    pre_delete,
    pre_save,
)
from taggit.models import Tag

from .freshness import (
    ARTICLES,
    CORRECTIONS,
    HOME,
    SEARCH,
    SITE,
    article_key,
    list_key,
)
from .models import (
    Article,
    ArticleAuthor,
    ArticleNote,
    Author,
    AuthorEntry,
    AuthorLink,
    Category,
    CategoryEntry,
    Language,
    SearchSynonym,
    Source,
    SourceEntry,
    SourceLink,
    Stamp,
    TagEntry,
)
from .signals import content_changed

ENTRIES = {
    "category": CategoryEntry,
    "tag": TagEntry,
    "source": SourceEntry,
    "author": AuthorEntry,
}


@transaction.atomic
def articles_changed(article_ids, kinds=tuple(ENTRIES), home=False) -> None:
    """Rebuild these articles' archive entries (all when None), then bump the stamps
    of the articles and of the archives whose entries changed.

    In one transaction: a rebuild deletes an article's entries before it inserts
    them again, and a reader must never see the archive without the article. The
    articles' rows are locked first (``lock_articles``), so two rebuilds of one
    article run one after the other: otherwise the second one's DELETE, which
    cannot see the first one's rows before they commit, leaves them, and its
    INSERT breaks the entries' unique constraint.
    """
    if article_ids is not None:
        article_ids = list(article_ids)
    lock_articles(article_ids)
    keys = {ARTICLES, HOME} if home else {ARTICLES}
    if home and corrected(article_ids):
        keys.add(CORRECTIONS)
    for kind in kinds:
        changed = ENTRIES[kind].objects.rebuild(article_ids)
        if changed is None:
            keys.add(SITE)  # everything was rebuilt
        else:
            keys.update(list_key(kind, key) for key in changed)
    keys.update(article_key(pk) for pk in article_ids or ())
    if article_ids:
        keys.update(versions_keys(article_ids))
    Stamp.objects.bump(keys)


def versions_keys(article_ids) -> set[str]:
    """``article:<id>`` of every version of these articles' stories (one query)."""
    originals = Article.objects.filter(pk__in=article_ids).values("translation_of")
    versions = Article.objects.filter(
        Q(translation_of__in=article_ids)
        | Q(pk__in=originals)
        | Q(translation_of__in=originals)
    ).values_list("pk", flat=True)
    return {article_key(pk) for pk in versions}


def corrected(article_ids) -> bool:
    """True if any of these articles (all when None) has a correction."""
    notes = ArticleNote.objects.corrections()
    if article_ids is not None:
        notes = notes.filter(article_id__in=article_ids)
    return notes.exists()


def _listed(status, published_at, trashed_at):
    """Where the home archive places an article: its time, or None if not listed."""
    published = status == Article.Status.PUBLISHED and trashed_at is None
    return published_at if published else None


def story_keys(*originals) -> set[str]:
    """``article:<id>`` of every version of the stories of these originals."""
    originals = {pk for pk in originals if pk is not None}
    if not originals:
        return set()
    versions = Article.objects.filter(
        Q(pk__in=originals) | Q(translation_of__in=originals)
    ).values_list("pk", flat=True)
    return {article_key(pk) for pk in versions}


def article_will_save(sender, instance, raw=False, **kwargs):
    instance.listed_before = instance.original_before = None
    if raw or instance.pk is None:
        return
    before = (
        Article.objects.filter(pk=instance.pk)
        .values_list("status", "published_at", "trashed_at", "translation_of_id")
        .first()
    )
    if before:
        instance.listed_before = _listed(*before[:3])
        instance.original_before = before[3] or instance.pk


def article_saved(sender, instance, raw=False, **kwargs):
    if raw:
        return
    now = _listed(instance.status, instance.published_at, instance.trashed_at)
    before = getattr(instance, "listed_before", None)
    articles_changed([instance.pk], home=now != before)
    # The story it left, if it was unlinked or moved to another original.
    original = getattr(instance, "original_before", None)
    if original not in (None, instance.pk, instance.translation_of_id):
        Stamp.objects.bump(story_keys(original))


def lock_articles(article_ids) -> None:
    """Lock these articles' rows (all when None) in the order of their ids, in the
    caller's transaction: a writer locks the rows it writes before the stamps
    (Stamp.objects.bump). SQLite lets one writer in at a time and ignores it."""
    rows = Article.objects.select_for_update().order_by("pk")
    if article_ids is not None:
        rows = rows.filter(pk__in=article_ids)
    list(rows.values_list("pk", flat=True))


def article_will_delete(sender, instance, **kwargs):
    lock_articles([instance.pk])
    keys = {ARTICLES, HOME, article_key(instance.pk)}
    keys.update(story_keys(instance.translation_of_id or instance.pk))
    for kind, entries in ENTRIES.items():
        found = entries.objects.filter(article=instance)
        keys.update(
            list_key(kind, key)
            for key in found.values_list(entries.key_field, flat=True)
        )
    Stamp.objects.bump(keys)


def byline_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        articles_changed([instance.article_id], kinds=["author"])


def author_changed(sender, instance, created=False, raw=False, **kwargs):
    """A new author is on no page yet; an edited one is on their articles' pages."""
    if raw or created:
        return
    named = ArticleAuthor.objects.filter(author=instance.pk).values_list(
        "article_id", flat=True
    )
    Stamp.objects.bump(
        {ARTICLES, list_key("author", instance.pk), *map(article_key, named)}
    )


def author_link_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        Stamp.objects.bump([list_key("author", instance.author_id)])


def link_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        articles_changed([instance.article_id], kinds=["source"])


def filing_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if not action.startswith("post_"):
        return
    if not reverse:
        articles_changed([instance.pk], kinds=["category"])
    elif action == "post_clear":
        # category.articles.clear(): every article that was filed under it.
        articles_changed(
            CategoryEntry.objects.filter(category=instance).values_list(
                "article_id", flat=True
            ),
            kinds=["category"],
        )
    else:
        articles_changed(pk_set or (), kinds=["category"])


def tagging_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if not action.startswith("post_"):
        return
    if isinstance(instance, Article):
        articles_changed([instance.pk], kinds=["tag"])
    elif pk_set:
        articles_changed(pk_set, kinds=["tag"])


def note_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    # Search and sitemaps (``articles``) show no notes.
    keys = {article_key(instance.article_id)}
    if instance.kind == ArticleNote.Kind.CORRECTION:
        keys.add(CORRECTIONS)
    Stamp.objects.bump(keys)


def names_changed(sender, instance=None, created=False, raw=False, **kwargs):
    """A category or language: navigation shows them. A tag or source: only a rename
    or a deletion shows anywhere (a new one is on no page yet)."""
    if raw or (created and sender in (Tag, Source)):
        return
    Stamp.objects.bump([SITE])


def synonyms_changed(sender, raw=False, **kwargs):
    if not raw:
        Stamp.objects.bump([SEARCH])


def bulk_content_changed(sender, articles=None, **kwargs):
    articles_changed(articles, home=articles is None or sender is Article)


def connect() -> None:
    pre_save.connect(article_will_save, sender=Article, dispatch_uid="listed-before")
    post_save.connect(article_saved, sender=Article, dispatch_uid="article-saved")
    pre_delete.connect(
        article_will_delete, sender=Article, dispatch_uid="article-deleted"
    )
    post_save.connect(link_changed, sender=SourceLink, dispatch_uid="link-saved")
    post_delete.connect(link_changed, sender=SourceLink, dispatch_uid="link-deleted")
    post_save.connect(byline_changed, sender=ArticleAuthor, dispatch_uid="byline-saved")
    post_delete.connect(
        byline_changed, sender=ArticleAuthor, dispatch_uid="byline-deleted"
    )
    post_save.connect(author_changed, sender=Author, dispatch_uid="author-saved")
    # Before the delete: its bylines (and so the articles naming it) go with it.
    pre_delete.connect(author_changed, sender=Author, dispatch_uid="author-deleted")
    post_save.connect(
        author_link_changed, sender=AuthorLink, dispatch_uid="author-link-saved"
    )
    post_delete.connect(
        author_link_changed, sender=AuthorLink, dispatch_uid="author-link-deleted"
    )
    post_save.connect(note_changed, sender=ArticleNote, dispatch_uid="note-saved")
    post_delete.connect(note_changed, sender=ArticleNote, dispatch_uid="note-deleted")
    m2m_changed.connect(
        filing_changed, sender=Article.categories.through, dispatch_uid="filing"
    )
    m2m_changed.connect(
        tagging_changed, sender=Article.tags.through, dispatch_uid="tagging"
    )
    for model in (Category, Language, Tag, Source):
        post_save.connect(names_changed, sender=model, dispatch_uid=f"names-{model}")
        post_delete.connect(names_changed, sender=model, dispatch_uid=f"gone-{model}")
    post_save.connect(synonyms_changed, sender=SearchSynonym, dispatch_uid="synonyms")
    post_delete.connect(
        synonyms_changed, sender=SearchSynonym, dispatch_uid="synonyms-gone"
    )
    content_changed.connect(bulk_content_changed, dispatch_uid="bulk-content")
