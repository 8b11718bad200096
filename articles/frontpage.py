"""The front page: a lead story, each section's newest headlines, the latest stories.

What it shows, and the stamps that say when that changes:

- the latest stories, the newest page of the home archive (``list:home``); the lead
  is the first of them with a featured image, else the newest;
- each category's newest headlines (``list:category:<id>`` of every category);
- recent months with stories and the years, for the date archives (``list:home``:
  they change only when whether or when an article is published does);
- the categories' names and order (``site``), and each story as its entry or
  headline shows it (``article:<id>``, through ``articles.entries``).

Ids, months and the categories are kept per version with ``Freshness.cached``; the
HTML of each story per version of the story (``articles.entries``).
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Max, Min
from django.utils import timezone

from .entries import Entry, render_entries
from .freshness import HOME, SITE, Freshness, list_key
from .models import Article, Category, CategoryEntry

# Headlines shown under each section.
SECTION_HEADLINES = 4
# Months listed for the date archives; older ones are reached through the years.
RECENT_MONTHS = 12


def categories(freshness: Freshness) -> list[Category]:
    """Every category in navigation order, kept while ``site`` is current."""
    return freshness.cached("navigation", [SITE], lambda: list(Category.objects.all()))


@dataclass
class Section:
    category: Category
    headlines: list[Entry]


@dataclass
class FrontPage:
    lead: Entry | None = None
    sections: list[Section] = field(default_factory=list)
    latest: list[Entry] = field(default_factory=list)
    # True when the numbered archive has a second page (/page/2/).
    more: bool = False
    months: list[datetime.date] = field(default_factory=list)
    years: list[int] = field(default_factory=list)


def latest_ids(per_page: int) -> list[int]:
    """Ids of the newest per_page + 1 published articles (one more tells of page 2)."""
    ids = Article.objects.published().order_by("-published_at", "-pk")
    return list(ids.values_list("pk", flat=True)[: per_page + 1])


def archive_dates() -> tuple[list[datetime.date], list[int]]:
    """Months with stories among the RECENT_MONTHS up to the newest, newest first,
    and every year from the first story's to the newest's.

    Neither reads the whole archive: the years come from its two ends (index
    seeks), the months from a range scan of those months alone. (A year without
    a story between the two would link to an empty archive; a news site has none.)
    """
    published = Article.objects.published()
    span = published.aggregate(first=Min("published_at"), last=Max("published_at"))
    if span["last"] is None:
        return [], []
    first, last = timezone.localtime(span["first"]), timezone.localtime(span["last"])
    months_back = last.year * 12 + last.month - RECENT_MONTHS
    start = timezone.make_aware(
        datetime.datetime(months_back // 12, months_back % 12 + 1, 1)
    )
    recent = published.filter(published_at__gte=start)
    months = list(recent.dates("published_at", "month", "DESC"))
    return months, list(range(last.year, first.year - 1, -1))


def front_page(freshness: Freshness, page_lang: str) -> FrontPage:
    """Everything the front page shows, read through the caches of the read side."""
    per_page = settings.ARTICLES_PER_PAGE
    sections = categories(freshness)
    ids = freshness.cached(
        f"front:latest:{per_page}", [HOME], lambda: latest_ids(per_page)
    )
    newest = freshness.cached(
        "front:sections",
        [list_key("category", category.pk) for category in sections],
        lambda: CategoryEntry.objects.newest_per_key(
            Category.objects.all(), SECTION_HEADLINES + 1
        ),
    )
    months, years = freshness.cached("front:dates", [HOME], archive_dates)
    page = FrontPage(more=len(ids) > per_page, months=months, years=years)
    ids = ids[:per_page]
    listed = [pk for category in sections for pk in newest.get(category.pk, [])]
    headlines = {
        entry.pk: entry
        for entry in render_entries(freshness, [*ids, *listed], page_lang, "headline")
    }
    latest = [headlines[pk] for pk in ids if pk in headlines]
    if not latest:
        return page
    lead = next((entry for entry in latest if entry.image), latest[0])
    found = render_entries(freshness, [lead.pk], page_lang)
    page.lead = found[0] if found else None
    page.latest = [entry for entry in latest if entry.pk != lead.pk]
    for category in sections:
        shown = [
            headlines[pk]
            for pk in newest.get(category.pk, [])
            if pk in headlines and pk != lead.pk
        ]
        if shown:
            page.sections.append(Section(category, shown[:SECTION_HEADLINES]))
    return page
