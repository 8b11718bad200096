import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import mark_safe

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
