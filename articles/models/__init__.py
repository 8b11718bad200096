from .articles import Article, ArticleQuerySet
from .links import SourceLink, SourceLinkQuerySet
from .taxonomy import Category, Language, Source

__all__ = [
    "Article",
    "ArticleQuerySet",
    "Category",
    "Language",
    "Source",
    "SourceLink",
    "SourceLinkQuerySet",
]
