"""Pure text helpers: slugs and plain-text excerpts that respect Chinese text."""

from django.utils.html import strip_tags
from django.utils.text import Truncator, slugify

SLUG_MAX_LENGTH = 200


def make_slug(text: str, fallback: str = "article") -> str:
    """Return a non-empty Unicode slug for text (Chinese characters are kept)."""
    slug = slugify(text, allow_unicode=True)[:SLUG_MAX_LENGTH].strip("-_")
    return slug or fallback


def unique_slug(base: str, exists) -> str:
    """Return base, or base-2, base-3… for the first value where exists() is False."""
    candidate, n = base, 1
    while exists(candidate):
        n += 1
        suffix = f"-{n}"
        candidate = base[: SLUG_MAX_LENGTH - len(suffix)] + suffix
    return candidate


def excerpt(text: str, length: int = 160) -> str:
    """Return plain text cut to length characters (not words), never inside a tag."""
    # A space before each tag keeps words of adjacent blocks apart.
    plain = " ".join(strip_tags(text.replace("<", " <")).split())
    return Truncator(plain).chars(length)
