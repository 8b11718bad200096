from django import template

from ..models.taxonomy import archive_url

register = template.Library()


@register.inclusion_tag("includes/read_more.html")
def read_more(link):
    """Render a "Read more on <Source> (in <Language>)" attribution link."""
    source, language = link.attribution()
    link_language = link.link_language
    return {
        "link": link,
        "source": source,
        "language": language,
        "hreflang": link_language.code if link_language else "",
    }


@register.filter
def tag_url(tag):
    """Return the tag archive URL (reversed once per tag)."""
    return archive_url("articles:tag", tag.slug)
