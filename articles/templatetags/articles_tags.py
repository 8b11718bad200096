from django import template

from .. import images

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


@register.inclusion_tag("includes/picture.html")
def picture(article, sizes, loading="lazy", css_class=""):
    """Render an article's featured image as <picture> with WebP and a fallback.

    Everything comes from the article row; no file is opened and no query is run.
    """
    return {
        "article": article,
        "image": images.picture(article.image_renditions or {}),
        "sizes": sizes,
        "loading": loading,
        "css_class": css_class,
    }
