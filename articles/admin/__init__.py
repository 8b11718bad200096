"""Admin for the newsroom, one module per area; importing registers them."""

from . import articles, links, moderation, search, taxonomy, workflow

__all__ = ["articles", "links", "moderation", "search", "taxonomy", "workflow"]
