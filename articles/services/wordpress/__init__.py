"""Importing a WordPress export: every post checked first (prepare), then written
in one transaction (write)."""

from .prepare import (
    ImageSource,
    ImportReport,
    PreparedPost,
    language_code,
    wordpress_prepare,
)
from .write import wordpress_write

__all__ = [
    "ImageSource",
    "ImportReport",
    "PreparedPost",
    "language_code",
    "wordpress_prepare",
    "wordpress_write",
]
