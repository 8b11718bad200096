"""Schema.org data for JSON-LD: plain dicts, serialised by the json_ld filter."""

from django.conf import settings
from django.templatetags.static import static

from .translations import home_url
from .urls_absolute import absolute_url


def _iso(moment):
    return moment.isoformat() if moment else None


def publisher() -> dict:
    return {
        "@type": "Organization",
        "name": settings.SITE_NAME,
        "url": settings.SITE_URL + "/",
        "logo": {
            "@type": "ImageObject",
            "url": absolute_url(static("img/favicon.svg")),
        },
    }


def person(author) -> dict:
    """Return a Person for an author: display name and profile page."""
    return {
        "@type": "Person",
        "name": author.name,
        "url": absolute_url(author.get_absolute_url()),
    }


def news_article(article, *, image_url: str = "") -> dict:
    """Return a NewsArticle for an article loaded with for_detail()."""
    url = absolute_url(article.get_absolute_url())
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "mainEntityOfPage": url,
        "url": url,
        "headline": article.title,
        "description": article.lead,
        "datePublished": _iso(article.published_at),
        # An edit, or a correction or update added or withdrawn.
        "dateModified": _iso(article.modified_at),
        "inLanguage": article.language.code,
        "articleSection": [category.name for category in article.listed_categories],
        "keywords": [tag.name for tag in article.listed_tags],
        "publisher": publisher(),
        # Where readers are sent: a dead link's archived copy, or nothing.
        "isBasedOn": [
            url for link in article.approved_links if (url := link.public_target()[0])
        ],
    }
    data["author"] = [person(author) for author in article.listed_authors] or [
        {"@type": "Organization", "name": settings.SITE_NAME}
    ]
    corrections = [
        correction_comment(note)
        for note in article.listed_notes
        if note.kind == note.Kind.CORRECTION and not note.is_withdrawn
    ]
    if corrections:
        data["correction"] = corrections
    if image_url:
        data["image"] = [image_object(article, image_url)]
    return data


def add_translations(data: dict, article, others) -> dict:
    """Name the story's other versions (articles/translations.py) in data: the
    original in ``translationOfWork``, an original's translations in
    ``workTranslation``; each by the address of its own language, its ``@id``."""
    if not others:
        return data
    data["@id"] = home_url(article)
    original = next((o for o in others if o.pk == article.translation_of_id), None)
    if original is not None:
        data["translationOfWork"] = creative_work(original)
    translations = [o for o in others if o.translation_of_id == article.pk]
    if translations:
        data["workTranslation"] = [creative_work(other) for other in translations]
    return data


def creative_work(article) -> dict:
    """Return a reference to another version of a story."""
    url = home_url(article)
    return {
        "@type": "NewsArticle",
        "@id": url,
        "url": url,
        "headline": article.title,
        "inLanguage": article.language.code,
    }


def correction_comment(note) -> dict:
    """Return a CorrectionComment for a correction shown under its article."""
    return {
        "@type": "CorrectionComment",
        "text": note.text,
        "datePublished": _iso(note.noted_at),
    }


def image_object(article, image_url: str):
    """The featured image: its URL, or an ImageObject naming its caption and credit."""
    if not (article.image_caption or article.image_credit):
        return image_url
    image = {"@type": "ImageObject", "url": image_url, "contentUrl": image_url}
    if article.image_caption:
        image["caption"] = article.image_caption
    if article.image_credit:
        image["creditText"] = article.image_credit
    return image


def breadcrumbs(trail) -> dict:
    """Return a BreadcrumbList for (name, path) pairs, home first."""
    return {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {
                "@type": "ListItem",
                "position": position,
                "name": name,
                "item": absolute_url(path),
            }
            for position, (name, path) in enumerate(trail, start=1)
        ],
    }
