"""Site search: one interface, with the backend chosen by the database in use.

PostgreSQL uses a stored, GIN-indexed tsvector on the article row; SQLite an FTS5
virtual table. Both index the same documents (title, lead, body text, tags and
approved source names) and read the same parsed query (see text.py).
"""

from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.utils.safestring import SafeString

from . import postgres, sqlite
from .text import (
    MAX_QUERY_CHARS,
    Query,
    Synonyms,
    paragraphs,
    parse_query,
    plain_text,
    snippet,
    split_for_index,
)

__all__ = [
    "MAX_QUERY_CHARS",
    "Query",
    "Synonyms",
    "index_articles",
    "parse_query",
    "rebuild_index",
    "remove_articles",
    "search_articles",
    "snippet_for",
    "synonyms",
]

_BACKENDS = {"postgresql": postgres, "sqlite": sqlite}
_BATCH = 500


def backend():
    try:
        return _BACKENDS[connection.vendor]
    except KeyError:
        raise ImproperlyConfigured(
            f"Search supports PostgreSQL and SQLite, not {connection.vendor}."
        ) from None


def documents_for(article) -> dict:
    """Return the indexed fields of an article loaded with for_listing()."""
    extra = [tag.name for tag in article.listed_tags]
    extra += [link.source.name for link in article.approved_links if link.source]
    return {
        "title": split_for_index(article.title),
        "lead": split_for_index(article.lead),
        "body": split_for_index(plain_text(article.body)),
        "extra": split_for_index(" ".join(extra)),
    }


def index_articles(ids) -> None:
    """Bring the index up to date for these article ids; missing ones are dropped."""
    from ..models import Article

    ids = list(dict.fromkeys(ids))
    for start in range(0, len(ids), _BATCH):
        chunk = ids[start : start + _BATCH]
        articles = Article.objects.filter(pk__in=chunk).for_listing()
        rows = [(article.pk, documents_for(article)) for article in articles]
        backend().index(rows)
        found = {pk for pk, _documents in rows}
        backend().remove([pk for pk in chunk if pk not in found])


def remove_articles(ids) -> None:
    backend().remove(list(ids))


def rebuild_index() -> int:
    """Re-index every article (after writes that bypass save()); return the count."""
    from ..models import Article

    backend().clear()
    ids = list(Article.objects.order_by("pk").values_list("pk", flat=True))
    index_articles(ids)
    return len(ids)


def synonyms() -> Synonyms:
    """The editors' synonym groups (one query)."""
    from ..models import SearchSynonym

    return Synonyms(SearchSynonym.objects.groups())


def search_articles(query: Query, articles=None):
    """Return published articles matching a parsed query, best first, with
    search_rank. A query with nothing searchable in it matches nothing."""
    from ..models import Article

    if articles is None:
        articles = Article.objects.published()
    if not query:
        return articles.none()
    return (
        backend()
        .search(articles, query)
        .order_by("-search_rank", "-published_at", "-pk")
    )


def snippet_for(article, query: Query) -> SafeString:
    """Return an escaped excerpt of the article's best-matching paragraph (lead or
    body), with the query's words and their synonyms in <mark>."""
    return snippet([article.lead, *paragraphs(article.body)], query)
