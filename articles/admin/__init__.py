"""Admin for the newsroom, one module per area; importing registers them."""

from . import articles, links, taxonomy

__all__ = ["articles", "links", "taxonomy"]
