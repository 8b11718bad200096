"""Sitemaps of articles, categories, tags and authors, on the public SITE_URL,
in every interface language."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import sitemaps
from django.db.models import Max, OuterRef, Subquery
from django.urls import reverse
from taggit.models import Tag

from .models import Article, Author, Category


class SiteSitemap(sitemaps.Sitemap):
    """Locations on SITE_URL, whatever host the request came in on.

    Every page is listed once per interface language (settings.LANGUAGES), each
    entry with its alternates in the other languages and x-default (the English
    address), as the pages' own hreflang links say (docs/i18n.md).
    """

    i18n = True
    alternates = True
    x_default = True

    def get_protocol(self, protocol=None):
        return urlsplit(settings.SITE_URL).scheme or "https"

    def get_domain(self, site=None):
        parts = urlsplit(settings.SITE_URL)
        return parts.netloc + parts.path

    def lastmod(self, item):
        return item.lastmod

    def get_latest_lastmod(self):
        return self.items().aggregate(latest=Max("lastmod"))["latest"]


def _latest_update(**filters):
    """Subquery: updated_at of the newest-edited published article matching filters."""
    return Subquery(
        Article.objects.published()
        .filter(**filters)
        .order_by("-updated_at")
        .values("updated_at")[:1]
    )


class ArticleSitemap(SiteSitemap):
    """Every published article. Reads only the article's own columns."""

    def items(self):
        return (
            Article.objects.published()
            .only("slug", "published_at", "created_at", "updated_at")
            .order_by("-published_at", "-pk")
        )

    def lastmod(self, item):
        return item.updated_at

    def get_latest_lastmod(self):
        return Article.objects.published().aggregate(latest=Max("updated_at"))["latest"]


class CategorySitemap(SiteSitemap):
    def items(self):
        return Category.objects.annotate(
            lastmod=_latest_update(categories=OuterRef("pk"))
        ).order_by("position", "name")


class TagSitemap(SiteSitemap):
    """Tags that at least one published article carries."""

    def items(self):
        return (
            Tag.objects.annotate(lastmod=_latest_update(tags=OuterRef("pk")))
            .filter(lastmod__isnull=False)
            .order_by("name")
        )

    def location(self, item):
        return reverse("articles:tag", kwargs={"slug": item.slug})


class AuthorSitemap(SiteSitemap):
    """Authors of at least one published article."""

    def items(self):
        return (
            Author.objects.annotate(
                lastmod=_latest_update(bylines__author=OuterRef("pk"))
            )
            .filter(lastmod__isnull=False)
            .order_by("name", "pk")
        )


SITEMAPS = {
    "articles": ArticleSitemap,
    "categories": CategorySitemap,
    "tags": TagSitemap,
    "authors": AuthorSitemap,
}
