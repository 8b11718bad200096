from django.urls import path, register_converter

from . import converters, feeds, views
from .views.discovery import conditional_feed

register_converter(converters.UnicodeSlugConverter, "uslug")
register_converter(converters.FourDigitYearConverter, "yyyy")
register_converter(converters.TwoDigitConverter, "nn")

app_name = "articles"
# The readers' pages, in every language (gbanews/urls.py mounts them under
# i18n_patterns); the machine-read files at the site's root are in urls_discovery.py.


def paged(route, view, name):
    """Return the bare archive URL and its WordPress-style /page/<n>/ twin."""
    return [
        path(route, view, name=name),
        path(f"{route}page/<int:page>/", view, name=f"{name}-page"),
    ]


def feed_urls(route, feed, atom_feed, name):
    """Return a feed's RSS URL and its Atom twin at <route>atom/."""
    return [
        path(route, conditional_feed(feed), name=name),
        path(f"{route}atom/", conditional_feed(atom_feed), name=f"{name}-atom"),
    ]


urlpatterns = [
    *feed_urls(
        "feed/", feeds.LatestArticlesFeed(), feeds.LatestArticlesAtomFeed(), "feed"
    ),
    *feed_urls(
        "category/<uslug:slug>/feed/",
        feeds.CategoryFeed(),
        feeds.CategoryAtomFeed(),
        "category-feed",
    ),
    *feed_urls(
        "tag/<uslug:slug>/feed/", feeds.TagFeed(), feeds.TagAtomFeed(), "tag-feed"
    ),
    *feed_urls(
        "author/<uslug:slug>/feed/",
        feeds.AuthorFeed(),
        feeds.AuthorAtomFeed(),
        "author-feed",
    ),
    *feed_urls(
        "corrections/feed/",
        feeds.CorrectionsFeed(),
        feeds.CorrectionsAtomFeed(),
        "corrections-feed",
    ),
    path("read/<int:pk>/", views.count_read, name="read"),
    path("most-read/", views.MostReadView.as_view(), name="most-read"),
    *paged("search/", views.SearchView.as_view(), "search"),
    path("", views.FrontPageView.as_view(), name="index"),
    path("page/<int:page>/", views.IndexView.as_view(), name="index-page"),
    *paged("corrections/", views.CorrectionsView.as_view(), "corrections"),
    path("preview/<str:token>/", views.PreviewLinkView.as_view(), name="preview"),
    *paged("category/<uslug:slug>/", views.CategoryArchiveView.as_view(), "category"),
    *paged("tag/<uslug:slug>/", views.TagArchiveView.as_view(), "tag"),
    path("sources/", views.SourceIndexView.as_view(), name="sources"),
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
