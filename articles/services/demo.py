"""Loading the demo archive."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..demo import content
from ..demo.seed import load_seed
from ..models import (
    Article,
    ArticleAuthor,
    Author,
    Category,
    Language,
    Source,
    SourceLink,
)
from .links import source_link_save, source_links_approve_imported


@transaction.atomic
def demo_load() -> int:
    """Load the demo archive; return how many articles were created.

    Idempotent: rows that exist (matched by code or slug) are left untouched, so a
    second run creates and changes nothing.
    """
    languages = {
        row["code"]: Language.objects.get_or_create(code=row["code"], defaults=row)[0]
        for row in content.LANGUAGES
    }
    categories = {
        row["slug"]: Category.objects.get_or_create(slug=row["slug"], defaults=row)[0]
        for row in content.CATEGORIES
    }
    sources = {
        row["slug"]: Source.objects.get_or_create(
            slug=row["slug"], defaults={**row, "language": languages[row["language"]]}
        )[0]
        for row in content.SOURCES
    }
    author = Author.objects.get_or_create(
        slug=content.AUTHOR["slug"], defaults=content.AUTHOR
    )[0]
    english, innovation = languages["en"], categories["innovation"]
    created, links = 0, []
    for post, details in zip(load_seed(), content.POSTS, strict=True):
        if Article.objects.filter(slug=details["slug"]).exists():
            continue
        article = Article.objects.create(
            title=post.title,
            slug=details["slug"],
            lead=post.lead,
            body=details.get("body", ""),
            language=english,
            status=Article.Status.PUBLISHED,
            published_at=timezone.make_aware(
                datetime.datetime.fromisoformat(details["published_at"])
            ),
        )
        article.categories.add(innovation)
        ArticleAuthor.objects.create(article=article, author=author, position=1)
        article.tags.add(*details["tags"])
        link = details.get("link")
        if link:
            entered = SourceLink(
                article=article,
                url=link["url"],
                source=sources.get(link.get("source")),
                language=languages.get(link.get("language")),
            )
            links.append(source_link_save(link=entered, actor=None))
        created += 1
    # The old site showed these links: they arrive approved.
    source_links_approve_imported(links=links, origin=_("demo archive"))
    return created
