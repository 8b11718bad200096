from .articles import Article, ArticleQuerySet
from .filing import CategoryEntry, SourceEntry, TagEntry
from .links import SourceLink, SourceLinkQuerySet
from .taxonomy import Category, Language, Source

__all__ = [
    "Article",
    "ArticleQuerySet",
    "Category",
    "CategoryEntry",
    "Language",
    "Source",
    "SourceEntry",
    "SourceLink",
    "SourceLinkQuerySet",
    "TagEntry",
]
