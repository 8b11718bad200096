"""PostgreSQL full-text search over Article.search_vector (a GIN-indexed tsvector).

Latin text goes through the 'english' configuration (stemming: companies ->
compani); CJK bigrams and unigrams through 'simple', which keeps them as they are.
"""

import operator
from functools import reduce

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db.models import F, Value
from django.db.models.functions import Sign

from .text import Query, Term

# Weights: A title, B lead plus tags and source names, C body.
FIELD_WEIGHTS = (("title", "A"), ("lead", "B"), ("extra", "B"), ("body", "C"))
# ts_rank's weights in its order (D, C, B, A): only title matches count.
TITLE_ONLY = [0.0, 0.0, 0.0, 1.0]
# ts_rank normalisation 32: rank / (rank + 1), below 1.
BELOW_ONE = 32


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


def _term_query(term: Term) -> SearchQuery:
    config = "english" if term.kind == "latin" else "simple"
    if len(term.tokens) == 1:
        return SearchQuery(term.tokens[0], config=config)
    return SearchQuery(" ".join(term.tokens), config=config, search_type="phrase")


def _search_query(query: Query) -> SearchQuery:
    """Clauses ANDed, a clause's alternatives ORed, an alternative's terms ANDed."""
    return reduce(
        operator.and_,
        (
            reduce(
                operator.or_,
                (reduce(operator.and_, map(_term_query, alt)) for alt in clause),
            )
            for clause in query.clauses
        ),
    )


def search(articles, query: Query):
    """Matches with search_rank: 1 for a match in the title, plus the whole
    document's ts_rank scaled below 1, so any title match ranks above body mentions."""
    search_query = _search_query(query)
    vector = F("search_vector")
    title = SearchRank(vector, search_query, weights=TITLE_ONLY)
    rank = SearchRank(vector, search_query, normalization=Value(BELOW_ONE))
    return articles.filter(search_vector=search_query).annotate(
        search_rank=Sign(title) + rank
    )


def clear() -> None:
    """Nothing to do: rebuilding overwrites every article's vector."""
