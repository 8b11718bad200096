"""Admin for the newsroom, one module per area; importing registers them."""

from . import (
    articles,
    authors,
    links,
    media,
    moderation,
    notes,
    search,
    taxonomy,
    workflow,
)

__all__ = [
    "articles",
    "authors",
    "links",
    "media",
    "moderation",
    "notes",
    "search",
    "taxonomy",
    "workflow",
]
