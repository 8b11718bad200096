"""PostgreSQL full-text search over Article.search_vector (a GIN-indexed tsvector).

Latin text goes through the 'english' configuration (stemming: companies ->
compani); CJK bigrams and unigrams through 'simple', which keeps them as they are.
"""

import operator
from functools import reduce

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db.models import F, Value

from .text import Query

# Weights: A title, B lead plus tags and source names, C body.
FIELD_WEIGHTS = (("title", "A"), ("lead", "B"), ("extra", "B"), ("body", "C"))


def _vector(documents):
    parts = []
    for field, weight in FIELD_WEIGHTS:
        doc = documents[field]
        parts += [
            SearchVector(Value(doc.latin), config="english", weight=weight),
            SearchVector(Value(doc.cjk), config="simple", weight=weight),
        ]
    # Unigrams last: single-character queries need no positions, and a tsvector
    # keeps positions only up to 16383, which phrase (bigram) matches rely on.
    parts += [
        SearchVector(Value(documents[field].cjk_unigrams), config="simple", weight=w)
        for field, w in FIELD_WEIGHTS
    ]
    return reduce(operator.add, parts)


def index(rows) -> None:
    from ..models import Article

    for pk, documents in rows:
        Article.objects.filter(pk=pk).update(search_vector=_vector(documents))


def remove(ids) -> None:
    """Nothing to do: the vector lives on the article row and goes with it."""


def _search_query(query: Query) -> SearchQuery:
    parts = [SearchQuery(w, config="english") for w in query.words]
    parts += [
        SearchQuery(" ".join(p), config="simple", search_type="phrase")
        for p in query.phrases
    ]
    parts += [SearchQuery(u, config="simple") for u in query.unigrams]
    return reduce(operator.and_, parts)


def search(articles, query: Query):
    search_query = _search_query(query)
    return articles.filter(search_vector=search_query).annotate(
        search_rank=SearchRank(F("search_vector"), search_query)
    )


def clear() -> None:
    """Nothing to do: rebuilding overwrites every article's vector."""
