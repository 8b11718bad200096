"""SQLite FTS5 search over the articles_search virtual table (rowid = article id).

The table is created by a migration on SQLite only. Its porter tokenizer stems
English words; CJK text arrives already split into bigrams (and, in the uni
column, single characters).
"""

from django.db import connection
from django.db.models import FloatField
from django.db.models.expressions import RawSQL

from .text import Query

TABLE = "articles_search"
COLUMNS = ("title", "lead", "body", "extra", "uni")
# bm25 weights in COLUMNS order: a title match counts most.
_RANK = f"-bm25({TABLE}, 10.0, 4.0, 1.0, 4.0, 1.0)"


def _column_text(doc) -> str:
    return f"{doc.latin} {doc.cjk}"


def index(rows) -> None:
    rows = list(rows)
    if not rows:
        return
    remove([pk for pk, _documents in rows])
    values = [
        (
            pk,
            *(_column_text(documents[name]) for name in COLUMNS[:-1]),
            " ".join(documents[name].cjk_unigrams for name in COLUMNS[:-1]),
        )
        for pk, documents in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {TABLE} (rowid, {', '.join(COLUMNS)}) "
            f"VALUES (%s, %s, %s, %s, %s, %s)",
            values,
        )


def remove(ids) -> None:
    ids = list(ids)
    with connection.cursor() as cursor:
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(f"DELETE FROM {TABLE} WHERE rowid IN ({marks})", chunk)


def clear() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE}")


def _match(query: Query) -> str:
    # Terms hold only word characters, so quoting each one is a complete escape.
    terms = [f'"{w}"' for w in query.words]
    terms += [f'"{" ".join(p)}"' for p in query.phrases]
    terms += [f'uni : "{u}"' for u in query.unigrams]
    return " AND ".join(terms)


def search(articles, query: Query):
    """Articles matching query, annotated with search_rank (higher is better).

    The index is joined rather than consulted per article: FTS5 then computes each
    match's bm25 once, where a correlated subquery re-ran the MATCH for every row
    (2.2 s against 15 ms for a word in most of 10,000 articles).
    """
    table = articles.model._meta.db_table
    return articles.extra(
        tables=[TABLE],
        where=[f'{TABLE}.rowid = "{table}"."id"', f"{TABLE} MATCH %s"],
        params=[_match(query)],
    ).annotate(search_rank=RawSQL(_RANK, (), output_field=FloatField()))
