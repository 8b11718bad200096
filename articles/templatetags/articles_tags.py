from django import template
from django.conf import settings

register = template.Library()


@register.inclusion_tag("includes/read_more.html")
def read_more(link):
    """Render a "Read more on <Source> (in <Language>)" attribution.

    A broken link points at its archived copy when there is one; otherwise it keeps
    the attribution without a hyperlink, unless SOURCE_LINKS_SHOW_BROKEN is on.
    """
    source, language = link.attribution()
    link_language = link.link_language
    href, archived = link.url, False
    if link.is_broken and not settings.SOURCE_LINKS_SHOW_BROKEN:
        href, archived = link.archive_url, bool(link.archive_url)
    return {
        "link": link,
        "href": href,
        "archived": archived,
        "source": source,
        "language": language,
        "hreflang": link_language.code if link_language else "",
    }
