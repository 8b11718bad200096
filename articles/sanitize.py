"""The one HTML sanitiser: every piece of user HTML passes clean_html() before display.

Pure str -> str functions over a bleach allow-list; no ORM imports.
"""

import re

import bleach
from bleach.html5lib_shim import Filter
from django.conf import settings

ALLOWED_TAGS = frozenset(
    {
        "p", "br", "hr", "h2", "h3", "h4",
        "a", "strong", "em", "b", "i", "u", "s", "sub", "sup", "mark", "small",
        "ul", "ol", "li", "blockquote", "q", "cite",
        "figure", "figcaption", "img",
        "code", "pre", "kbd",
        "table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td",
    }
)  # fmt: skip
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})
EXTERNAL_REL = "noopener noreferrer"

# Elements whose text content is meaningless or dangerous once their tags are gone.
# Raw-text elements swallow the rest of the document when left open, as a
# browser would; other containers go only as a matched pair, so an unclosed or
# self-closed one costs only its tag (bleach strips it) and no following text.
_DROP_RAW_TEXT = re.compile(
    r"<(script|style|xmp|textarea|title|noscript|iframe|noembed|noframes)\b"
    r".*?(</\1\s*>|\Z)",
    re.IGNORECASE | re.DOTALL,
)
_DROP_CONTAINER = re.compile(
    r"<(template|object|svg|math)\b[^>]*(?<!/)>.*?</\1\s*>",
    re.IGNORECASE | re.DOTALL,
)


def _allow_img_attribute(tag: str, name: str, value: str) -> bool:
    if name == "src":
        return value.startswith(("http://", "https://", settings.MEDIA_URL))
    return name in {"alt", "width", "height", "title"}


# The classes the body editor (articles/widgets.py) writes; no other class is kept.
EDITOR_CLASSES = {"figure": "figure", "figcaption": "figure-caption"}


def _allow_editor_class(tag: str, name: str, value: str) -> bool:
    return name == "class" and value == EDITOR_CLASSES[tag]


ALLOWED_ATTRIBUTES = {
    "a": ["href", "title", "hreflang", "lang"],
    "img": _allow_img_attribute,
    "th": ["colspan", "rowspan", "scope"],
    "td": ["colspan", "rowspan"],
    "blockquote": ["cite"],
    "q": ["cite"],
    "ol": ["start", "reversed", "type", "data-type"],
    "figure": _allow_editor_class,
    "figcaption": _allow_editor_class,
    "p": ["lang"],
    "code": ["class"],
}


class TidyFilter(Filter):
    """Drop images left without a source; give links to other sites rel=noopener."""

    def __iter__(self):
        for token in super().__iter__():
            if token.get("name") == "img" and not token["data"].get((None, "src")):
                continue
            if token["type"] == "StartTag" and token["name"] == "a":
                attrs = token["data"]
                href = attrs.get((None, "href"), "")
                if href.lower().startswith(("http://", "https://", "//")):
                    attrs[(None, "rel")] = EXTERNAL_REL
            yield token


def clean_html(html: str) -> str:
    """Return html reduced to the allowed tags, attributes and URL schemes."""
    if not html:
        return ""
    html = _DROP_CONTAINER.sub("", _DROP_RAW_TEXT.sub("", html))
    cleaner = bleach.Cleaner(
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        protocols=ALLOWED_PROTOCOLS,
        strip=True,
        strip_comments=True,
        filters=[TidyFilter],
    )
    return cleaner.clean(html).strip()
