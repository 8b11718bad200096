from urllib.parse import urlencode

from django.conf import settings
from django.utils.translation import gettext as _
from django.views.generic import ListView

from ..cache import cached_count
from ..search import MAX_QUERY_CHARS, search_articles, snippet_for
from .archives import ArticleListMixin


class SearchView(ArticleListMixin, ListView):
    """/search/?q=… results, best match first, paged like the archives."""

    template_name = "articles/article_search.html"

    def get_query(self) -> str:
        return " ".join(self.request.GET.get("q", "")[:MAX_QUERY_CHARS].split())

    def get_queryset(self):
        """Ids of the matching articles: best match first, or newest first if many.

        Ranking computes a score for every match, so a query matching more than
        SEARCH_RANKED_MAX articles (a word found in most of them) is listed by date.
        The count is the one the paginator shows, cached per query and content version.
        """
        matches = search_articles(self.get_query())
        self.total = cached_count(self.page_path(1), matches)
        self.ranked = self.total <= settings.SEARCH_RANKED_MAX
        if not self.ranked:
            matches = matches.order_by("-published_at", "-pk")
        return matches.values_list("pk", flat=True)

    def get_paginator(self, *args, **kwargs):
        paginator = super().get_paginator(*args, **kwargs)
        paginator.count = self.total  # counted (and cached) by get_queryset
        return paginator

    def page_path(self, number):
        query = self.get_query()
        path = super().page_path(number)
        return f"{path}?{urlencode({'q': query})}" if query else path

    def archive_title(self):
        query = self.get_query()
        if not query:
            return _("Search")
        return _("Search Results for “%(query)s”") % {"query": query}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.get_query()
        context.update(
            search_query=query,
            results=[
                (article, snippet_for(article, query))
                for article in context["page_obj"].object_list
            ],
            robots="noindex, follow",
            newest_first=not self.ranked,
        )
        return context
