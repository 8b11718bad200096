"""Bulk generation of realistic articles from the benchmark data shape.

``bench/datashape.py`` (a verbatim copy of the shared benchmark module) yields the
records; this module maps them onto the models with bulk inserts. ``bulk_create``
skips ``Article.save()``, so bodies are cleaned here with ``clean_html`` explicitly
and ``content_changed`` is sent for every batch.
"""

import datetime
import importlib.util
import multiprocessing
import sys
from collections.abc import Callable, Iterable, Iterator
from itertools import islice

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connections, transaction
from taggit.models import Tag, TaggedItem

from .models import Article, Category, Language, Source, SourceLink
from .sanitize import clean_html
from .services import source_links_approve_imported
from .signals import content_changed

LANGUAGE_NAMES = {"en": ("English", "English"), "fr": ("French", "Français")}
LANGUAGE_NAMES["de"] = ("German", "Deutsch")
BATCH_SIZE = 1000


def load_datashape():
    """Import bench/datashape.py, which lives outside any package."""
    if "datashape" in sys.modules:
        return sys.modules["datashape"]
    path = settings.BASE_DIR / "bench" / "datashape.py"
    spec = importlib.util.spec_from_file_location("datashape", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules["datashape"] = module
    spec.loader.exec_module(module)
    return module


def _clean_bodies(bodies: list[str]) -> list[str]:
    return [clean_html(body) for body in bodies]


def _batches(items: Iterable, size: int) -> Iterator[list]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


@transaction.atomic
def _taxonomy(shape, seed: int) -> tuple[dict, dict, dict]:
    languages = {
        code: Language.objects.get_or_create(
            code=code,
            defaults={"name": LANGUAGE_NAMES[code][0], "native_name": names[1]},
        )[0]
        for code, names in LANGUAGE_NAMES.items()
    }
    categories = {
        name: Category.objects.get_or_create(
            slug=shape.category_slug(name), defaults={"name": name, "position": i}
        )[0]
        for i, name in enumerate(shape.CATEGORIES)
    }
    sources = {
        row.url: Source.objects.get_or_create(
            slug=shape.slugify(row.name),
            defaults={"name": row.name, "homepage": row.url},
        )[0]
        # Each seed draws its own sources; records cite those of their seed.
        for row in shape.source_pool(seed)
    }
    return languages, categories, sources


def _tags(names: set[str]) -> dict[str, Tag]:
    tags = {tag.name: tag for tag in Tag.objects.filter(name__in=names)}
    missing = [Tag(name=name, slug=Tag().slugify(name)) for name in names - set(tags)]
    Tag.objects.bulk_create(missing)
    if missing:
        tags.update({tag.name: tag for tag in Tag.objects.filter(name__in=names)})
    return tags


def articles_generate(
    *,
    count: int,
    seed: int,
    shift: datetime.timedelta = datetime.timedelta(0),
    jobs: int = 1,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Create the first ``count`` data-shape records; return how many were new.

    Records whose slug exists are skipped, so a second run creates nothing and a
    larger ``count`` extends an earlier run. ``shift`` moves every date.
    """
    shape = load_datashape()
    languages, categories, sources = _taxonomy(shape, seed)
    article_type = ContentType.objects.get_for_model(Article)
    pool = multiprocessing.get_context("fork").Pool(jobs) if jobs > 1 else None
    created = done = 0
    try:
        for batch in _batches(shape.generate(count, seed), BATCH_SIZE):
            done += len(batch)
            existing = set(
                Article.objects.filter(slug__in=[r.slug for r in batch]).values_list(
                    "slug", flat=True
                )
            )
            batch = [record for record in batch if record.slug not in existing]
            if batch:
                bodies = [record.body_html for record in batch]
                if pool:
                    # Forked workers must not share the parent's connections.
                    connections.close_all()
                    step = -(-len(bodies) // jobs)
                    parts = [bodies[i : i + step] for i in range(0, len(bodies), step)]
                    bodies = [
                        b for part in pool.map(_clean_bodies, parts) for b in part
                    ]
                else:
                    bodies = _clean_bodies(bodies)
                created += _insert(
                    batch, bodies, shift, languages, categories, sources, article_type
                )
            if progress:
                progress(done, created)
    finally:
        if pool:
            pool.close()
            pool.join()
    return created


@transaction.atomic
def _insert(records, bodies, shift, languages, categories, sources, article_type):
    articles = Article.objects.bulk_create(
        Article(
            title=record.title,
            slug=record.slug,
            lead=record.excerpt,
            body=body,
            language=languages[record.language],
            status=record.status,
            published_at=datetime.datetime.fromisoformat(record.published_at) + shift,
        )
        for record, body in zip(records, bodies, strict=True)
    )
    Filing = Article.categories.through
    Filing.objects.bulk_create(
        Filing(article_id=article.pk, category_id=categories[name].pk)
        for article, record in zip(articles, records, strict=True)
        for name in record.categories
    )
    tags = _tags({name for record in records for name in record.tags})
    TaggedItem.objects.bulk_create(
        TaggedItem(content_type=article_type, object_id=article.pk, tag=tags[name])
        for article, record in zip(articles, records, strict=True)
        for name in record.tags
    )
    links = SourceLink.objects.bulk_create(
        SourceLink(article=article, url=url, source=sources[record.source["url"]])
        for article, record in zip(articles, records, strict=True)
        for url in record.source_links
    )
    # Approved through the one write path for link decisions, with its records.
    source_links_approve_imported(links=links, origin="generated data")
    content_changed.send(sender=Article, articles=[article.pk for article in articles])
    return len(articles)
