import reversion

from .articles import Article, ArticleQuerySet
from .authors import ArticleAuthor, Author, AuthorLink
from .domains import DeniedDomain, SourceDomain
from .filing import AuthorEntry, CategoryEntry, SourceEntry, TagEntry
from .links import SourceLink, SourceLinkQuerySet
from .media import MediaImage
from .moderation import SourceLinkDecision, SourceLinkModeration
from .notes import ArticleNote, ArticleNoteQuerySet
from .reads import ArticleReads
from .redirects import ArticleRedirect
from .stamps import Stamp
from .synonyms import SearchSynonym
from .taxonomy import Category, Language, Source
from .wordpress import WordPressPost, old_path_key
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
        "published_at", "categories", "tag_names", "image_caption", "image_credit",
    ],
    follow=["source_links"],
)  # fmt: skip

__all__ = [
    "Article",
    "ArticleAuthor",
    "ArticleNote",
    "ArticleNoteQuerySet",
    "ArticleQuerySet",
    "AuditEntry",
    "Author",
    "AuthorEntry",
    "AuthorLink",
    "ArticleReads",
    "ArticleRedirect",
    "Category",
    "CategoryEntry",
    "DeniedDomain",
    "Language",
    "MediaImage",
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
    "WordPressPost",
    "old_path_key",
]
