from .archives import (
    AuthorArchiveView,
    CategoryArchiveView,
    IndexView,
    MonthArchiveView,
    SourceArchiveView,
    TagArchiveView,
    YearArchiveView,
)
from .detail import ArticleDetailView
from .discovery import news_sitemap, robots_txt, sitemap_index, sitemap_section
from .preview import PreviewLinkView
from .reads import MostReadView, count_read
from .search import SearchView

__all__ = [
    "ArticleDetailView",
    "AuthorArchiveView",
    "CategoryArchiveView",
    "IndexView",
    "MonthArchiveView",
    "MostReadView",
    "PreviewLinkView",
    "SearchView",
    "SourceArchiveView",
    "TagArchiveView",
    "YearArchiveView",
    "count_read",
    "news_sitemap",
    "robots_txt",
    "sitemap_index",
    "sitemap_section",
]
