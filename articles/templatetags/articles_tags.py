import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from .. import images
from ..models.taxonomy import archive_url

register = template.Library()


@register.simple_tag
def read_more(link):
    """Render a "Read more on <Source> (in <Language>)" attribution.

    A broken link points at its archived copy when there is one; otherwise it keeps
    the attribution without a hyperlink, unless SOURCE_LINKS_SHOW_BROKEN is on.
    Built in Python rather than an inclusion template: it runs for every link of
    every archive entry.
    """
    source, language = link.attribution()
    href, archived = link.public_target()
    if source:
        name_lang = source.name_lang
        name = format_html(
            '<span class="source-name"{}>{}</span>',
            format_html(' lang="{}"', name_lang) if name_lang else "",
            source.name,
        )
        label = format_html("Read more on {}" if href else "Source: {}", name)
    elif href:
        label = mark_safe("Read more")
    else:
        label = format_html("Source: {}", link.host)
    in_language = format_html(" (in {})", language.name) if language else ""
    if not href:
        return format_html(
            '<span class="read-more-source">{}{}</span>', label, in_language
        )
    link_language = link.link_language
    hreflang = (
        format_html(' hreflang="{}"', link_language.code) if link_language else ""
    )
    return format_html(
        '<a class="read-more-link" href="{}" rel="noopener noreferrer external"{}>'
        "{}{}{}</a>",
        href,
        hreflang,
        label,
        in_language,
        " (archived copy)" if archived else "",
    )


_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.filter
def json_ld(data):
    """Render data as a JSON-LD <script>, escaped so no value can close the tag."""
    if not data:
        return ""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
    return format_html(
        '<script type="application/ld+json">{}</script>',
        mark_safe(text.translate(_JSON_SCRIPT_ESCAPES)),
    )


@register.filter
def og_locale(code):
    """Return an Open Graph locale (en_US style) for a BCP 47 language code."""
    code = (code or "").lower()
    if code.startswith("zh"):
        traditional = any(part in code for part in ("hant", "tw", "hk", "mo"))
        return "zh_TW" if traditional else "zh_CN"
    return {"en": "en_US"}.get(code.split("-")[0], code.replace("-", "_"))


@register.filter
def tag_url(tag):
    """Return the tag archive URL (reversed once per tag)."""
    return archive_url("articles:tag", tag.slug)


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
