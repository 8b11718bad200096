"""Print the query plans and timings of the main archive queries (markdown).

    DATABASE_URL=... python bench/explain.py

Used for docs/performance.md; run against a benchmark database.
"""

import datetime
import os
import statistics
import sys
import time

import django

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gbanews.settings")
django.setup()

from django.conf import settings
from django.db import connection
from django.db.models import Count
from django.utils import timezone
from taggit.models import Tag

from articles.models import (
    Article,
    Category,
    CategoryEntry,
    Source,
    SourceEntry,
    Stamp,
    TagEntry,
)
from articles.paginator import page_slice

PER_PAGE = settings.ARTICLES_PER_PAGE


def page(ids, number, total):
    """The ids query of one page as ArchivePaginator runs it (from the nearer end)."""
    start = (number - 1) * PER_PAGE
    return page_slice(ids, start, min(start + PER_PAGE, total), total)[0]


def median_ms(fn, runs=30):
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        timings.append(time.perf_counter() - start)
    return statistics.median(timings) * 1000


def main():
    technology = Category.objects.get(slug="technology")
    tag = Tag.objects.annotate(n=Count("taggit_taggeditem_items")).order_by("-n")[0]
    source = Source.objects.annotate(n=Count("links")).order_by("-n")[0]
    published = Article.objects.published()
    home_ids = published.order_by("-published_at", "-pk").values_list("pk", flat=True)
    tech_ids = CategoryEntry.objects.listing_ids(technology)
    tag_ids = TagEntry.objects.listing_ids(tag)
    source_ids = SourceEntry.objects.listing_ids(source)
    totals = {
        name: ids.count()
        for name, ids in [
            ("home", home_ids),
            ("tech", tech_ids),
            ("tag", tag_ids),
            ("source", source_ids),
        ]
    }
    home_last, tech_last, tag_last, source_last = (
        -(-total // PER_PAGE) for total in totals.values()
    )
    may = timezone.make_aware(datetime.datetime(2024, 5, 1))
    month_ids = home_ids.filter(
        published_at__gte=may, published_at__lt=may + datetime.timedelta(days=31)
    )
    article = published.order_by("pk")[published.count() // 2]
    queries = {
        "home ids, page 1": page(home_ids, 1, totals["home"]),
        f"home ids, middle page ({home_last // 2})": page(
            home_ids, home_last // 2, totals["home"]
        ),
        f"home ids, last page ({home_last})": page(home_ids, home_last, totals["home"]),
        "category technology ids, page 1": page(tech_ids, 1, totals["tech"]),
        f"category technology ids, last page ({tech_last})": page(
            tech_ids, tech_last, totals["tech"]
        ),
        "category count": tech_ids,
        f"tag {tag.slug} ids, page 1": page(tag_ids, 1, totals["tag"]),
        f"tag {tag.slug} ids, last page ({tag_last})": page(
            tag_ids, tag_last, totals["tag"]
        ),
        f"source {source.slug} ids, page 1": page(source_ids, 1, totals["source"]),
        f"source {source.slug} ids, last page ({source_last})": page(
            source_ids, source_last, totals["source"]
        ),
        "month 2024-05 ids, page 1": page(month_ids, 1, month_ids.count()),
        "article by slug": Article.objects.for_detail()
        .published()
        .filter(slug=article.slug),
    }
    first_page = list(home_ids[:PER_PAGE])
    queries["page of entries (page 1 of home)"] = published.filter(
        pk__in=first_page
    ).for_listing()
    queries["stamps of a page (page 1 of home)"] = Stamp.objects.filter(
        key__in=["site", "list:home", *(f"article:{pk}" for pk in first_page)]
    )
    print(f"### {connection.vendor}, {Article.objects.count()} articles\n")
    print("| query | median ms (30 runs) |\n|---|---|")
    for name, qs in queries.items():
        if name == "category count":
            ms = median_ms(lambda qs=qs: qs.count())
        else:
            ms = median_ms(lambda qs=qs: list(qs.all()))
        print(f"| {name} | {ms:.2f} |")
    for name, qs in queries.items():
        print(f"\n#### {name}\n\n```\n{qs.explain()}\n```")


if __name__ == "__main__":
    main()
