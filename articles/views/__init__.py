from .archives import (
    CategoryArchiveView,
    IndexView,
    MonthArchiveView,
    SourceArchiveView,
    TagArchiveView,
    YearArchiveView,
)
from .detail import ArticleDetailView
from .preview import PreviewLinkView

__all__ = [
    "ArticleDetailView",
    "CategoryArchiveView",
    "IndexView",
    "MonthArchiveView",
    "PreviewLinkView",
    "SourceArchiveView",
    "TagArchiveView",
    "YearArchiveView",
]
