"""Media library images in article bodies, shown with their renditions.

A body names a library image by its original's URL (``<img src="/media/library/
…">``), as the editor inserts it; body_html() gives each one whose renditions
are recorded a ``<picture>`` with WebP and fallback ``srcset``s, in one query
for the whole body. The renditions task retires the pages of the articles
showing an image once it records them (services/renditions.py).
"""

import re

from django.core.files.storage import default_storage
from markupsafe import Markup, escape

from . import images
from .models import MediaImage

LIBRARY_DIR = "library/"
BODY_SIZES = "(min-width: 60rem) 60rem, 100vw"

# The sanitiser writes every attribute value in double quotes.
_IMG = re.compile(r"<img\b[^>]*>")
_SRC = re.compile(r'\ssrc="([^"]*)"')
_REPLACED = re.compile(r'\s(?:src|width|height|srcset|sizes|loading|decoding)="[^"]*"')


def library_name(src: str, base: str) -> str:
    """The storage name of a library image at URL src ("" if src is not one)."""
    if not src.startswith(base):
        return ""
    return LIBRARY_DIR + src[len(base) :]


def body_html(body: str, storage=default_storage) -> Markup:
    """Return a cleaned body with library images given their renditions.

    body must come from articles.sanitize.clean_html (it is stored cleaned).
    """
    if not body or "<img" not in body:
        return Markup(body or "")
    base = storage.url(LIBRARY_DIR)
    found = []
    for match in _IMG.finditer(body):
        src = _SRC.search(match[0])
        name = library_name(src[1], base) if src else ""
        if name:
            found.append((match, name))
    if not found:
        return Markup(body)
    recorded = dict(
        MediaImage.objects.named({name for _match, name in found}).values_list(
            "file", "renditions"
        )
    )
    parts, position = [], 0
    for match, name in found:
        image = images.picture(recorded.get(name) or {}, storage)
        if not image or not image["srcset"]:
            continue
        parts.append(body[position : match.start()])
        parts.append(_picture(match[0], image))
        position = match.end()
    parts.append(body[position:])
    return Markup("".join(parts))


def _picture(tag: str, image: dict) -> str:
    kept = _REPLACED.sub("", tag[len("<img") :])
    sizes = escape(BODY_SIZES)
    return (
        f'<picture><source type="image/webp" srcset="{escape(image["webp_srcset"])}"'
        f' sizes="{sizes}"><img src="{escape(image["src"])}"'
        f' srcset="{escape(image["srcset"])}" sizes="{sizes}"'
        f' width="{image["width"]}" height="{image["height"]}"'
        f' loading="lazy" decoding="async"{kept}</picture>'
    )
