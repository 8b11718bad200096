"""Importing a WordPress export, second step: everything in one transaction.

``wordpress_write`` writes the prepared posts in bulk (``content_changed`` keeps the
archive entries, search index and stamps current), matching posts imported before
by their WordPress id so that a second run updates them.
"""

from collections import defaultdict

from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language_info
from taggit.models import Tag, TaggedItem

from ... import images
from ...models import (
    Article,
    ArticleAuthor,
    Author,
    Category,
    Language,
    Source,
    SourceLink,
    WordPressPost,
)
from ...signals import content_changed
from ...text import unique_slug
from ..links import source_links_submit
from .prepare import BATCH_SIZE, ImportReport, PreparedPost, Progress


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
    submitted = source_links_submit(links=links)
    report.links += len(submitted)
    # One signal for the batch: archive entries, search index, stamps.
    touched = {article.pk for article in new + changed}
    touched.update(link.article_id for link in submitted)
    if touched:
        content_changed.send(sender=Article, articles=sorted(touched))
    for post, article, _before in rows:
        _save_image(
            post, article, mapped.get(post.wordpress_id), report, context["stored"]
        )


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


def _save_image(post, article, record, report, stored: list[str]) -> None:
    if post.image is None or record.image_source == post.image_source:
        return
    article.image = ContentFile(post.image.data, name=post.image.name)
    article.image_alt = post.image.alt
    article.save(update_fields=["image", "image_alt"])
    stored.append(article.image.name)
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
        "stored": [],
        "old_paths": dict(
            WordPressPost.objects.exclude(old_path="").values_list(
                "old_path", "wordpress_id"
            )
        ),
    }
    try:
        for start in range(0, len(posts), BATCH_SIZE):
            _write_batch(posts[start : start + BATCH_SIZE], context, report)
            if progress:
                progress("written", min(start + BATCH_SIZE, len(posts)), len(posts))
    except Exception:
        # The transaction is rolled back: the originals stored so far go too.
        images.delete_files(context["stored"])
        raise
    return report
