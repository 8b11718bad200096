from urllib.parse import urlencode

from django.conf import settings
from django.utils.formats import number_format
from django.utils.functional import cached_property
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.generic import ListView

from .. import chinese
from ..freshness import ARTICLES, SEARCH
from ..models import Article
from ..search import (
    MAX_QUERY_CHARS,
    Synonyms,
    parse_query,
    search_articles,
    snippet_for,
    synonyms,
)
from .archives import ArticleListMixin


class SearchView(ArticleListMixin, ListView):
    """/search/?q=… results, best match first, paged like the archives."""

    template_name = "articles/article_search.html"

    def get_query(self) -> str:
        return " ".join(self.request.GET.get("q", "")[:MAX_QUERY_CHARS].split())

    @cached_property
    def names(self) -> Synonyms:
        """The editors' synonym groups, kept until one of them changes.

        Kept built: folding their names costs 5 ms, reading them back 0.6 ms.
        """
        return self.freshness.cached("search-synonyms", [SEARCH], synonyms)

    @cached_property
    def parsed_query(self):
        """The query's words and the synonym groups it names, parsed once."""
        return parse_query(self.get_query(), self.names)

    def get_queryset(self):
        """Ids of the matching articles: best match first, or newest first if many.

        Ranking computes a score for every match, so a query matching more than
        SEARCH_RANKED_MAX articles (a word found in most of them) is listed by date.
        The count is the one the paginator and the heading show, kept per query
        until an article or a synonym group changes.
        """
        matches = search_articles(self.parsed_query)
        self.total = self.freshness.cached(
            f"count:{self.page_path(1)}", [ARTICLES, SEARCH], matches.count
        )
        self.ranked = self.total <= settings.SEARCH_RANKED_MAX
        if not self.ranked:
            matches = matches.order_by("-published_at", "-pk")
        return matches.values_list("pk", flat=True)

    def list_key(self):
        # Any edit may change what matches.
        return ARTICLES

    def count(self, ids):
        return self.total  # counted (and cached) by get_queryset

    def load_page(self, ids):
        return Article.objects.published().for_listing().in_order(ids)

    def page_path(self, number):
        query = self.get_query()
        path = super().page_path(number)
        return f"{path}?{urlencode({'q': query})}" if query else path

    def archive_title(self):
        query = self.get_query()
        if not query:
            return _("Search")
        return _("Search Results for “%(query)s”") % {"query": query}

    def result_count(self) -> str:
        """“12 results for “深圳””: the number of matches, on every page."""
        return ngettext(
            "%(count)s result for “%(query)s”",
            "%(count)s results for “%(query)s”",
            self.total,
        ) % {
            "count": number_format(self.total, force_grouping=True),
            "query": self.get_query(),
        }

    def result(self, article, language: str):
        """(article, snippet), both in the reader's script (articles/chinese.py).

        The snippet is cut and marked from the text as written, where the query's
        words were found, then converted.
        """
        snippet = snippet_for(article, self.parsed_query)
        conversion = chinese.conversion_for(article, language, body=False)
        return (
            chinese.converted(article, conversion),
            chinese.markup_for(article, language, snippet),
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.get_query()
        language = get_language()
        context.update(
            search_query=query,
            result_count=self.result_count() if query else "",
            results=[
                self.result(article, language)
                for article in context["page_obj"].object_list
            ],
            robots="noindex, follow",
            newest_first=not self.ranked,
        )
        return context
