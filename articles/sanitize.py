"""The one HTML sanitiser: every piece of user HTML passes clean_html() before display.

Pure str -> str functions over a bleach allow-list; no ORM imports.

clean_html() refuses (MarkupTooComplex) HTML that would take it long to clean; the
model turns that into a form error. bleach's parser, html5lib, walks the open elements
for many tags, so nesting costs the square of its depth, and it reopens unclosed
formatting elements in every later block; it reads tag names one character at a time
and grows text, comments and attribute values by copying them at every "&", "<" or
"-". Bodies well under the size cap took from seconds to minutes. The limits below are
counted before parsing, except nesting and the number of elements made, which the
parser counts as it goes, stopping at the limit. Within them any body up to the size
cap cleans in well under a second (docs/performance.md).
"""

import bisect
import re

import bleach
from bleach._vendor.html5lib.treebuilders import getTreeBuilder
from bleach._vendor.html5lib.treebuilders.base import ActiveFormattingElements
from bleach.html5lib_shim import BleachHTMLParser, Filter, getTreeWalker
from django.conf import settings
from django.utils.translation import gettext_lazy as _

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
_CONTAINERS = ("template", "object", "svg", "math")
_CONTAINER_NAMES = "|".join(_CONTAINERS)
_CONTAINER_OPEN = re.compile(rf"<({_CONTAINER_NAMES})\b", re.IGNORECASE)
_CONTAINER_CLOSE = {
    name: re.compile(rf"</{name}\s*>", re.IGNORECASE) for name in _CONTAINERS
}

# Elements open at once, counting formatting elements the parser reopens.
MAX_DEPTH = 100
# Attributes on one tag (checking for duplicates costs their number squared).
MAX_ATTRIBUTES = 50
# Tags, attributes, character references and stray "<": ten times a long feature.
MAX_MARKUP = 10_000
# Characters inside a tag, and inside all tags, not counting quoted values.
MAX_TAG_LENGTH = 1_000
MAX_TAG_TEXT = 50_000

_SPACE = "\t\n\f\r "
# A tag as html5lib's tokenizer reads it: a name, then attributes whose values
# may be quoted (a quote left open runs to the end). Comments, doctypes and other
# "<!", "<?" and "</" constructs match too, so that their text is counted.
_ATTRIBUTE = (
    rf"(?P<name>[^{_SPACE}/>][^{_SPACE}/>=]*)"
    rf"(?:[{_SPACE}]*=[{_SPACE}]*"
    rf"""(?:"(?P<dq>[^"]*)"?|'(?P<sq>[^']*)'?|(?P<uq>[^{_SPACE}>]*)))?"""
)
_MARKUP = re.compile(
    r"<!--(?P<comment>.*?)(?:--!?>|\Z)"
    rf"|</?[a-zA-Z][^{_SPACE}/>]*(?P<attributes>(?:[{_SPACE}/]+|{_ATTRIBUTE})*)>?"
    r"|<[!?/][^>]*>?",
    re.DOTALL,
)
_ATTRIBUTE_RE = re.compile(_ATTRIBUTE)
# Each of these in an attribute name or unquoted value is a parse error, which
# costs the parser as much as a tag.
_MISPLACED = re.compile("[\"'<=`]")


class MarkupTooComplex(ValueError):
    """HTML refused before cleaning because cleaning it would take too long."""

    def __init__(self, message, code, **params):
        self.message, self.code = message, code
        self.params = {name: format(value, ",") for name, value in params.items()}
        super().__init__(message % self.params)


def _too_deep():
    return MarkupTooComplex(
        _(
            "The body is too deeply nested: more than %(limit)s elements would be "
            "open at once (a tag left unclosed stays open). Simplify its structure."
        ),
        "too_deep",
        limit=MAX_DEPTH,
    )


def _too_much_markup():
    return MarkupTooComplex(
        _(
            "The body has too much markup: more than %(limit)s tags, attributes "
            "and character references, or more than %(characters)s characters "
            "inside tags. Split it into shorter articles or simplify its "
            "formatting."
        ),
        "too_much_markup",
        limit=MAX_MARKUP,
        characters=MAX_TAG_TEXT,
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


def _drop_containers(html: str) -> str:
    """Remove each matched <template>, <object>, <svg> and <math> with its content.

    Each open tag's ">" and the closing tag after it are looked up in lists made
    once, so the work stays linear where a regular expression would scan the
    rest of the text again for every open tag left unclosed.
    """
    closes = {}
    kept, position, tag_end = [], 0, -1
    for match in _CONTAINER_OPEN.finditer(html):
        start = match.start()
        if start < position:
            continue
        if tag_end < start:
            tag_end = html.find(">", start)
            if tag_end == -1:
                break
        if html[tag_end - 1] == "/":
            continue
        name = match[1].lower()
        if name not in closes:
            closes[name] = [
                (close.start(), close.end())
                for close in _CONTAINER_CLOSE[name].finditer(html)
            ]
        index = bisect.bisect_left(closes[name], (tag_end + 1,))
        if index == len(closes[name]):
            continue
        kept.append(html[position:start])
        position = closes[name][index][1]
    kept.append(html[position:])
    return "".join(kept)


def _check_size(html: str) -> None:
    """Refuse more markup than the parser gets through quickly, counting cheaply."""
    markup = html.count("<") + html.count("&") + html.count("\0")
    if markup > MAX_MARKUP:
        raise _too_much_markup()
    tag_text = 0
    for match in _MARKUP.finditer(html):
        if match["comment"] is not None:
            # The tokenizer grows a comment by copying it at every dash.
            markup += match["comment"].count("-")
            continue
        attributes = match["attributes"] or ""
        length = len(match[0])
        position = 0
        for count, attribute in enumerate(_ATTRIBUTE_RE.finditer(attributes), 1):
            if count > MAX_ATTRIBUTES:
                raise MarkupTooComplex(
                    _(
                        "A tag in the body has too many attributes: more than "
                        "%(limit)s."
                    ),
                    "too_many_attributes",
                    limit=MAX_ATTRIBUTES,
                )
            unquoted = attribute["name"] + (attribute["uq"] or "")
            markup += 1 + len(_MISPLACED.findall(unquoted))
            markup += attributes.count("/", position, attribute.start())
            length -= len(attribute["dq"] or attribute["sq"] or "")
            position = attribute.end()
        # A "/" between attributes is a parse error; one just before ">" is not.
        rest = attributes[position:]
        markup += rest.count("/") - rest.endswith("/")
        if length > MAX_TAG_LENGTH:
            raise MarkupTooComplex(
                _(
                    "A tag in the body is too long: more than %(limit)s characters "
                    "outside its quoted attribute values."
                ),
                "tag_too_long",
                limit=MAX_TAG_LENGTH,
            )
        tag_text += length
        if markup > MAX_MARKUP or tag_text > MAX_TAG_TEXT:
            raise _too_much_markup()
    if markup > MAX_MARKUP:
        raise _too_much_markup()


class _OpenElements(list):
    """html5lib's stack of open elements, bounded in depth and in elements made.

    Formatting elements left open are made again inside every later block, so
    a few unclosed tags can make far more elements than the markup has tags;
    twice as many as markup allows is more than any table's implied rows need.
    """

    def __init__(self):
        super().__init__()
        self.made = 0

    def append(self, element):
        super().append(element)
        self._count()

    def insert(self, index, element):
        super().insert(index, element)
        self._count()

    def _count(self):
        self.made += 1
        if len(self) > MAX_DEPTH:
            raise _too_deep()
        if self.made > 2 * MAX_MARKUP:
            raise _too_much_markup()


class _FormattingElements(ActiveFormattingElements):
    # The parser reopens every one of these still open at each later block.
    def append(self, node):
        super().append(node)
        if len(self) > MAX_DEPTH:
            raise _too_deep()


class _BoundedTreeBuilder(getTreeBuilder("etree")):
    """html5lib's tree builder, refusing to hold more than MAX_DEPTH elements open."""

    def reset(self):
        super().reset()
        self.openElements = _OpenElements()
        self.activeFormattingElements = _FormattingElements()


class _Walker(getTreeWalker("etree")):
    """html5lib's etree walker, keeping each parent's place instead of searching.

    The stock walker finds a parent among the grandparent's children at every
    climb, a cost that grows with the square of a body's paragraphs.
    """

    def __init__(self, tree):
        super().__init__(tree)
        self.places = []

    def getFirstChild(self, node):
        child = super().getFirstChild(node)
        self._entered(node, child)
        return child

    def getNextSibling(self, node):
        sibling = super().getNextSibling(node)
        # From an element's text, the next node is its first child element.
        if node[3] == "text":
            self._entered(node, sibling)
        return sibling

    def _entered(self, node, child):
        if child is not None and child[3] is None:
            self.places.append(node[1] if isinstance(node, tuple) else None)

    def getParentNode(self, node):
        if not isinstance(node, tuple) or node[3] == "text":
            return super().getParentNode(node)
        parents = node[2]
        parent, place = parents.pop(), self.places.pop()
        return (parent, place, parents, None) if parents else parent


class _Cleaner(bleach.Cleaner):
    """bleach's Cleaner, parsing into the bounded tree and walking it faster."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        # The arguments bleach.Cleaner gives its own parser, plus the tree.
        self.parser = BleachHTMLParser(
            tags=self.tags,
            strip=self.strip,
            consume_entities=False,
            namespaceHTMLElements=False,
            tree=_BoundedTreeBuilder,
        )
        self.walker = _Walker


def clean_html(html: str) -> str:
    """Return html reduced to the allowed tags, attributes and URL schemes.

    Raise MarkupTooComplex for markup that would take too long to clean.
    """
    if not html:
        return ""
    cleaner = _Cleaner(
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        protocols=ALLOWED_PROTOCOLS,
        strip=True,
        strip_comments=True,
        filters=[TidyFilter],
    )
    html = _drop_containers(_DROP_RAW_TEXT.sub("", html))
    _check_size(html)
    return cleaner.clean(html).strip()
