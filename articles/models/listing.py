"""What an archive entry shows, loaded in a fixed number of small queries.

``Article.objects.for_listing()`` yields articles carrying ``listed_categories``,
``listed_tags`` and ``approved_links`` (with their sources and languages). Django's
``prefetch_related`` built the same lists, but building three related querysets per
page cost more than rendering the page (docs/performance.md). Here each list is one
flat query over the page's ids; categories, languages and sources come from a
per-process table kept for the current content version (see ``articles.cache``), so
a rename shows on the next request, like everything else keyed on that version.
"""

import threading
from typing import NamedTuple

from django.db.models.query import ModelIterable
from taggit.models import TaggedItem

from .links import SourceLink
from .prepared import PreparedQuery
from .taxonomy import Category, Language, Source

# What an entry shows of a source link; the moderation and health fields stay unread.
LINK_FIELDS = ["article", "source", "language", "url", "archive_url", "is_broken"]


class ListedTag(NamedTuple):
    """A tag as an entry shows it: a plain row, not a model instance."""

    id: int
    name: str
    slug: str

    @property
    def pk(self) -> int:
        return self.id


class _Lookups(threading.local):
    token = None
    categories: dict
    languages: dict
    sources: dict


_lookups = _Lookups()


def lookups():
    """The category, language and source tables of the current content version."""
    from ..cache import content_version

    token = content_version().token
    if _lookups.token != token:
        _lookups.categories = {c.pk: c for c in Category.objects.all()}
        _lookups.languages = {lang.pk: lang for lang in Language.objects.all()}
        _lookups.sources = {}
        _lookups.token = token
    return _lookups


def categories() -> list[Category]:
    """Every category in navigation order (position, then name)."""
    return list(lookups().categories.values())


def category_by_slug(slug: str) -> Category | None:
    """The category with this slug, from the current version's table."""
    for category in lookups().categories.values():
        if category.slug == slug:
            return category
    return None


def _fill(table: dict, model, pks) -> list:
    """Load into table, in one query, the rows of pks it lacks; return them.

    A row created after the table was loaded (in the same transaction as the
    articles being listed, say) is found rather than missed.
    """
    missing = set(pks) - table.keys() - {None}
    if not missing:
        return []
    rows = list(model.objects.filter(pk__in=missing))
    table.update((row.pk, row) for row in rows)
    return rows


FILED = PreparedQuery(
    lambda ids, now: Category.articles.through.objects.filter(
        article_id__in=ids
    ).values_list("article_id", "category_id")
)
TAGGED = PreparedQuery(
    lambda ids, now: (
        TaggedItem.objects.filter(
            content_type__app_label="articles",
            content_type__model="article",
            object_id__in=ids,
        )
        .order_by("tag__name")
        .values_list("object_id", "tag_id", "tag__name", "tag__slug")
    )
)
LINKS = PreparedQuery(
    lambda ids, now: (
        SourceLink.objects.approved().filter(article_id__in=ids).only(*LINK_FIELDS)
    )
)


def attach_listing(articles) -> None:
    """Give each article its categories, tags and approved links."""
    by_id = {article.pk: article for article in articles}
    if not by_id:
        return
    db = articles[0]._state.db
    table = lookups()
    filed = FILED.rows(by_id, using=db)
    tagged = TAGGED.rows(by_id, using=db)
    links = LINKS.instances(by_id, using=db)
    _fill(table.categories, Category, (category_id for _, category_id in filed))
    new_sources = _fill(table.sources, Source, (link.source_id for link in links))
    _fill(
        table.languages,
        Language,
        [a.language_id for a in articles]
        + [link.language_id for link in links]
        + [source.language_id for source in new_sources],
    )
    # Related objects go straight into Django's field cache, as select_related
    # would put them, without the checks of assignment.
    for source in new_sources:
        _cache(source, "language", table.languages.get(source.language_id))
    for article in articles:
        _cache(article, "language", table.languages.get(article.language_id))
        article.listed_categories, article.listed_tags = [], []
        article.approved_links = []
    for article_id, category_id in filed:
        by_id[article_id].listed_categories.append(table.categories[category_id])
    order = {pk: n for n, pk in enumerate(table.categories)}
    for article in articles:
        article.listed_categories.sort(key=lambda c: order[c.pk])
    for article_id, *tag in tagged:
        by_id[article_id].listed_tags.append(ListedTag(*tag))
    for link in links:
        article = by_id[link.article_id]
        _cache(link, "article", article)
        _cache(link, "source", table.sources.get(link.source_id))
        _cache(link, "language", table.languages.get(link.language_id))
        article.approved_links.append(link)


def _cache(instance, name: str, value) -> None:
    instance._meta.get_field(name).set_cached_value(instance, value)


# What an archive entry (or a search result) shows of an article.
ENTRY_FIELDS = [
    "title",
    "slug",
    "lead",
    "body",
    "language",
    "published_at",
    "created_at",
    "image",
    "image_alt",
    "image_renditions",
]


def _published_among(ids, now):
    from .articles import Article

    return Article.objects.published(now).filter(pk__in=ids).only(*ENTRY_FIELDS)


PUBLISHED_AMONG = PreparedQuery(_published_among)


def published_page(ids) -> list:
    """The published articles among ids, in the order of ids, as an entry shows them.

    What ``Article.objects.published().filter(pk__in=ids).for_listing()`` yields,
    with the page query compiled once (see ``articles.models.prepared``), ordered
    like the ids: by date for archives, by relevance for search results.
    """
    ids = list(ids)
    position = {pk: n for n, pk in enumerate(dict.fromkeys(ids))}
    articles = PUBLISHED_AMONG.instances(ids)
    articles.sort(key=lambda article: position[article.pk])
    attach_listing(articles)
    return articles


class ListingIterable(ModelIterable):
    """Model instances with attach_listing() applied to the whole result."""

    def __iter__(self):
        articles = list(super().__iter__())
        attach_listing(articles)
        return iter(articles)
