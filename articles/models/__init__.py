from .articles import Article, ArticleQuerySet
from .links import SourceLink, SourceLinkQuerySet
from .redirects import ArticleRedirect
from .taxonomy import Category, Language, Source

__all__ = [
    "Article",
    "ArticleQuerySet",
    "ArticleRedirect",
    "Category",
    "Language",
    "Source",
    "SourceLink",
    "SourceLinkQuerySet",
]
