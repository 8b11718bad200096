"""Loading the demo archive."""

import datetime

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..demo import content, stories
from ..demo.pictures import draw_picture
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


def _published_at(text: str) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.fromisoformat(text))


def _link(article, link, sources, languages) -> SourceLink:
    entered = SourceLink(
        article=article,
        url=link["url"],
        source=sources.get(link.get("source")),
        language=languages.get(link.get("language")),
    )
    return source_link_save(link=entered, actor=None)


@transaction.atomic
def demo_load() -> int:
    """Load the demo archive; return how many articles were created.

    The seed (the old site's Innovation archive, as it was), then the demo's own
    stories in every category, some with a picture drawn now; each picture goes
    through the upload path (re-encoded on save, renditions queued after commit).
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
    created, links = 0, []
    author = Author.objects.get_or_create(
        slug=content.AUTHOR["slug"], defaults=content.AUTHOR
    )[0]
    english, innovation = languages["en"], categories["innovation"]
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
            published_at=_published_at(details["published_at"]),
        )
        article.categories.add(innovation)
        ArticleAuthor.objects.create(article=article, author=author, position=1)
        article.tags.add(*details["tags"])
        if details.get("link"):
            links.append(_link(article, details["link"], sources, languages))
        created += 1
    author = Author.objects.get_or_create(
        slug=stories.AUTHOR["slug"], defaults=stories.AUTHOR
    )[0]
    for story in stories.STORIES:
        if Article.objects.filter(slug=story["slug"]).exists():
            continue
        article = Article(
            title=story["title"],
            slug=story["slug"],
            lead=story["lead"],
            body=story.get("body", ""),
            language=languages[story.get("language", "en")],
            status=Article.Status.PUBLISHED,
            published_at=_published_at(story["published_at"]),
        )
        if story.get("translation_of"):
            article.translation_of = Article.objects.get(slug=story["translation_of"])
        if story.get("picture"):
            colour = stories.COLOURS[story["categories"][0]]
            picture = draw_picture(story["picture"], colour, story["slug"])
            article.image = ContentFile(picture, name=f"{story['slug']}.jpg")
            article.image_alt = story["alt"]
        article.save()
        article.categories.add(*(categories[slug] for slug in story["categories"]))
        ArticleAuthor.objects.create(article=article, author=author, position=1)
        article.tags.add(*story["tags"])
        if story.get("link"):
            links.append(_link(article, story["link"], sources, languages))
        created += 1
    # The old site showed these links: they arrive approved.
    source_links_approve_imported(links=links, origin=_("demo archive"))
    return created
