"""Admin for the newsroom, one module per area; importing registers them."""

from . import articles, links, taxonomy, workflow

__all__ = ["articles", "links", "taxonomy", "workflow"]
