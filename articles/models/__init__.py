import reversion

from .articles import Article, ArticleQuerySet
from .domains import DeniedDomain, SourceDomain
from .filing import CategoryEntry, SourceEntry, TagEntry
from .links import SourceLink, SourceLinkQuerySet
from .moderation import SourceLinkDecision, SourceLinkModeration
from .redirects import ArticleRedirect
from .stamps import Stamp
from .synonyms import SearchSynonym
from .taxonomy import Category, Language, Source
from .workflow import AuditEntry, PreviewLink, PreviewLinkUse

# A revision holds the article's content and publishing state (not the lock
# counter or trash marks, which restoring must never roll back) and its links.
reversion.register(
    SourceLink, fields=["article", "url", "source", "language", "status"]
)
reversion.register(
    Article,
    fields=[
        "title", "slug", "lead", "body", "author", "language", "status",
        "published_at", "categories", "tag_names",
    ],
    follow=["source_links"],
)  # fmt: skip

__all__ = [
    "Article",
    "ArticleQuerySet",
    "AuditEntry",
    "ArticleRedirect",
    "Category",
    "CategoryEntry",
    "DeniedDomain",
    "Language",
    "PreviewLink",
    "PreviewLinkUse",
    "SearchSynonym",
    "Source",
    "SourceDomain",
    "SourceEntry",
    "SourceLink",
    "SourceLinkDecision",
    "SourceLinkModeration",
    "SourceLinkQuerySet",
    "Stamp",
    "TagEntry",
]
