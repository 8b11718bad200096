"""Importing a WordPress export: every post checked first, then one transaction.

``wordpress_prepare`` turns the parsed export (articles/wordpress/wxr.py) into
articles-to-be: bodies converted and sanitised, attributions taken out as source
links, featured images read and validated. Nothing is written, and any problem
that makes the file unsafe to import raises WxrError. ``wordpress_write`` then
writes everything in one transaction, in bulk (``content_changed`` keeps the
archive entries, search index and stamps current), matching posts imported
before by their WordPress id so that a second run updates them.
"""

import datetime
import html
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import get_language_info
from taggit.models import Tag, TaggedItem

from .. import images
from ..linkcheck import FetchFailed, FetchRefused, HostThrottle, fetch
from ..models import (
    Article,
    ArticleAuthor,
    Author,
    Category,
    Language,
    Source,
    SourceLink,
    WordPressPost,
    old_path_key,
)
from ..sanitize import MarkupTooComplex, clean_html
from ..signals import content_changed
from ..text import excerpt, make_slug, unique_slug
from ..urls_hygiene import normalise_url
from ..wordpress.body import convert_body
from ..wordpress.wxr import WxrError, WxrExport, WxrItem
from .link_checks import check_policy
from .links import source_links_submit

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
    if code.startswith("zh"):
        traditional = any(k in code for k in ("tw", "hk", "mo", "hant"))
        return "zh-hant" if traditional else "zh-hans"
    return code.split("-")[0] or settings.LANGUAGE_CODE


def _host(url: str) -> str:
    try:
        return urlsplit(url).hostname or ""
    except ValueError:
        return ""


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
        converted = convert_body(item.content, _host(export.site_url))
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


def _language(code: str) -> Language:
    found = Language.objects.filter(code=code).first()
    if found:
        return found
    try:
        info = get_language_info(code)
        names = {"name": info["name"], "native_name": info["name_local"]}
    except KeyError:
        names = {"name": code, "native_name": code}
    return Language.objects.create(code=code, **names)


def _categories(posts) -> dict[str, Category]:
    wanted = dict(pair for post in posts for pair in post.categories)
    found = {c.slug: c for c in Category.objects.filter(slug__in=list(wanted))}
    for slug, name in wanted.items():
        if slug not in found:
            # One by one: a new category is in the navigation (its signal bumps it).
            found[slug] = Category.objects.create(slug=slug, name=name)
    return found


def _authors(posts) -> dict[str, Author]:
    names = {post.author_name for post in posts if post.author_name}
    found = {}
    for author in Author.objects.filter(name__in=names).order_by("pk"):
        found.setdefault(author.name, author)
    for name in names - set(found):
        found[name] = Author.objects.create(name=name)
    return found


def _tags(posts) -> dict[str, Tag]:
    """Tags by name; names whose slug is taken use the tag that has it."""
    slugs = {name: Tag().slugify(name) for post in posts for name in post.tags}
    by_slug = {t.slug: t for t in Tag.objects.filter(slug__in=set(slugs.values()))}
    missing = {}
    for name, slug in slugs.items():
        if slug and slug not in by_slug:
            missing.setdefault(slug, Tag(name=name, slug=slug))
    Tag.objects.bulk_create(missing.values())
    by_slug.update({t.slug: t for t in Tag.objects.filter(slug__in=list(missing))})
    return {name: by_slug[slug] for name, slug in slugs.items() if slug in by_slug}


def _free_slugs(posts, mapped: dict[int, int], report) -> list[PreparedPost]:
    """Give each post a slug no other article has; drop published posts whose
    WordPress slug another article holds (their old URL would lead there)."""
    wanted = [post.slug for post in posts]
    holders = dict(Article.objects.filter(slug__in=wanted).values_list("slug", "pk"))
    kept, taken = [], set()
    for post in posts:
        own = mapped.get(post.wordpress_id)
        holder = holders.get(post.slug)
        if (holder is None or holder == own) and post.slug not in taken:
            kept.append(post)
        elif post.status == Article.Status.PUBLISHED:
            report.skipped.append(
                (post.label, f"its slug “{post.slug}” belongs to another article")
            )
            continue
        else:
            post.slug = unique_slug(
                post.slug,
                lambda s, own=own: (
                    s in taken
                    or Article.objects.filter(slug=s).exclude(pk=own).exists()
                ),
            )
            kept.append(post)
        taken.add(post.slug)
    return kept


FIELDS = ["title", "slug", "lead", "body", "status", "published_at", "tag_names"]


def _state(article: Article) -> tuple:
    return tuple(getattr(article, name) for name in FIELDS)


def _by_article(relations: dict[str, set]) -> defaultdict:
    """{article id: {kind: rows}} from {kind: rows starting with the article id}."""
    grouped = defaultdict(lambda: {kind: set() for kind in relations})
    for kind, rows in relations.items():
        for row in rows:
            grouped[row[0]][kind].add(row)
    return grouped


def _write_batch(posts, context, report) -> None:
    mapped = {
        p.wordpress_id: p
        for p in WordPressPost.objects.filter(
            wordpress_id__in=[post.wordpress_id for post in posts]
        )
    }
    existing = Article.objects.in_bulk([p.article_id for p in mapped.values()])
    filing = Article.categories.through
    relations = {
        "categories": {
            (row.article_id, row.category_id)
            for row in filing.objects.filter(article_id__in=list(existing))
        },
        "tags": {
            (row.object_id, row.tag_id)
            for row in TaggedItem.objects.filter(
                content_type=context["type"], object_id__in=list(existing)
            )
        },
        "authors": {
            (row.article_id, row.author_id, row.position)
            for row in ArticleAuthor.objects.filter(article_id__in=list(existing))
        },
    }
    new, changed, renamed, rows = [], [], [], []
    for post in posts:
        link = mapped.get(post.wordpress_id)
        article = existing.get(link.article_id) if link else None
        before = _state(article) if article else None
        article = article or Article(language=context["language"])
        article.title, article.slug, article.lead = post.title, post.slug, post.lead
        article.body, article.status = post.body, post.status
        article.published_at = post.published_at
        article.tag_names = "\n".join(sorted(post.tags, key=str.lower))
        rows.append((post, article, before))
        if before is None:
            new.append(article)
    Article.objects.bulk_create(new)
    wanted = {"categories": set(), "tags": set(), "authors": set()}
    for post, article, _before in rows:
        for slug, _name in post.categories:
            wanted["categories"].add((article.pk, context["categories"][slug].pk))
        for name in post.tags:
            if name in context["tags"]:
                wanted["tags"].add((article.pk, context["tags"][name].pk))
        if post.author_name:
            wanted["authors"].add(
                (article.pk, context["authors"][post.author_name].pk, 1)
            )
    mine, theirs = _by_article(relations), _by_article(wanted)
    for post, article, before in rows:
        if before is None:
            report.created.append(post.label)
            continue
        if before == _state(article) and mine[article.pk] == theirs[article.pk]:
            report.unchanged.append(post.label)
        else:
            article.version += 1
            changed.append(article)
            if before[FIELDS.index("slug")] != article.slug:
                renamed.append(article)
            report.updated.append(post.label)
    _save_changes(changed, renamed)
    _save_relations(new + changed, wanted, context)
    _record_posts(rows, mapped, context["old_paths"], report)
    known = set(
        SourceLink.objects.filter(
            article_id__in=[article.pk for _post, article, _before in rows]
        ).values_list("article_id", "url")
    )
    links = [
        SourceLink(
            article=article,
            url=found.url,
            source=context["sources"].get(found.source_name.lower()),
            language=context["languages"].get(found.language_name.lower()),
        )
        for post, article, _before in rows
        for found in post.links
        if (article.pk, found.url) not in known
    ]
    # New attribution URLs join the moderation queue; known ones keep their state.
    submitted = source_links_submit(links=links, announce=False)
    report.links += len(submitted)
    # One signal for the batch: archive entries, search index, stamps.
    touched = {article.pk for article in new + changed}
    touched.update(link.article_id for link in submitted)
    if touched:
        content_changed.send(sender=Article, articles=sorted(touched))
    for post, article, _before in rows:
        _save_image(post, article, mapped.get(post.wordpress_id), report)


def _save_changes(changed, renamed) -> None:
    """Updated articles' fields in bulk; a renamed one through save(), which keeps
    a published article's old URL as a redirect."""
    fields = [name for name in FIELDS if name != "slug"] + ["version", "updated_at"]
    now = timezone.now()
    for article in changed:
        article.updated_at = now
    Article.objects.bulk_update(changed, fields)
    for article in renamed:
        article.save(update_fields=["slug"])


def _save_relations(articles, wanted, context) -> None:
    """Categories, tags and bylines of these articles, as the export has them."""
    ids = [article.pk for article in articles]
    filing = Article.categories.through
    filing.objects.filter(article_id__in=ids).delete()
    TaggedItem.objects.filter(content_type=context["type"], object_id__in=ids).delete()
    ArticleAuthor.objects.filter(article_id__in=ids).delete()
    chosen = set(ids)
    filing.objects.bulk_create(
        filing(article_id=a, category_id=c)
        for a, c in sorted(wanted["categories"])
        if a in chosen
    )
    TaggedItem.objects.bulk_create(
        TaggedItem(content_type=context["type"], object_id=a, tag_id=t)
        for a, t in sorted(wanted["tags"])
        if a in chosen
    )
    ArticleAuthor.objects.bulk_create(
        ArticleAuthor(article_id=a, author_id=au, position=n)
        for a, au, n in sorted(wanted["authors"])
        if a in chosen
    )


def _record_posts(rows, mapped, old_paths, report) -> None:
    records, moved = [], []
    for post, article, _before in rows:
        path = post.old_path
        holder = old_paths.get(path)
        if path and holder not in (None, post.wordpress_id):
            report.warnings.append(
                (post.label, f"old URL {path} belongs to another post")
            )
            path = ""
        old_paths[path] = post.wordpress_id
        record = mapped.get(post.wordpress_id)
        if record is None:
            records.append(
                WordPressPost(
                    wordpress_id=post.wordpress_id, article=article, old_path=path
                )
            )
        elif record.old_path != path:
            record.old_path = path
            moved.append(record)
    WordPressPost.objects.bulk_update(moved, ["old_path"])
    WordPressPost.objects.bulk_create(records)
    mapped.update({r.wordpress_id: r for r in records})


def _save_image(post, article, record, report) -> None:
    if post.image is None or record.image_source == post.image_source:
        return
    article.image = ContentFile(post.image.data, name=post.image.name)
    article.image_alt = post.image.alt
    article.save(update_fields=["image", "image_alt"])
    record.image_source = post.image_source
    record.save(update_fields=["image_source", "imported_at"])
    report.images += 1


@transaction.atomic
def wordpress_write(
    posts: list[PreparedPost],
    report: ImportReport,
    *,
    language_code: str,
    progress: Progress | None = None,
) -> ImportReport:
    """Write prepared posts in one transaction; a post imported before is updated."""
    mapped = dict(
        WordPressPost.objects.filter(
            wordpress_id__in=[post.wordpress_id for post in posts]
        ).values_list("wordpress_id", "article_id")
    )
    posts = _free_slugs(posts, mapped, report)
    context = {
        "type": ContentType.objects.get_for_model(Article),
        "language": _language(language_code),
        "categories": _categories(posts),
        "authors": _authors(posts),
        "tags": _tags(posts),
        "sources": {s.name.lower(): s for s in Source.objects.all()},
        "languages": {lang.name.lower(): lang for lang in Language.objects.all()},
        "old_paths": dict(
            WordPressPost.objects.exclude(old_path="").values_list(
                "old_path", "wordpress_id"
            )
        ),
    }
    for start in range(0, len(posts), BATCH_SIZE):
        _write_batch(posts[start : start + BATCH_SIZE], context, report)
        if progress:
            progress("written", min(start + BATCH_SIZE, len(posts)), len(posts))
    return report
