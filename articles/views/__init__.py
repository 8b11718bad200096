from .archives import (
    CategoryArchiveView,
    IndexView,
    MonthArchiveView,
    SourceArchiveView,
    TagArchiveView,
    YearArchiveView,
)
from .detail import ArticleDetailView

__all__ = [
    "ArticleDetailView",
    "CategoryArchiveView",
    "IndexView",
    "MonthArchiveView",
    "SourceArchiveView",
    "TagArchiveView",
    "YearArchiveView",
]
