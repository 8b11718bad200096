from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from ..models.taxonomy import archive_url

register = template.Library()


@register.simple_tag
def read_more(link):
    """Render a "Read more on <Source> (in <Language>)" attribution link.

    Built in Python rather than an inclusion template: it runs for every link of
    every archive entry.
    """
    source, language = link.attribution()
    link_language = link.link_language
    hreflang = (
        format_html(' hreflang="{}"', link_language.code) if link_language else ""
    )
    if source:
        name_lang = source.name_lang
        label = format_html(
            'Read more on <span class="source-name"{}>{}</span>',
            format_html(' lang="{}"', name_lang) if name_lang else "",
            source.name,
        )
    else:
        label = mark_safe("Read more")
    in_language = format_html(" (in {})", language.name) if language else ""
    return format_html(
        '<a class="read-more-link" href="{}" rel="noopener noreferrer external"{}>'
        "{}{}</a>",
        link.url,
        hreflang,
        label,
        in_language,
    )


@register.filter
def tag_url(tag):
    """Return the tag archive URL (reversed once per tag)."""
    return archive_url("articles:tag", tag.slug)
