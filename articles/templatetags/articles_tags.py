from django import template

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
