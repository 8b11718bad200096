"""Pure text helpers for search: script folding, CJK bigrams, query terms, snippets.

Chinese has no spaces between words, so runs of Han characters are indexed and
queried as overlapping character bigrams (基于区块链 -> 基于 于区 区块 块链); a
query's bigrams must then appear next to each other, which finds a word in the
middle of a run. Traditional characters are folded to Simplified on both sides.

A query is a list of clauses that must all match; a clause is a list of
alternatives, any one of which may match (a name and its other names, from the
editors' synonym groups: 深圳 or Shenzhen); an alternative is a list of terms that
must all match. A word with no synonyms is a clause of one alternative of one term.
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
_LATIN_CHAR = rf"[^\W_{_HAN}]"
_TOKEN = re.compile(f"{_WORD.pattern}|[{_HAN}]+")
_LATIN_SUFFIXES = ("ies", "es", "s", "ing", "ed", "y", "e")
# Tags that end a paragraph of body HTML (a snippet never crosses one).
_BLOCK_TAG = re.compile(
    r"<\s*/?\s*(?:p|div|br|hr|li|ul|ol|dl|dt|dd|h[1-6]|blockquote|pre|table|tr|td|th"
    r"|figure|figcaption|section|article|aside|header|footer)\b[^>]*>",
    re.IGNORECASE,
)


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
class Term:
    """One thing the index must hold: Latin words in a row ("latin"), the bigrams
    of a run of Han characters ("cjk"), or a single Han character ("char")."""

    kind: str
    tokens: tuple[str, ...]


Alternative = tuple[Term, ...]
Clause = tuple[Alternative, ...]


@dataclass(frozen=True)
class Query:
    """A reader's query: every clause must match (see the module's docstring)."""

    clauses: tuple[Clause, ...]

    def __bool__(self):
        return bool(self.clauses)

    def terms(self):
        """Every term of every alternative (for highlighting)."""
        return [t for clause in self.clauses for alt in clause for t in alt]


def _terms(text: str, phrase: bool) -> list[Term]:
    """Terms of folded text; with phrase, Latin words in a row make one term."""
    terms: list[Term] = []
    for match in _TOKEN.finditer(text):
        token = match.group()
        if not _HAN_RUN.fullmatch(token):
            last = terms[-1] if terms else None
            if phrase and last and last.kind == "latin":
                terms[-1] = Term("latin", (*last.tokens, token))
            else:
                terms.append(Term("latin", (token,)))
        elif len(token) == 1:
            terms.append(Term("char", (token,)))
        else:
            terms.append(Term("cjk", tuple(bigrams(token))))
    return terms


class Synonyms:
    """Groups of equivalent names (深圳, Shenzhen), folded, found in a folded query.

    Built from the raw groups the editors keep (``SearchSynonym.objects.groups()``).
    Longer names are found first, so 深圳证券交易所 is the exchange, not 深圳.
    """

    def __init__(self, groups=()):
        self.clauses: dict[str, Clause] = {}
        for group in groups:
            names = {" ".join(fold(name).split()) for name in group}
            clause = tuple(
                dict.fromkeys(
                    alternative
                    for name in sorted(names)
                    if (alternative := tuple(_terms(name, phrase=True)))
                )
            )
            for name in names:
                if _TOKEN.search(name):
                    self.clauses[name] = clause
        self.pattern = None
        if self.clauses:
            names = sorted(self.clauses, key=len, reverse=True)
            self.pattern = re.compile("|".join(_name_pattern(n) for n in names))

    def find(self, text: str):
        """(start, end, clause) of each name in the folded text, left to right."""
        if self.pattern is None:
            return []
        return [
            (m.start(), m.end(), self.clauses[" ".join(m.group().split())])
            for m in self.pattern.finditer(text)
        ]


def _name_pattern(name: str) -> str:
    pattern = r"\s+".join(re.escape(part) for part in name.split())
    if re.match(_LATIN_CHAR, name):
        pattern = rf"(?<!{_LATIN_CHAR}){pattern}"
    if re.match(_LATIN_CHAR, name[-1]):
        pattern = rf"{pattern}(?!{_LATIN_CHAR})"
    return pattern


def parse_query(raw: str, synonyms: Synonyms | None = None) -> Query:
    """Return the searchable terms of raw; empty for blank or punctuation-only input.

    A name in one of the synonym groups becomes a clause that any name of its group
    satisfies.
    """
    text = " ".join(fold(str(raw or "")[:MAX_QUERY_CHARS]).split())
    clauses: list[Clause] = []
    cursor = 0
    for start, end, clause in (synonyms or Synonyms()).find(text):
        clauses += [((term,),) for term in _terms(text[cursor:start], phrase=False)]
        clauses.append(clause)
        cursor = end
    clauses += [((term,),) for term in _terms(text[cursor:], phrase=False)]
    return Query(clauses=tuple(dict.fromkeys(clauses))[:MAX_TERMS])


def _highlight_pattern(query: Query) -> re.Pattern | None:
    parts = []
    for term in dict.fromkeys(query.terms()):
        if term.kind == "cjk":
            run = term.tokens[0] + "".join(gram[1] for gram in term.tokens[1:])
            parts.append(re.escape(run))
        elif term.kind == "char":
            parts.append(re.escape(term.tokens[0]))
        else:
            *words, last = term.tokens
            for suffix in _LATIN_SUFFIXES:
                if last.endswith(suffix) and len(last) - len(suffix) >= 3:
                    last = last[: -len(suffix)]
                    break
            words = [re.escape(w) for w in (*words, last)]
            parts.append(
                rf"(?<!{_LATIN_CHAR})" + r"\W+".join(words) + f"{_LATIN_CHAR}*"
            )
    if not parts:
        return None
    parts.sort(key=len, reverse=True)
    return re.compile("|".join(parts))


def plain_text(html: str) -> str:
    """Return the text of HTML with entities decoded (to be escaped once, later)."""
    return " ".join(unescape(strip_tags(html)).split())


def paragraphs(html: str) -> list[str]:
    """Return the plain text of each paragraph (block) of HTML, empty ones left out."""
    return [text for part in _BLOCK_TAG.split(html) if (text := plain_text(part))]


def _folded(text: str) -> str:
    """text folded character by character, so that positions stay the same."""
    folded = fold(text)
    if len(folded) != len(text):
        folded = "".join(fold(ch)[:1] or ch for ch in text)
    return folded


def _inside_word(text: str, i: int) -> bool:
    """True when position i falls between two letters of a space-separated word."""
    return (
        0 < i < len(text)
        and re.match(_LATIN_CHAR, text[i - 1]) is not None
        and re.match(_LATIN_CHAR, text[i]) is not None
    )


def _window(text: str, first, length: int) -> tuple[int, int]:
    """Start and end of an excerpt of about length characters around the first match,
    cut between words (Latin) or characters (CJK), never inside a word."""
    if len(text) <= length:
        return 0, len(text)
    start = max(0, first.start() - length // 4) if first else 0
    end = min(len(text), start + length)
    if end == len(text):
        start = max(0, end - length)
    while _inside_word(text, start):
        start -= 1
    cut = end
    while _inside_word(text, end):
        end -= 1
    if first and end < first.end():
        end = cut
        while _inside_word(text, end):
            end += 1
    return start, end


def snippet(paragraph_texts, query: Query, length: int = 200) -> SafeString:
    """Return an escaped excerpt of the best-matching paragraph, matches in <mark>.

    The paragraph matching most of the query's terms wins (the earliest on a tie);
    it is cut between words or Han characters, with an ellipsis where cut.
    """
    pattern = _highlight_pattern(query)
    best, best_matches, best_score = "", [], None
    for text in paragraph_texts:
        text = " ".join(text.split())
        if not text:
            continue
        matches = list(pattern.finditer(_folded(text))) if pattern else []
        score = (len({m.group() for m in matches}), len(matches))
        if best_score is None or score > best_score:
            best, best_matches, best_score = text, matches, score
    start, end = _window(best, best_matches[0] if best_matches else None, length)
    pieces, cursor = [], start
    for match in best_matches:
        if match.start() < cursor or match.end() > end:
            continue
        pieces.append(escape(best[cursor : match.start()]))
        pieces.append(f"<mark>{escape(best[match.start() : match.end()])}</mark>")
        cursor = match.end()
    pieces.append(escape(best[cursor:end]))
    excerpt = "".join(pieces).strip()
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(best) else ""
    return mark_safe(prefix + excerpt + suffix)
