"""Importing a WordPress export, first step: every post read and checked.

``wordpress_prepare`` turns the parsed export (articles/wordpress/wxr.py) into
articles-to-be: bodies converted and sanitised, attributions taken out as source
links, featured images read and validated. Nothing is written, and any problem
that makes the file unsafe to import raises WxrError.
"""

import datetime
import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.html import strip_tags

from ... import images
from ...chinese import script_of
from ...linkcheck import FetchFailed, FetchRefused, HostThrottle, fetch
from ...models import (
    Article,
    old_path_key,
)
from ...sanitize import MarkupTooComplex, clean_html
from ...text import excerpt, make_slug
from ...urls_hygiene import normalise_url, url_host
from ...wordpress.body import convert_body
from ...wordpress.wxr import WxrError, WxrExport, WxrItem
from ..link_checks import check_policy

BATCH_SIZE = 500
LEAD_CHARS = 300
TAG_MAX_CHARS = 100
STATUSES = {
    "publish": Article.Status.PUBLISHED,
    "future": Article.Status.PUBLISHED,
    "draft": Article.Status.DRAFT,
    "pending": Article.Status.IN_REVIEW,
    "private": Article.Status.DRAFT,
}
SKIPPED_STATUSES = {
    "trash": "in the WordPress trash",
    "auto-draft": "an automatic draft WordPress never saved",
    "inherit": "a revision",
}
_DATE_PERMALINK = re.compile(r"^/\d{4}/\d{2}/\d{2}/(?P<slug>[^/]+)/?$")
_UPLOADS = "/wp-content/uploads/"

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class ImportedImage:
    name: str
    data: bytes
    alt: str
    source: str


@dataclass
class PreparedPost:
    wordpress_id: int
    title: str
    slug: str
    lead: str
    body: str
    status: str
    published_at: datetime.datetime | None
    categories: list[tuple[str, str]]
    tags: list[str]
    author_name: str
    links: list
    old_path: str
    image: ImportedImage | None = None
    image_source: str = ""

    @property
    def label(self) -> str:
        return f"post {self.wordpress_id} “{self.title[:60]}”"


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)
    links: int = 0
    images: int = 0

    def summary(self) -> str:
        return (
            f"{len(self.created)} created, {len(self.updated)} updated, "
            f"{len(self.unchanged)} unchanged, {len(self.skipped)} skipped; "
            f"{self.links} source links sent to moderation, {self.images} images "
            f"stored, {len(self.warnings)} warnings."
        )


class ImageSource:
    """Where featured images come from: an uploads folder, the web, or nowhere."""

    def __init__(self, *, uploads: Path | None = None, fetch_remote: bool = False):
        self.uploads = uploads.resolve() if uploads else None
        self.policy = check_policy() if fetch_remote else None
        self.throttle = HostThrottle(self.policy.host_interval) if self.policy else None

    def read(self, attachment: WxrItem) -> tuple[str, bytes]:
        """Return (file name, bytes); raise ValueError saying why there are none."""
        relative = attachment.meta.get("_wp_attached_file", "")
        url = attachment.attachment_url
        if not relative and _UPLOADS in url:
            relative = unquote(urlsplit(url).path.split(_UPLOADS, 1)[1])
        name = Path(relative or urlsplit(url).path).name or "image"
        if self.uploads is not None:
            return name, self._read_file(relative)
        if self.policy is not None and url:
            try:
                return name, fetch(
                    url, self.policy, self.throttle, settings.IMAGE_MAX_BYTES
                )
            except (FetchRefused, FetchFailed) as error:
                raise ValueError(f"could not fetch {url}: {error}") from None
        raise ValueError("no uploads folder given and fetching is off")

    def _read_file(self, relative: str) -> bytes:
        if not relative:
            raise ValueError("the attachment names no file")
        path = (self.uploads / relative).resolve()
        if not path.is_relative_to(self.uploads):
            raise ValueError(f"“{relative}” is outside the uploads folder")
        if not path.is_file():
            raise ValueError(f"{relative} is not in the uploads folder")
        if path.stat().st_size > settings.IMAGE_MAX_BYTES:
            raise ValueError(f"{relative} is over IMAGE_MAX_BYTES")
        return path.read_bytes()


def language_code(wordpress_language: str) -> str:
    """gbanews's code for a WordPress site language ("zh-CN" -> "zh-hans")."""
    code = wordpress_language.strip().lower().replace("_", "-")
    script = script_of(code)
    if script:
        return f"zh-{script}"
    return code.split("-")[0] or settings.LANGUAGE_CODE


def _plain(text: str) -> str:
    return " ".join(html.unescape(strip_tags(text)).split())


def _slug(value: str, fallback: str) -> str:
    return make_slug(unquote(value) or fallback)


def _old_path(link: str, slug: str) -> str:
    """The permalink's path when readers cannot reach it as an article URL.

    "/2020/06/12/<slug>/" is our own form (a date in another time zone is
    redirected by the article page itself); ``?p=ID`` links are answered by
    their id.
    """
    parts = urlsplit(link)
    path = unquote(parts.path or "/")
    if path == "/" or (path.endswith("/index.php") and "p" in parse_qs(parts.query)):
        return ""
    found = _DATE_PERMALINK.match(path)
    if found and make_slug(found["slug"]) == slug:
        return ""
    return old_path_key(path)


def _links(item: WxrItem, found, report: ImportReport) -> list:
    links = []
    for link in found:
        try:
            url = normalise_url(link.url)
        except ValidationError as error:
            report.warnings.append(
                (
                    item.label(),
                    f"source link {link.url[:80]} dropped: {error.messages[0]}",
                )
            )
            continue
        if url not in [known.url for known in links]:
            links.append(type(link)(url, link.source_name, link.language_name))
    return links


def _image(item, attachments, source: ImageSource, report) -> ImportedImage | None:
    thumbnail = item.meta.get("_thumbnail_id", "")
    attachment = attachments.get(int(thumbnail)) if thumbnail.isdigit() else None
    if attachment is None:
        if thumbnail:
            report.warnings.append(
                (item.label(), "its featured image is not in the file")
            )
        return None
    try:
        name, data = source.read(attachment)
        upload = ContentFile(data, name=name)
        images.validate_image(upload)
    except ValueError as error:
        report.warnings.append((item.label(), f"featured image not imported: {error}"))
        return None
    except ValidationError as error:
        report.warnings.append(
            (item.label(), f"featured image {name} refused: {error.messages[0]}")
        )
        return None
    alt = attachment.meta.get("_wp_attachment_image_alt") or attachment.title
    identity = attachment.meta.get("_wp_attached_file") or attachment.attachment_url
    return ImportedImage(name, data, (alt or item.title)[:300], identity[:500])


def _prepare_post(item, export, attachments, source, report) -> PreparedPost | None:
    skip = SKIPPED_STATUSES.get(item.status)
    if skip or item.status not in STATUSES:
        report.skipped.append((item.label(), skip or f"status “{item.status[:20]}”"))
        return None
    status = STATUSES[item.status]
    if status == Article.Status.PUBLISHED and item.published_at is None:
        report.skipped.append((item.label(), "published, but the file gives no date"))
        return None
    if item.status == "private":
        report.warnings.append(
            (item.label(), "private in WordPress: imported as a draft")
        )
    try:
        converted = convert_body(item.content, url_host(export.site_url))
        body = clean_html(converted.html)
    except MarkupTooComplex as error:
        raise WxrError(f"{item.label()}: the body is refused: {error}") from None
    title = (
        _plain(item.title) or _plain(body)[:80] or f"WordPress post {item.wordpress_id}"
    )
    lead = _plain(item.excerpt) or excerpt(body, LEAD_CHARS) or title
    tags = []
    for term in item.terms:
        name = " ".join(term.name.split())
        if term.domain == "post_tag" and name and name not in tags:
            if len(name) > TAG_MAX_CHARS:
                report.warnings.append(
                    (item.label(), f"tag “{name[:40]}…” is too long")
                )
            else:
                tags.append(name)
    categories = {
        _slug(term.nicename, term.name): " ".join(term.name.split())[:100]
        for term in item.terms
        if term.domain == "category" and term.name.strip()
    }
    author = export.authors.get(item.creator, "")
    if item.creator and not author:
        report.warnings.append(
            (item.label(), "its author has no display name: no byline")
        )
    slug = _slug(item.slug, item.title)
    image = _image(item, attachments, source, report)
    published_at = item.published_at if status == Article.Status.PUBLISHED else None
    return PreparedPost(
        wordpress_id=item.wordpress_id,
        title=title[:300],
        slug=slug,
        lead=lead,
        body=body,
        status=status,
        published_at=published_at and Article.publication_time(published_at),
        categories=list(categories.items()),
        tags=tags,
        author_name=author[:150],
        links=_links(item, converted.links, report),
        old_path=_old_path(item.link, slug)[:500] if item.link else "",
        image=image,
        image_source=image.source if image else "",
    )


def wordpress_prepare(
    export: WxrExport, *, source: ImageSource, progress: Progress | None = None
) -> tuple[list[PreparedPost], ImportReport]:
    """Check and convert every post; write nothing. Raise WxrError if unsafe."""
    report, posts = ImportReport(), []
    attachments = export.attachments()
    items = [item for item in export.items if item.post_type != "attachment"]
    for done, item in enumerate(items, 1):
        if item.post_type != "post":
            report.skipped.append(
                (item.label(), f"a {item.post_type[:30]}, not a post")
            )
        else:
            post = _prepare_post(item, export, attachments, source, report)
            if post is not None:
                posts.append(post)
        if progress and (done % BATCH_SIZE == 0 or done == len(items)):
            progress("checked", done, len(items))
    seen = set()
    for post in posts:
        if post.old_path and post.old_path in seen:
            report.warnings.append((post.label, f"old URL {post.old_path} is taken"))
            post.old_path = ""
        seen.add(post.old_path)
    return posts, report
