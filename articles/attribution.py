"""The old site's source attributions: "Read more on Caixin.", "Read more (in Chinese)".

One parser for every place that reads them: the demo seed (articles/demo/seed.py) and
WordPress bodies (articles/wordpress/body.py). Pure text, no ORM.
"""

import re
from dataclasses import dataclass

_LANGUAGE = r"\(\s*in\s+(?P<{name}>[^()]{{1,50}}?)\s*\)"
_READ_MORE = re.compile(
    r"^read\s+more"
    rf"(?:\s*{_LANGUAGE.format(name='language')})?"
    r"(?:\s*(?:on\s+|:\s*)(?P<source>[^()]{0,100}?))?"
    rf"(?:\s*{_LANGUAGE.format(name='language_after')})?"
    r"\s*[.:]?$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Attribution:
    """What a "Read more" line says: the source's name and the page's language.

    Either may be empty ("Read more (in Chinese)" names no source).
    """

    source_name: str = ""
    language_name: str = ""


def parse_attribution(text: str) -> Attribution | None:
    """Return the attribution a line of text makes, or None if it makes none."""
    match = _READ_MORE.match(" ".join(text.split()))
    if match is None:
        return None
    language = match["language"] or match["language_after"] or ""
    return Attribution((match["source"] or "").strip(), language.strip())
