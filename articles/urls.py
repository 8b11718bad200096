from django.urls import path, register_converter

from . import converters, feeds, views
from .views.discovery import conditional_feed

register_converter(converters.UnicodeSlugConverter, "uslug")
register_converter(converters.FourDigitYearConverter, "yyyy")
register_converter(converters.TwoDigitConverter, "nn")

app_name = "articles"


def paged(route, view, name):
    """Return the bare archive URL and its WordPress-style /page/<n>/ twin."""
    return [
        path(route, view, name=name),
        path(f"{route}page/<int:page>/", view, name=f"{name}-page"),
    ]


urlpatterns = [
    path("feed/", conditional_feed(feeds.LatestArticlesFeed()), name="feed"),
    path(
        "feed/atom/", conditional_feed(feeds.LatestArticlesAtomFeed()), name="feed-atom"
    ),
    path(
        "category/<uslug:slug>/feed/",
        conditional_feed(feeds.CategoryFeed()),
        name="category-feed",
    ),
    path(
        "category/<uslug:slug>/feed/atom/",
        conditional_feed(feeds.CategoryAtomFeed()),
        name="category-feed-atom",
    ),
    path("tag/<uslug:slug>/feed/", conditional_feed(feeds.TagFeed()), name="tag-feed"),
    path(
        "tag/<uslug:slug>/feed/atom/",
        conditional_feed(feeds.TagAtomFeed()),
        name="tag-feed-atom",
    ),
    path(
        "author/<uslug:slug>/feed/",
        conditional_feed(feeds.AuthorFeed()),
        name="author-feed",
    ),
    path(
        "author/<uslug:slug>/feed/atom/",
        conditional_feed(feeds.AuthorAtomFeed()),
        name="author-feed-atom",
    ),
    path("sitemap.xml", views.sitemap_index, name="sitemap"),
    path("sitemap-<section>.xml", views.sitemap_section, name="sitemap-section"),
    path("news-sitemap.xml", views.news_sitemap, name="news-sitemap"),
    path("robots.txt", views.robots_txt, name="robots"),
    *paged("search/", views.SearchView.as_view(), "search"),
    *paged("", views.IndexView.as_view(), "index"),
    path("preview/<str:token>/", views.PreviewLinkView.as_view(), name="preview"),
    *paged("category/<uslug:slug>/", views.CategoryArchiveView.as_view(), "category"),
    *paged("tag/<uslug:slug>/", views.TagArchiveView.as_view(), "tag"),
    *paged("source/<uslug:slug>/", views.SourceArchiveView.as_view(), "source"),
    *paged("author/<uslug:slug>/", views.AuthorArchiveView.as_view(), "author"),
    *paged("<yyyy:year>/", views.YearArchiveView.as_view(), "year"),
    *paged("<yyyy:year>/<nn:month>/", views.MonthArchiveView.as_view(), "month"),
    path(
        "<yyyy:year>/<nn:month>/<nn:day>/<uslug:slug>/",
        views.ArticleDetailView.as_view(),
        name="article",
    ),
]
