import datetime
import re

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.core.paginator import InvalidPage
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.generic import ListView, TemplateView
from taggit.models import Tag

from .. import reads, structured_data
from ..entries import render_entries
from ..freshness import ARTICLES, HOME, Freshness, list_key
from ..frontpage import front_page
from ..models import (
    Article,
    Author,
    AuthorEntry,
    Category,
    CategoryEntry,
    Source,
    SourceEntry,
    TagEntry,
)
from ..paginator import ArchivePaginator
from ..text import excerpt
from ..urls_absolute import absolute_url, archive_url

_PAGE_SUFFIX = re.compile(r"page/\d+/$")


def local_day_start(year: int, month: int = 1, day: int = 1) -> datetime.datetime:
    """Return midnight of the date in the site's time zone; 404 if impossible."""
    try:
        return timezone.make_aware(datetime.datetime(year, month, day))
    except ValueError as exc:
        raise Http404(_("No such date.")) from exc


def feed_pair(name: str, kind: str, slug: str) -> list[tuple[str, str, str]]:
    """Return the RSS and Atom feed links of a category, tag or author archive."""
    rss = archive_url(f"articles:{kind}-feed", slug)
    atom = archive_url(f"articles:{kind}-feed-atom", slug)
    title = _("%(site)s » %(name)s") % {"site": settings.SITE_NAME, "name": name}
    return [
        (title, "application/rss+xml", absolute_url(rss)),
        (title, "application/atom+xml", absolute_url(atom)),
    ]


def find_by_slug(queryset, slug: str):
    """The object with this slug, or one whose slug differs only in case; else 404.

    The one lookup of categories, tags, sources and authors by slug, for archives
    and feeds.
    """
    try:
        return queryset.get(slug=slug)
    except ObjectDoesNotExist:
        found = queryset.filter(slug__iexact=slug).first()
    if found is None:
        raise Http404(_("No such page."))
    return found


class ArticleListMixin:
    """Paginated newest-first archive of published articles, WordPress-style pages.

    A subclass names the archive's stamp (``list_key()``) and returns its article ids,
    newest first, from ``get_queryset()``; a page renders only its own entries
    (``articles.entries``). The count is kept while the archive's stamp is current.
    """

    model = Article
    allow_empty = True
    context_object_name = "articles"
    template_name = "articles/article_list.html"

    def get(self, request, *args, **kwargs):
        if kwargs.get("page") == 1:
            return redirect(self.page_path(1), permanent=True)
        self.freshness = Freshness.of(request)
        self.subject = self.find_subject()
        if self.subject is not None and self.subject.slug != kwargs["slug"]:
            # /tag/Shenzhen/ is /tag/shenzhen/, as taggit's case-insensitive tags say.
            name = f"articles:{request.resolver_match.url_name}"
            return redirect(
                reverse(name, kwargs={**kwargs, "slug": self.subject.slug}),
                permanent=True,
            )
        self.freshness.depend_on(self.list_key())
        return super().get(request, *args, **kwargs)

    def find_subject(self):
        """The category, tag, source or author the archive is about; else None."""
        return None

    def list_key(self) -> str:
        return HOME

    def get_paginate_by(self, queryset):
        return settings.ARTICLES_PER_PAGE

    def get_queryset(self):
        """The archive's article ids, newest first; a page loads only its own."""
        return (
            self.filter_articles(Article.objects.published())
            .order_by("-published_at", "-pk")
            .values_list("pk", flat=True)
        )

    def filter_articles(self, articles):
        return articles

    def count(self, ids) -> int:
        return self.freshness.cached(
            f"count:{self.page_path(1)}", [self.list_key()], ids.count
        )

    def load_page(self, ids) -> list:
        return render_entries(self.freshness, ids, get_language())

    def get_paginator(self, queryset, per_page, **kwargs):
        return ArchivePaginator(
            queryset,
            per_page,
            load=self.load_page,
            count=lambda: self.count(queryset),
            **kwargs,
        )

    def paginate_queryset(self, queryset, page_size):
        # Only the /page/<n>/ URL selects a page; ?page= is ignored.
        paginator = self.get_paginator(
            queryset, page_size, allow_empty_first_page=self.get_allow_empty()
        )
        try:
            page = paginator.page(self.kwargs.get("page", 1))
        except InvalidPage as exc:
            raise Http404(_("No such page.")) from exc
        return paginator, page, page.object_list, page.has_other_pages()

    def base_path(self) -> str:
        return _PAGE_SUFFIX.sub("", self.request.path)

    def page_path(self, number: int) -> str:
        base = self.base_path()
        return base if number == 1 else f"{base}page/{number}/"

    def archive_title(self) -> str:
        return ""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = context["page_obj"]
        title = self.archive_title()
        if page.number > 1:
            title = _("%(title)s – Page %(number)s") % {
                "title": title or settings.SITE_NAME,
                "number": page.number,
            }
        context.update(
            archive_title=self.archive_title(),
            page_title=title,
            canonical_url=absolute_url(self.page_path(page.number)),
            prev_url=(
                absolute_url(self.page_path(page.previous_page_number()))
                if page.has_previous()
                else None
            ),
            next_url=(
                absolute_url(self.page_path(page.next_page_number()))
                if page.has_next()
                else None
            ),
            meta_description=self.meta_description(),
            page_lang=get_language(),
            feed_links=self.feed_links(),
        )
        trail = self.breadcrumb_trail()
        if trail:
            context["structured_data"] = structured_data.breadcrumbs(
                [(settings.SITE_NAME, "/"), *trail]
            )
        return context

    def meta_description(self) -> str:
        return _("Technology news from China's Greater Bay Area.")

    def breadcrumb_trail(self) -> list[tuple[str, str]]:
        """Return (name, path) pairs below the home page; none on the home page."""
        title = self.archive_title()
        return [(title, self.base_path())] if title else []

    def feed_links(self) -> list[tuple[str, str]]:
        """Return (title, type, URL) of this archive's own feeds."""
        return []


class FrontPageView(TemplateView):
    """The front page: a lead story, each section's headlines, the latest stories.

    Page 2 on of the same archive are IndexView's numbered pages.
    """

    template_name = "articles/front_page.html"

    def get_context_data(self, **kwargs):
        freshness = Freshness.of(self.request)
        page = front_page(freshness, get_language())
        next_page = reverse("articles:index-page", kwargs={"page": 2})
        return super().get_context_data(
            front=page,
            most_read=reads.sidebar(freshness),
            canonical_url=absolute_url("/"),
            next_url=absolute_url(next_page) if page.more else None,
            next_page=next_page if page.more else None,
            meta_description=_("Technology news from China's Greater Bay Area."),
            page_lang=get_language(),
            **kwargs,
        )


class IndexView(ArticleListMixin, ListView):
    """The numbered pages of the archive of every story (/page/2/ on)."""


class SourceIndexView(ListView):
    """Every source cited by a published story, with how many cite it."""

    template_name = "articles/source_list.html"
    context_object_name = "sources"

    def get_queryset(self):
        # Which sources are cited changes with any article's links: ``articles``.
        Freshness.of(self.request).depend_on(ARTICLES)
        counts = SourceEntry.objects.counts()
        sources = list(Source.objects.filter(pk__in=list(counts)))
        for source in sources:
            source.stories = counts[source.pk]
        return sources

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            page_title=_("Sources"),
            canonical_url=absolute_url(reverse("articles:sources")),
            meta_description=_("The publications our stories cite and link to."),
            page_lang=get_language(),
            **kwargs,
        )


class CategoryArchiveView(ArticleListMixin, ListView):
    def find_subject(self):
        return find_by_slug(Category.objects.all(), self.kwargs["slug"])

    def list_key(self):
        return list_key("category", self.subject.pk)

    def get_queryset(self):
        return CategoryEntry.objects.listing_ids(self.subject)

    def archive_title(self):
        return _("Category Archives: %(name)s") % {"name": self.subject.name}

    def meta_description(self):
        return excerpt(self.subject.description) or super().meta_description()

    def feed_links(self):
        return feed_pair(self.subject.name, "category", self.subject.slug)

    def get_context_data(self, **kwargs):
        return super().get_context_data(category=self.subject, **kwargs)


class TagArchiveView(ArticleListMixin, ListView):
    def find_subject(self):
        return find_by_slug(Tag.objects.all(), self.kwargs["slug"])

    def list_key(self):
        return list_key("tag", self.subject.pk)

    def get_queryset(self):
        return TagEntry.objects.listing_ids(self.subject)

    def archive_title(self):
        return _("Tag Archives: %(name)s") % {"name": self.subject.name}

    def feed_links(self):
        return feed_pair(self.subject.name, "tag", self.subject.slug)

    def get_context_data(self, **kwargs):
        return super().get_context_data(tag=self.subject, **kwargs)


class SourceArchiveView(ArticleListMixin, ListView):
    def find_subject(self):
        return find_by_slug(Source.objects.all(), self.kwargs["slug"])

    def list_key(self):
        return list_key("source", self.subject.pk)

    def get_queryset(self):
        return SourceEntry.objects.listing_ids(self.subject)

    def archive_title(self):
        return _("Source Archives: %(name)s") % {"name": self.subject.name}

    def get_context_data(self, **kwargs):
        return super().get_context_data(source=self.subject, **kwargs)


class AuthorArchiveView(ArticleListMixin, ListView):
    """An author's profile above their articles, newest first."""

    def find_subject(self):
        return find_by_slug(Author.objects.all(), self.kwargs["slug"])

    def list_key(self):
        return list_key("author", self.subject.pk)

    def get_queryset(self):
        return AuthorEntry.objects.listing_ids(self.subject)

    def archive_title(self):
        return _("Articles by %(name)s") % {"name": self.subject.name}

    def meta_description(self):
        return excerpt(self.subject.bio) or super().meta_description()

    def feed_links(self):
        return feed_pair(self.subject.name, "author", self.subject.slug)

    def get_context_data(self, **kwargs):
        links = list(self.subject.links.all())
        return super().get_context_data(
            author=self.subject, author_links=links, **kwargs
        )


class YearArchiveView(ArticleListMixin, ListView):
    allow_empty = False

    def date_range(self):
        year = self.kwargs["year"]
        return local_day_start(year), local_day_start(year + 1) if year < 9999 else None

    def filter_articles(self, articles):
        start, end = self.date_range()
        articles = articles.filter(published_at__gte=start)
        return articles.filter(published_at__lt=end) if end else articles

    def archive_title(self):
        return _("Yearly Archives: %(year)s") % {"year": self.kwargs["year"]}

    def breadcrumb_trail(self):
        year = self.kwargs["year"]
        return [(str(year), reverse("articles:year", kwargs={"year": year}))]


class MonthArchiveView(YearArchiveView):
    def date_range(self):
        year, month = self.kwargs["year"], self.kwargs["month"]
        start = local_day_start(year, month)
        if month == 12:
            return start, local_day_start(year + 1) if year < 9999 else None
        return start, local_day_start(year, month + 1)

    def archive_title(self):
        start, _end = self.date_range()
        month = formats.date_format(start, "YEAR_MONTH_FORMAT")
        return _("Monthly Archives: %(month)s") % {"month": month}

    def breadcrumb_trail(self):
        start, _end = self.date_range()
        month = reverse(
            "articles:month",
            kwargs={"year": self.kwargs["year"], "month": self.kwargs["month"]},
        )
        name = formats.date_format(start, "YEAR_MONTH_FORMAT")
        return [*super().breadcrumb_trail(), (name, month)]
