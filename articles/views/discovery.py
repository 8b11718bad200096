"""Machine-read pages: sitemaps, the Google News sitemap, robots.txt, feed caching."""

import datetime
import hashlib

from django.conf import settings
from django.contrib.sitemaps import views as sitemap_views
from django.contrib.sitemaps.views import SitemapIndexItem
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.views.decorators.http import condition, require_safe

from ..models import Article
from ..sitemaps import SITEMAPS
from ..urls_absolute import absolute_url

NEWS_WINDOW = datetime.timedelta(hours=48)
NEWS_MAX_URLS = 1000  # Google News reads at most this many per sitemap.


@require_safe
def sitemap_index(request):
    entries = []
    for section, sitemap_class in SITEMAPS.items():
        sitemap = sitemap_class()
        path = reverse("discovery:sitemap-section", kwargs={"section": section})
        last_mod = sitemap.get_latest_lastmod()
        for page in range(1, sitemap.paginator.num_pages + 1):
            location = absolute_url(path if page == 1 else f"{path}?p={page}")
            entries.append(SitemapIndexItem(location, last_mod))
    return render(
        request,
        "sitemap_index.xml",
        {"sitemaps": entries},
        content_type="application/xml",
    )


@require_safe
def sitemap_section(request, section):
    return sitemap_views.sitemap(request, sitemaps=SITEMAPS, section=section)


def news_language(code: str) -> str:
    """Return the language code Google News expects (zh-cn / zh-tw for Chinese)."""
    code = code.lower()
    if code.startswith("zh"):
        traditional = any(part in code for part in ("hant", "tw", "hk", "mo"))
        return "zh-tw" if traditional else "zh-cn"
    return code.split("-")[0]


@require_safe
def news_sitemap(request):
    since = timezone.now() - NEWS_WINDOW
    articles = (
        Article.objects.published()
        .filter(published_at__gte=since)
        .for_listing()[:NEWS_MAX_URLS]
    )
    entries = [
        {
            "article": article,
            "location": absolute_url(article.get_absolute_url()),
            "language": news_language(article.language.code),
        }
        for article in articles
    ]
    return render(
        request,
        "articles/news_sitemap.xml",
        {"entries": entries, "publication_name": settings.NEWS_PUBLICATION_NAME},
        content_type="application/xml",
    )


@require_safe
def robots_txt(request):
    searches = []
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            searches.append(reverse("articles:search"))
    return render(
        request,
        "robots.txt",
        {
            # Search result pages in every language (/search/, /zh-hant/search/).
            "disallow": ["/admin/", *searches],
            "sitemaps": [
                absolute_url(reverse("discovery:sitemap")),
                absolute_url(reverse("discovery:news-sitemap")),
            ],
        },
        content_type="text/plain; charset=utf-8",
    )


class FeedState:
    """ETag and Last-Modified of a feed, from one query over the items it lists."""

    def __init__(self, feed):
        self.feed = feed

    def stamps(self, request, **kwargs):
        """The items' (pk, updated_at, published_at), as get_object read them."""
        try:
            self.feed.get_object(request, **kwargs)
        except (Http404, ObjectDoesNotExist):
            return None
        return request.feed_items

    def etag(self, request, **kwargs):
        stamps = self.stamps(request, **kwargs)
        if stamps is None:
            return None
        text = ";".join(f"{pk}:{u.isoformat()}:{p.isoformat()}" for pk, u, p in stamps)
        return hashlib.sha256(text.encode()).hexdigest()[:32]

    def last_modified(self, request, **kwargs):
        stamps = self.stamps(request, **kwargs)
        if not stamps:
            return None
        return max(max(updated, published) for _pk, updated, published in stamps)


def conditional_feed(feed):
    """Wrap a Feed so unchanged feeds answer 304 to If-None-Match/If-Modified-Since."""
    state = FeedState(feed)
    return require_safe(
        condition(etag_func=state.etag, last_modified_func=state.last_modified)(feed)
    )
