"""WordPress post bodies as gbanews stores them, before the sanitiser.

WordPress stores bodies with shortcodes and blank lines for paragraphs (its
``wpautop`` adds the ``<p>`` tags when a page is shown). This module turns
``[caption]`` into a figure, ``[embed]`` and bare URLs on their own line into
links, drops other media shortcodes, adds the paragraphs, and takes out the
old site's source attributions ("Read more on Caixin" with a link), which become
source links. The result still goes through ``articles.sanitize.clean_html``.
"""

import html
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.utils.html import strip_tags

from ..attribution import parse_attribution

_CAPTION = re.compile(
    r"\[(caption|wp_caption)(?P<attrs>[^\]]*)\](?P<inner>.*?)\[/\1\]",
    re.IGNORECASE | re.DOTALL,
)
_CAPTION_IMAGE = re.compile(
    r"^\s*(?P<image>(?:<a\b[^>]*>\s*)?<img\b[^>]*>(?:\s*</a>)?)(?P<text>.*)$",
    re.IGNORECASE | re.DOTALL,
)
_CAPTION_ATTR = re.compile(r"""\bcaption=(["'])(?P<text>.*?)\1""", re.IGNORECASE)
_EMBED = re.compile(
    r"\[embed\b[^\]]*\](?P<url>.*?)\[/embed\]", re.IGNORECASE | re.DOTALL
)
# Media shortcodes whose content cannot be shown without WordPress: dropped.
_DROPPED = re.compile(
    r"\[(gallery|video|audio|playlist)\b[^\]]*\](?:.*?\[/\1\])?",
    re.IGNORECASE | re.DOTALL,
)
_BARE_URL = re.compile(r"^https?://[^\s<>\"']+$")
_BLOCK_START = re.compile(
    r"^(?:<!--.*?-->\s*)*<(?:p|h[1-6]|ul|ol|li|blockquote|figure|table|pre|div|hr"
    r"|dl|address|section|article|aside|header|footer)\b",
    re.IGNORECASE | re.DOTALL,
)
_PARAGRAPH = re.compile(r"<p\b[^>]*>(?P<inner>.*?)</p>", re.IGNORECASE | re.DOTALL)
_HREF = re.compile(r"""<a\b[^>]*?\bhref=(["'])(?P<url>[^"']*)\1""", re.IGNORECASE)


@dataclass(frozen=True)
class FoundLink:
    """A source attribution taken out of a body."""

    url: str
    source_name: str = ""
    language_name: str = ""


@dataclass
class Body:
    html: str
    links: list[FoundLink] = field(default_factory=list)


def _link(url: str) -> str:
    url = html.escape(html.unescape(url.strip()), quote=True)
    return f'<a href="{url}">{url}</a>'


def _caption(match) -> str:
    inner = match["inner"].strip()
    found = _CAPTION_IMAGE.match(inner)
    if found is None:
        return inner
    text = found["text"].strip()
    if not text:
        attr = _CAPTION_ATTR.search(match["attrs"])
        text = attr["text"] if attr else ""
    caption = f"<figcaption>{text}</figcaption>" if text else ""
    return f"\n\n<figure>{found['image']}{caption}</figure>\n\n"


def expand_shortcodes(text: str) -> str:
    text = _CAPTION.sub(_caption, text)
    text = _EMBED.sub(lambda m: f"\n\n<p>{_link(m['url'])}</p>\n\n", text)
    return _DROPPED.sub("", text)


def autop(text: str) -> str:
    """Paragraphs from blank lines, as WordPress's wpautop() makes them."""
    blocks = []
    for block in re.split(r"\n\s*\n", text.replace("\r\n", "\n")):
        block = block.strip()
        if not block:
            continue
        if _BARE_URL.match(block):
            block = f"<p>{_link(block)}</p>"
        elif not _BLOCK_START.match(block):
            block = (
                "<p>"
                + "<br>\n".join(line.strip() for line in block.split("\n"))
                + "</p>"
            )
        blocks.append(block)
    return "\n".join(blocks)


def _href(fragment: str, own_host: str) -> str:
    """The first link to another web site in fragment, or ""."""
    for match in _HREF.finditer(fragment):
        url = html.unescape(match["url"]).strip()
        if url.lower().startswith(("http://", "https://")):
            try:
                host = urlsplit(url).hostname or ""
            except ValueError:
                continue
            if host != own_host:
                return url
    return ""


def take_attributions(text: str, own_host: str = "") -> Body:
    """Remove "Read more …" paragraphs that carry a link; return them as links.

    The link is in the paragraph itself ("Read more on <a>Caixin</a>") or is
    the whole next paragraph ("Read more (in Chinese):" then the link). A
    "Read more" paragraph without a link stays in the body.
    """
    paragraphs = list(_PARAGRAPH.finditer(text))
    links, removed = [], []
    for index, match in enumerate(paragraphs):
        start = match["inner"][:300].lower()
        if "read" not in start or "more" not in start:
            continue
        found = parse_attribution(html.unescape(strip_tags(match["inner"])))
        if found is None:
            continue
        url, span = _href(match["inner"], own_host), [match]
        if not url and index + 1 < len(paragraphs):
            following = paragraphs[index + 1]
            only_link = not strip_tags(following["inner"]).strip() or _BARE_URL.match(
                strip_tags(following["inner"]).strip()
            )
            url = _href(following["inner"], own_host) if only_link else ""
            span.append(following)
        if url:
            links.append(FoundLink(url, found.source_name, found.language_name))
            removed.extend(span)
    for match in sorted(removed, key=lambda m: m.start(), reverse=True):
        text = text[: match.start()] + text[match.end() :]
    return Body(re.sub(r"\n{2,}", "\n", text).strip(), links)


def convert_body(text: str, own_host: str = "") -> Body:
    """A WordPress body as HTML for the sanitiser, and the source links it gave."""
    return take_attributions(autop(expand_shortcodes(text)), own_host)
