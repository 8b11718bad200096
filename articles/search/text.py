"""Pure text helpers for search: script folding, CJK bigrams, query terms, snippets.

Chinese has no spaces between words, so runs of Han characters are indexed and
queried as overlapping character bigrams (基于区块链 -> 基于 于区 区块 块链); a
query's bigrams must then appear next to each other, which finds a word in the
middle of a run. Traditional characters are folded to Simplified on both sides.
"""

import functools
import re
import unicodedata
from dataclasses import dataclass
from html import unescape

from django.utils.html import escape, strip_tags
from django.utils.safestring import SafeString, mark_safe

MAX_QUERY_CHARS = 200
MAX_TERMS = 16

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_HAN_RUN = re.compile(f"[{_HAN}]+")
# A Latin "word": letters and digits of any non-Han script.
_WORD = re.compile(rf"[^\W_{_HAN}]+")
_LATIN_SUFFIXES = ("ies", "es", "s", "ing", "ed", "y", "e")


@functools.cache
def _converter():
    import opencc

    return opencc.OpenCC("t2s")


def fold(text: str) -> str:
    """Return text NFKC-normalised, lower-cased, Traditional folded to Simplified."""
    text = unicodedata.normalize("NFKC", text).lower()
    if not _HAN_RUN.search(text):
        return text
    return _converter().convert(text)


def bigrams(run: str) -> list[str]:
    """Return the overlapping bigrams of a run of Han characters (or the run itself)."""
    if len(run) < 2:
        return [run]
    return [run[i : i + 2] for i in range(len(run) - 1)]


@dataclass(frozen=True)
class Document:
    """Text of one field split for indexing: Latin words and CJK tokens."""

    latin: str
    cjk: str
    cjk_unigrams: str


def split_for_index(text: str) -> Document:
    """Split plain text into its Latin part and space-separated CJK bigrams/unigrams."""
    text = fold(text)
    runs = _HAN_RUN.findall(text)
    return Document(
        latin=_HAN_RUN.sub(" ", text),
        cjk=" ".join(gram for run in runs for gram in bigrams(run)),
        cjk_unigrams=" ".join("".join(runs)),
    )


@dataclass(frozen=True)
class Query:
    """A reader's query split into Latin words and CJK phrases (lists of bigrams)."""

    words: tuple[str, ...]
    phrases: tuple[tuple[str, ...], ...]
    unigrams: tuple[str, ...]

    def __bool__(self):
        return bool(self.words or self.phrases or self.unigrams)


def parse_query(raw: str) -> Query:
    """Return the searchable terms of raw; empty for blank or punctuation-only input."""
    text = fold(str(raw or "")[:MAX_QUERY_CHARS])
    words, phrases, unigrams = [], [], []
    for match in re.finditer(f"{_WORD.pattern}|[{_HAN}]+", text):
        token = match.group()
        if _HAN_RUN.fullmatch(token):
            if len(token) == 1:
                unigrams.append(token)
            else:
                phrases.append(tuple(bigrams(token)))
        else:
            words.append(token)
    return Query(
        words=tuple(dict.fromkeys(words))[:MAX_TERMS],
        phrases=tuple(dict.fromkeys(phrases))[:MAX_TERMS],
        unigrams=tuple(dict.fromkeys(unigrams))[:MAX_TERMS],
    )


def _highlight_pattern(query: Query) -> re.Pattern | None:
    parts = ["".join((p[0], *(g[1] for g in p[1:]))) for p in query.phrases]
    parts += query.unigrams
    for word in query.words:
        stem = word
        for suffix in _LATIN_SUFFIXES:
            if stem.endswith(suffix) and len(stem) - len(suffix) >= 3:
                stem = stem[: -len(suffix)]
                break
        parts.append(rf"\b{re.escape(stem)}\w*")
    if not parts:
        return None
    parts.sort(key=len, reverse=True)
    return re.compile(
        "|".join(p if p.startswith(r"\b") else re.escape(p) for p in parts)
    )


def plain_text(html: str) -> str:
    """Return the text of HTML with entities decoded (to be escaped once, later)."""
    return " ".join(unescape(strip_tags(html)).split())


def snippet(text: str, query: Query, length: int = 200) -> SafeString:
    """Return an escaped excerpt around the first match, with matches in <mark>."""
    text = " ".join(text.split())
    pattern = _highlight_pattern(query)
    folded = fold(text)
    if len(folded) != len(text):
        folded = "".join(fold(ch)[:1] or ch for ch in text)
    matches = list(pattern.finditer(folded)) if pattern else []
    start = 0
    if matches:
        start = max(0, matches[0].start() - length // 4)
        # Start at a word boundary when one is near.
        space = text.rfind(" ", 0, start)
        if space != -1 and start - space < 20:
            start = space + 1
    end = min(len(text), start + length)
    pieces, cursor = [], start
    for match in matches:
        if match.start() < cursor or match.end() > end:
            continue
        pieces.append(escape(text[cursor : match.start()]))
        pieces.append(f"<mark>{escape(text[match.start() : match.end()])}</mark>")
        cursor = match.end()
    pieces.append(escape(text[cursor:end]))
    prefix = "… " if start > 0 else ""
    suffix = " …" if end < len(text) else ""
    return mark_safe(prefix + "".join(pieces) + suffix)
