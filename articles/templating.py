"""The Jinja2 environment of the reader-facing pages.

Readers' pages (archives, articles, search, feeds' item bodies, error pages) are Jinja2
templates in ``templates/jinja2/``: they compile to Python functions and render an
archive page several times faster than the Django template language, which is where
most of an uncached request went (docs/performance.md). The admin keeps Django's
templates. Autoescaping is on; values marked safe by Django (``format_html``,
``mark_safe`` after ``articles.sanitize.clean_html``) pass through unescaped because
they implement ``__html__``.
"""

import datetime
import functools
import json
import re

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext, gettext_noop, ngettext
from jinja2 import ChainableUndefined, Environment
from markupsafe import Markup, escape

from . import images, languages
from .media import body_html
from .urls_absolute import archive_url, reverse_once


def fragment(template_name: str, context: dict) -> Markup:
    """A part of a page rendered from one of our Jinja templates, to be kept and
    inserted as is by the page's template: the fragment's template escaped what it
    shows, as any of our templates does."""
    return Markup(render_to_string(template_name, context, using="jinja2"))


def environment(**options) -> Environment:
    # Missing values render empty, as in Django templates, in debug mode too.
    options["undefined"] = ChainableUndefined
    # {{ _("…") }}, {% trans %}: Django's catalogues (locale/), in the active language.
    options["extensions"] = [*options.get("extensions", ()), "jinja2.ext.i18n"]
    env = Environment(**options)
    env.install_gettext_callables(gettext, ngettext, newstyle=True)
    env.globals.update(
        url=reverse_once,
        static=static,
        read_more=read_more,
        picture_data=picture_data,
        body_html=body_html,
        get_language=get_language,
        versions_in_languages=languages.versions,
        default_language=settings.LANGUAGE_CODE,
    )
    env.filters.update(
        date=date,
        linebreaks=linebreaks,
        json_ld=json_ld,
        og_locale=og_locale,
        tag_url=tag_url,
    )
    return env


def date(value, fmt: str) -> str:
    """Format a datetime (in the site's time zone) or a date, like Django's ``date``
    filter, in the active language.

    fmt is a format string or the name of a localised one ("DATE_FORMAT",
    "YEAR_MONTH_FORMAT"), which pages use so that every date of a language reads the
    same: "June 12, 2020", "2020年6月12日".
    """
    if not value:
        return ""
    return _date(value, fmt, timezone.get_current_timezone(), get_language())


@functools.lru_cache(maxsize=8192)
def _date(value, fmt, zone, language):
    """Formatted once per value, format, time zone and language (a page shows ~20)."""
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value, zone)
    return formats.date_format(value, fmt)


def tag_url(tag) -> str:
    """Return the tag archive URL (reversed once per tag)."""
    return archive_url("articles:tag", tag.slug)


def picture_data(article) -> dict | None:
    """The URLs and sizes of an article's <picture>; no file is opened, no query run."""
    return images.picture(article.image_renditions or {})


_PARAGRAPH_BREAK = re.compile(r"\n{2,}")


def linebreaks(value) -> Markup:
    """Plain text as escaped HTML paragraphs, like Django's ``linebreaks`` filter.

    A blank line starts a new <p>, a single newline becomes <br>.
    """
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    return Markup(
        "\n\n".join(
            f"<p>{escape(paragraph)}</p>".replace("\n", "<br>")
            for paragraph in _PARAGRAPH_BREAK.split(text)
        )
    )


# Language names as the Language table stores them (in English), translated when
# shown in a "Read more" label; listed here so that the catalogues carry them.
LANGUAGE_NAMES = [
    gettext_noop("English"),
    gettext_noop("Chinese"),
    gettext_noop("Simplified Chinese"),
    gettext_noop("Traditional Chinese"),
    gettext_noop("Cantonese"),
    gettext_noop("Portuguese"),
    gettext_noop("Japanese"),
    gettext_noop("Korean"),
]


def read_more(link) -> Markup:
    """Render a "Read more on <Source> (in <Language>)" attribution.

    A broken link points at its archived copy when there is one; otherwise it keeps
    the attribution without a hyperlink, unless SOURCE_LINKS_SHOW_BROKEN is on.
    Built with markupsafe's escape(): an archive page shows a dozen of these. The
    label is in the active language (locale/); the source's name never is.
    """
    source, language = link.attribution()
    href, archived = link.public_target()
    if source:
        name_lang = source.name_lang
        lang = f' lang="{escape(name_lang)}"' if name_lang else ""
        name = f'<span class="source-name"{lang}>{escape(source.name)}</span>'
    else:
        # No source matches the link's domain: the domain itself names it.
        name = f'<span class="source-name">{escape(link.site_name)}</span>'
    values = {"source": Markup(name)}
    if language:
        values["language"] = gettext(language.name)
        label = (
            gettext("Read more on %(source)s (in %(language)s)")
            if href
            else gettext("Source: %(source)s (in %(language)s)")
        )
    else:
        label = (
            gettext("Read more on %(source)s")
            if href
            else gettext("Source: %(source)s")
        )
    label = escape(label) % values
    if not href:
        return Markup(f'<span class="read-more-source">{label}</span>')
    if archived:
        label = escape(gettext("%(label)s (archived copy)")) % {"label": label}
    link_language = link.link_language
    hreflang = f' hreflang="{escape(link_language.code)}"' if link_language else ""
    return Markup(
        f'<a class="read-more-link" href="{escape(href)}"'
        f' rel="noopener noreferrer external"{hreflang}>{label}</a>'
    )


_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def json_ld(data):
    """Render data as a JSON-LD <script>, escaped so no value can close the tag."""
    if not data:
        return ""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
    return format_html(
        '<script type="application/ld+json">{}</script>',
        mark_safe(text.translate(_JSON_SCRIPT_ESCAPES)),
    )


def og_locale(code) -> str:
    """Return an Open Graph locale (en_US style) for a BCP 47 language code."""
    code = (code or "").lower()
    if code.startswith("zh"):
        traditional = any(part in code for part in ("hant", "tw", "hk", "mo"))
        return "zh_TW" if traditional else "zh_CN"
    return {"en": "en_US"}.get(code.split("-")[0], code.replace("-", "_"))
