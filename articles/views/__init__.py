from .archives import (
    AuthorArchiveView,
    CategoryArchiveView,
    IndexView,
    MonthArchiveView,
    SourceArchiveView,
    TagArchiveView,
    YearArchiveView,
)
from .corrections import CorrectionsView
from .detail import ArticleDetailView
from .discovery import news_sitemap, robots_txt, sitemap_index, sitemap_section
from .preview import PreviewLinkView
from .search import SearchView

__all__ = [
    "ArticleDetailView",
    "AuthorArchiveView",
    "CategoryArchiveView",
    "CorrectionsView",
    "IndexView",
    "MonthArchiveView",
    "PreviewLinkView",
    "SearchView",
    "SourceArchiveView",
    "TagArchiveView",
    "YearArchiveView",
    "news_sitemap",
    "robots_txt",
    "sitemap_index",
    "sitemap_section",
]
