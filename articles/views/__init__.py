from .archives import (
    AuthorArchiveView,
    CategoryArchiveView,
    FrontPageView,
    IndexView,
    MonthArchiveView,
    SourceArchiveView,
    SourceIndexView,
    TagArchiveView,
    YearArchiveView,
)
from .corrections import CorrectionsView
from .detail import ArticleDetailView
from .discovery import news_sitemap, robots_txt, sitemap_index, sitemap_section
from .preview import PreviewLinkView
from .reads import MostReadView, count_read
from .search import SearchView

__all__ = [
    "ArticleDetailView",
    "AuthorArchiveView",
    "CategoryArchiveView",
    "CorrectionsView",
    "FrontPageView",
    "IndexView",
    "MonthArchiveView",
    "MostReadView",
    "PreviewLinkView",
    "SearchView",
    "SourceArchiveView",
    "SourceIndexView",
    "TagArchiveView",
    "YearArchiveView",
    "count_read",
    "news_sitemap",
    "robots_txt",
    "sitemap_index",
    "sitemap_section",
]
