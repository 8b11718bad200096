from .articles import Article, ArticleQuerySet
from .domains import DeniedDomain, SourceDomain
from .links import SourceLink, SourceLinkQuerySet
from .moderation import SourceLinkDecision, SourceLinkModeration
from .taxonomy import Category, Language, Source

__all__ = [
    "Article",
    "ArticleQuerySet",
    "Category",
    "DeniedDomain",
    "Language",
    "Source",
    "SourceDomain",
    "SourceLink",
    "SourceLinkDecision",
    "SourceLinkModeration",
    "SourceLinkQuerySet",
]
