"""Parse a WordPress export (WXR 1.0-1.2) safely into plain records.

defusedxml refuses DTDs, entity declarations and external references, so an
"XML bomb" cannot expand; each field has a length limit and each date must parse.
Any problem raises WxrError naming the item and the field: the caller imports
nothing from a file that does not parse whole.
"""

import datetime
import re
import zoneinfo
from collections import Counter
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

from ..models.articles import BODY_MAX_CHARS

CONTENT = "{http://purl.org/rss/1.0/modules/content/}"
DC = "{http://purl.org/dc/elements/1.1/}"
_WP = re.compile(r"^\{http://wordpress\.org/export/1\.[0-2]/\}(?P<name>.+)$")
_EXCERPT = re.compile(r"^\{http://wordpress\.org/export/1\.[0-2]/excerpt/\}encoded$")

# Longest text accepted per field, in characters; longer is an error.
FIELD_LIMITS = {
    "title": 300,
    "content": BODY_MAX_CHARS,
    "excerpt": 10_000,
    "meta_value": 10_000,
    "category": 200,
}
DEFAULT_LIMIT = 2_000
# Post meta kept: the featured image and an attachment's file and alt text.
KEPT_META = {"_thumbnail_id", "_wp_attached_file", "_wp_attachment_image_alt"}
_ZERO_DATE = "0000-00-00 00:00:00"
_DATE_FORMAT = "%Y-%m-%d %H:%M:%S"


class WxrError(Exception):
    """The file cannot be imported; the message says where and why."""


@dataclass
class WxrTerm:
    domain: str
    nicename: str
    name: str


@dataclass
class WxrItem:
    wordpress_id: int
    post_type: str
    status: str
    title: str
    link: str
    creator: str
    content: str
    excerpt: str
    slug: str
    published_at: datetime.datetime | None
    attachment_url: str = ""
    terms: list[WxrTerm] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)

    def label(self) -> str:
        return f"post {self.wordpress_id} “{self.title[:60]}”"


@dataclass
class WxrExport:
    site_url: str = ""
    language: str = ""
    # Author login -> display name (the login itself is never shown to readers).
    authors: dict[str, str] = field(default_factory=dict)
    items: list[WxrItem] = field(default_factory=list)

    def attachments(self) -> dict[int, WxrItem]:
        return {i.wordpress_id: i for i in self.items if i.post_type == "attachment"}


def _name(tag: str) -> str:
    """A short name for an element: "wp:post_id", "content", "excerpt", "title"."""
    if tag.startswith(CONTENT):
        return "content"
    if _EXCERPT.match(tag):
        return "excerpt"
    if tag.startswith(DC):
        return "dc:" + tag[len(DC) :]
    match = _WP.match(tag)
    return "wp:" + match["name"] if match else tag


def _text(element, where: str, name: str) -> str:
    """An element's text within its field's limit; "" for a missing element."""
    text = (element.text or "").strip() if element is not None else ""
    short = name.split(":")[-1]
    limit = FIELD_LIMITS.get(short, DEFAULT_LIMIT)
    if len(text) > limit:
        raise WxrError(
            f"{where}: {name} has {len(text):,} characters; the limit is {limit:,}."
        )
    return text


def _date(value: str, where: str, name: str, zone) -> datetime.datetime | None:
    if not value or value == _ZERO_DATE:
        return None
    try:
        moment = datetime.datetime.strptime(value, _DATE_FORMAT)
    except ValueError:
        raise WxrError(
            f"{where}: {name} “{value[:40]}” is not a date (YYYY-MM-DD HH:MM:SS)."
        ) from None
    return moment.replace(tzinfo=zone)


def _pub_date(value: str) -> datetime.datetime | None:
    """pubDate (RFC 2822, with its offset), when it is a real date."""
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return moment if moment.tzinfo and moment.year >= 1970 else None


def _item(element, zone) -> WxrItem:
    fields, terms, meta = {}, [], {}
    raw_id = ""
    for child in element:
        name = _name(child.tag)
        if name == "wp:post_id":
            raw_id = (child.text or "").strip()
    if not raw_id.isdigit() or len(raw_id) > 18:
        raise WxrError(f"An item has no valid wp:post_id (“{raw_id[:20]}”).")
    where = f"item {raw_id}"
    for child in element:
        name = _name(child.tag)
        if name == "category":
            terms.append(
                WxrTerm(
                    child.get("domain", "")[:50],
                    child.get("nicename", "")[:200],
                    _text(child, where, name),
                )
            )
        elif name == "wp:postmeta":
            key = _text(child.find(_child_tag(child, "meta_key")), where, "meta_key")
            if key in KEPT_META:
                value = child.find(_child_tag(child, "meta_value"))
                meta[key] = _text(value, where, "meta_value")
        elif name != "wp:comment" and not len(child):
            fields[name] = _text(child, where, name)
    status = fields.get("wp:status", "")
    published_at = _date(
        fields.get("wp:post_date_gmt", ""), where, "post_date_gmt", datetime.UTC
    )
    local = _date(fields.get("wp:post_date", ""), where, "post_date", zone)
    if published_at is None:
        published_at = _pub_date(fields.get("pubDate", "")) or local
    return WxrItem(
        wordpress_id=int(raw_id),
        post_type=fields.get("wp:post_type", "post"),
        status=status,
        title=fields.get("title", ""),
        link=fields.get("link", ""),
        creator=fields.get("dc:creator", ""),
        content=fields.get("content", ""),
        excerpt=fields.get("excerpt", ""),
        slug=fields.get("wp:post_name", ""),
        published_at=published_at,
        attachment_url=fields.get("wp:attachment_url", ""),
        terms=terms,
        meta=meta,
    )


def _child_tag(element, name: str) -> str:
    """The tag of element's wp:<name> child, in whichever WXR version it uses."""
    namespace = element.tag[: element.tag.index("}") + 1]
    return namespace + name


def _author(element, where: str) -> tuple[str, str]:
    """(login, public name): the display name, else first and last name.

    WordPress's display name defaults to the login, which readers must never
    see: a display name equal to the login counts as none.
    """
    found = {
        _name(child.tag): _text(child, where, _name(child.tag)) for child in element
    }
    login = found.get("wp:author_login", "")
    full = " ".join(
        found.get(key, "") for key in ("wp:author_first_name", "wp:author_last_name")
    ).strip()
    display = found.get("wp:author_display_name", "")
    if display.casefold() == login.casefold():
        display = ""
    return login, display or (full if full.casefold() != login.casefold() else "")


def parse_wxr(source, *, zone) -> WxrExport:
    """Read a WXR file (a path or a binary file object) into a WxrExport.

    ``zone`` is the WordPress site's time zone, for dates that have no UTC
    form in the file (drafts).
    """
    export, depth, is_rss = WxrExport(), 0, False
    try:
        for event, element in iterparse(
            source, events=("start", "end"), forbid_dtd=True
        ):
            if event == "start":
                depth += 1
                if depth == 1:
                    is_rss = element.tag == "rss"
                continue
            depth -= 1
            if not is_rss:
                raise WxrError("This is not a WordPress export: the root is not <rss>.")
            name = _name(element.tag)
            if depth == 2 and name == "item":
                export.items.append(_item(element, zone))
                element.clear()
            elif depth == 2 and name == "wp:author":
                login, display = _author(element, "wp:author")
                export.authors[login] = display
                element.clear()
            elif depth == 2 and name == "link":
                export.site_url = _text(element, "channel", "link")
            elif depth == 2 and name == "language":
                export.language = _text(element, "channel", "language")
    except DefusedXmlException as error:
        raise WxrError(
            f"The file declares a DTD or entities, which are refused ({error})."
        ) from None
    except ParseError as error:
        raise WxrError(f"The file is not well-formed XML: {error}.") from None
    if not is_rss:
        raise WxrError("This is not a WordPress export: the root is not <rss>.")
    counts = Counter(item.wordpress_id for item in export.items)
    twice = sorted(pk for pk, n in counts.items() if n > 1)
    if twice:
        raise WxrError(f"Items share a wp:post_id: {twice[:5]}.")
    return export


def zone_named(name: str):
    """A time zone by IANA name, or WxrError."""
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise WxrError(f"Unknown time zone “{name}”.") from None
