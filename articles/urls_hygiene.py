"""URL rules for source links: validation and normalisation, pure functions.

``normalise_url()`` is applied by the SourceLink model on clean() and save(), so the
admin, services, commands and the shell all store the same form of a URL. Hidden
characters and look-alike hosts are refused with a reason, never repaired.
"""

import ipaddress
import re
import unicodedata
from urllib.parse import quote, unquote, urlsplit, urlunsplit

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_URL_LENGTH = 2000
SCHEMES = {"http", "https"}
DEFAULT_PORTS = {"http": 80, "https": 443}

# Query keys that only track the reader; matched case-insensitively.
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hsa_")
TRACKING_KEYS = frozenset(
    {
        "fbclid", "gclid", "gclsrc", "dclid", "gbraid", "wbraid", "msclkid",
        "yclid", "twclid", "ttclid", "li_fat_id", "igshid", "mc_cid", "mc_eid",
        "_hsenc", "_hsmi", "mkt_tok", "vero_id", "oly_anon_id", "oly_enc_id",
        "rb_clickid", "s_cid", "wt_mc", "spm", "scm", "share_token", "ref_src",
    }
)  # fmt: skip

_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
# Characters left as they are in paths and queries; anything else is %-encoded.
_SAFE_PATH = "/%:@!$&'()*+,;=-._~"
_SAFE_QUERY = _SAFE_PATH + "?"

# Controls, format characters (zero-width, BOM, soft hyphen, bidi controls),
# lone surrogates and every kind of space.
_REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zs", "Zl", "Zp"})
# Default_Ignorable_Code_Point (Unicode DerivedCoreProperties.txt): characters
# that render as nothing, whatever their category.
_IGNORABLE_RANGES = (
    (0x00AD, 0x00AD), (0x034F, 0x034F), (0x061C, 0x061C), (0x115F, 0x1160),
    (0x17B4, 0x17B5), (0x180B, 0x180F), (0x200B, 0x200F), (0x202A, 0x202E),
    (0x2060, 0x206F), (0x3164, 0x3164), (0xFE00, 0xFE0F), (0xFEFF, 0xFEFF),
    (0xFFA0, 0xFFA0), (0xFFF0, 0xFFF8), (0x1BCA0, 0x1BCA3), (0x1D173, 0x1D17A),
    (0xE0000, 0xE0FFF),
)  # fmt: skip
# Unicode gives controls no names; these are their usual ones.
_C0_NAMES = (
    "NULL", "START OF HEADING", "START OF TEXT", "END OF TEXT", "END OF TRANSMISSION",
    "ENQUIRY", "ACKNOWLEDGE", "BELL", "BACKSPACE", "CHARACTER TABULATION",
    "LINE FEED", "LINE TABULATION", "FORM FEED", "CARRIAGE RETURN", "SHIFT OUT",
    "SHIFT IN", "DATA LINK ESCAPE", "DEVICE CONTROL ONE", "DEVICE CONTROL TWO",
    "DEVICE CONTROL THREE", "DEVICE CONTROL FOUR", "NEGATIVE ACKNOWLEDGE",
    "SYNCHRONOUS IDLE", "END OF TRANSMISSION BLOCK", "CANCEL", "END OF MEDIUM",
    "SUBSTITUTE", "ESCAPE", "FILE SEPARATOR", "GROUP SEPARATOR", "RECORD SEPARATOR",
    "UNIT SEPARATOR",
)  # fmt: skip
_CONTROL_NAMES = dict(enumerate(_C0_NAMES)) | {0x7F: "DELETE", 0x85: "NEXT LINE"}
_UNNAMED = {
    "Cc": "<control>", "Cs": "<surrogate>", "Co": "<private use>",
    "Cn": "<unassigned>",
}  # fmt: skip
_SHOWN_CHARACTERS = 3

# IDNA 2008 (RFC 5892) for host labels, approximated with unicodedata: letters,
# marks and digits that NFKC case folding leaves alone, plus these exceptions.
_LABEL_CATEGORIES = frozenset({"Ll", "Lo", "Lm", "Mn", "Mc", "Nd"})
_PVALID_EXCEPTIONS = frozenset({0x00DF, 0x03C2, 0x06FD, 0x06FE, 0x0F0B, 0x3007})
_CONTEXTO = frozenset(
    {0x00B7, 0x0375, 0x05F3, 0x05F4, 0x30FB, *range(0x0660, 0x066A)}
    | {*range(0x06F0, 0x06FA)}
)
_DISALLOWED = frozenset(
    {0x0640, 0x07FA, 0x302E, 0x302F, 0x303B, *range(0x3031, 0x3036)}
)
_DISALLOWED_RANGES = (
    (0x1100, 0x11FF), (0xA960, 0xA97F), (0xD7B0, 0xD7FF),  # conjoining jamo
    (0x20D0, 0x20FF), (0x1D100, 0x1D24F),  # marks for symbols, music
)  # fmt: skip
# UTS-46 maps these to "." before splitting a host into labels.
_DOTS = "\u3002\uff0e\uff61"
# Scripts named by the first word(s) of a character's Unicode name; words of
# characters common to all scripts map to None.
_SCRIPT_WORDS = {
    "CJK": "Han", "IDEOGRAPHIC": "Han", "ARABIC-INDIC": "Arabic",
    "EXTENDED": "Arabic", "COMBINING": None, "MODIFIER": None,
    "KATAKANA-HIRAGANA": None, "MIDDLE": None,
}  # fmt: skip
_TWO_WORD_SCRIPTS = frozenset({"OLD", "NEW", "TAI", "INSCRIPTIONAL"})
# UTS-39 "highly restrictive": one script per label, or one of these mixes.
_SCRIPT_MIXES = (
    frozenset({"Latin", "Han", "Hiragana", "Katakana"}),
    frozenset({"Latin", "Han", "Bopomofo"}),
    frozenset({"Latin", "Han", "Hangul"}),
)


def _error(message: str, code: str) -> ValidationError:
    return ValidationError(message, code=code)


def _in_ranges(code: int, ranges) -> bool:
    return any(low <= code <= high for low, high in ranges)


def is_refused_character(char: str) -> bool:
    """Return True for a control, invisible or space character."""
    if "!" <= char <= "~":
        return False
    return unicodedata.category(char) in _REFUSED_CATEGORIES or _in_ranges(
        ord(char), _IGNORABLE_RANGES
    )


def describe_character(char: str) -> str:
    """Return the code point and name, as in "U+200B ZERO WIDTH SPACE"."""
    code = ord(char)
    name = (
        unicodedata.name(char, "")
        or _CONTROL_NAMES.get(code)
        or _UNNAMED.get(unicodedata.category(char), "")
    )
    return f"U+{code:04X} {name}".strip()


def _list_characters(found: list[tuple[int, str]]) -> str:
    shown = [
        _("%(character)s at position %(position)s")
        % {"character": describe_character(char), "position": position}
        for position, char in found[:_SHOWN_CHARACTERS]
    ]
    if len(found) > _SHOWN_CHARACTERS:
        shown.append(
            _("and %(count)s more") % {"count": len(found) - _SHOWN_CHARACTERS}
        )
    return ", ".join(shown)


def _name_characters(chars) -> str:
    unique = list(dict.fromkeys(chars))
    return ", ".join(describe_character(char) for char in unique[:_SHOWN_CHARACTERS])


def refused_characters(text: str, *, start: int = 1) -> list[tuple[int, str]]:
    """Return (position, character) for each control, invisible or space character.

    Positions count from ``start``, so they can match what was typed.
    """
    return [
        (position, char)
        for position, char in enumerate(text, start)
        if is_refused_character(char)
    ]


def _strip_spaces(raw: str) -> tuple[str, int]:
    """Return raw without surrounding ASCII spaces, and where the rest starts."""
    stripped = raw.lstrip(" ")
    return stripped.rstrip(" "), len(raw) - len(stripped) + 1


def _script(char: str) -> str | None:
    """Return the script of char (from its Unicode name), None if common to all."""
    if char in "0123456789-" or ord(char) == 0x30FB:
        return None
    words = unicodedata.name(char, "").split()
    if not words:
        return None
    word = words[0]
    if word in _SCRIPT_WORDS:
        return _SCRIPT_WORDS[word]
    if word in _TWO_WORD_SCRIPTS and len(words) > 1:
        word = word + " " + words[1]
    return word.title()


def _label_character_allowed(char: str) -> bool:
    code = ord(char)
    if code in _DISALLOWED or _in_ranges(code, _DISALLOWED_RANGES):
        return False
    if code in _PVALID_EXCEPTIONS or code in _CONTEXTO:
        return True
    if char.isascii():
        return char in "abcdefghijklmnopqrstuvwxyz0123456789-"
    return (
        unicodedata.category(char) in _LABEL_CATEGORIES
        and unicodedata.normalize("NFKC", char.casefold()) == char
    )


def _context_allows(label: str, index: int) -> bool:
    """Apply the RFC 5892 CONTEXTO rules to the character at index."""
    code = ord(label[index])
    before = label[index - 1] if index else ""
    after = label[index + 1 : index + 2]
    if code == 0x00B7:
        return before == "l" and after == "l"
    if code == 0x0375:
        return bool(after) and _script(after) == "Greek"
    if code in (0x05F3, 0x05F4):
        return bool(before) and _script(before) == "Hebrew"
    if code == 0x30FB:
        return any(_script(c) in ("Hiragana", "Katakana", "Han") for c in label)
    arabic = any("\u0660" <= c <= "\u0669" for c in label)
    return not (arabic and any("\u06f0" <= c <= "\u06f9" for c in label))


def _label_problem(label: str) -> tuple[str, str]:
    """Return (code, character) for the first IDNA 2008 rule label breaks."""
    for index, char in enumerate(label):
        if is_refused_character(char):
            return "character", char
        if not _label_character_allowed(char):
            return "bad_host", char
        if ord(char) in _CONTEXTO and not _context_allows(label, index):
            return "bad_host", char
    if unicodedata.category(label[0]).startswith("M"):
        return "bad_host", label[0]
    if label.startswith("-") or label.endswith("-") or label[2:4] == "--":
        return "bad_host", "-"
    return "", ""


def _mixed_scripts(label: str) -> tuple[list[str], str]:
    """Return the scripts of a label that mixes them, and the first odd letter."""
    scripts, odd = [], ""
    for char in label:
        script = _script(char)
        if script and script not in scripts:
            scripts.append(script)
            odd = odd or (char if len(scripts) > 1 else "")
    if len(scripts) < 2 or any(set(scripts) <= mix for mix in _SCRIPT_MIXES):
        return [], ""
    return scripts, odd


def _to_ascii(label: str) -> str:
    return label if label.isascii() else "xn--" + label.encode("punycode").decode()


def _to_unicode(label: str) -> str:
    """Decode an xn-- label; raise if it is not punycode that round-trips."""
    if not label.startswith("xn--"):
        return label
    refused = _error(
        _(
            "The host name label “%(label)s” is not valid punycode: it does not "
            "decode to an international domain name that encodes back to it."
        )
        % {"label": label},
        "punycode",
    )
    try:
        decoded = label[4:].encode("ascii").decode("punycode")
    except (UnicodeError, ValueError, OverflowError) as exc:
        raise refused from exc
    if not decoded or decoded.isascii() or _to_ascii(decoded) != label:
        raise refused
    return decoded


def _host_forms(ulabels: list[str]) -> dict[str, str]:
    return {
        "unicode": ".".join(ulabels),
        "ascii": ".".join(_to_ascii(label) for label in ulabels),
    }


def _refuse_compatibility_forms(host: str) -> None:
    """Refuse full-width and other forms UTS-46 would map to something else."""
    mapped = unicodedata.normalize("NFKC", host)
    for dot in _DOTS:
        mapped = mapped.replace(dot, ".")
    mapped = mapped.lower()
    if mapped == host:
        return
    odd = [
        char
        for char in host
        if char in _DOTS or unicodedata.normalize("NFKC", char).lower() != char
    ] or [char for char in host if unicodedata.category(char).startswith("M")]
    params = {"unicode": host, "characters": _name_characters(odd), "mapped": mapped}
    try:
        params["ascii"] = normalise_host(mapped)
    except ValidationError as exc:
        params["reason"] = " ".join(exc.messages)
        message = _(
            "The host name “%(unicode)s” uses full-width, decomposed or other "
            "non-standard forms (%(characters)s), and even in its standard form "
            "“%(mapped)s” it is not valid. %(reason)s"
        )
    else:
        if params["ascii"] == mapped:
            message = _(
                "The host name “%(unicode)s” uses full-width, decomposed or other "
                "non-standard forms (%(characters)s). In ASCII it is "
                "“%(ascii)s”; type it that way if that is the site you mean."
            )
        else:
            message = _(
                "The host name “%(unicode)s” uses full-width, decomposed or other "
                "non-standard forms (%(characters)s). Its standard form is "
                "“%(mapped)s”, in ASCII “%(ascii)s”; type it that way if that is "
                "the site you mean."
            )
    raise _error(message % params, "compatibility")


def _refuse_bad_label(ulabels: list[str], label: str) -> None:
    code, char = _label_problem(label)
    if code:
        raise _error(
            _(
                "The host name “%(unicode)s” (in ASCII “%(ascii)s”) contains "
                "%(character)s, which international domain names do not allow."
            )
            % {**_host_forms(ulabels), "character": describe_character(char)},
            code,
        )
    scripts, odd = _mixed_scripts(label)
    if scripts:
        raise _error(
            _(
                "The host name “%(unicode)s” (in ASCII “%(ascii)s”) mixes "
                "%(scripts)s letters in one label: %(character)s in “%(label)s”. "
                "Names like this imitate other names; type the host in one script."
            )
            % {
                **_host_forms(ulabels),
                "scripts": _(" and ").join(scripts),
                "character": describe_character(odd),
                "label": label,
            },
            "mixed_script",
        )


def normalise_host(host: str) -> str:
    """Return the host in ASCII lower case without a trailing dot; raise if invalid.

    Unicode labels follow IDNA 2008: they are encoded as they are, never mapped,
    and full-width forms, invalid punycode and mixed scripts are refused.
    """
    host = host.strip(" ").rstrip(".").lower()
    if not host:
        raise _error(_("The URL has no host name."), "no_host")
    if ":" in host:
        try:
            return "[" + ipaddress.IPv6Address(host.strip("[]")).compressed + "]"
        except ValueError as exc:
            raise _error(_("The IPv6 address is not valid."), "bad_host") from exc
    if not host.isascii():
        _refuse_compatibility_forms(host)
    labels = host.split(".")
    if not all(labels):
        raise _error(_("The host name is not valid."), "bad_host")
    ulabels = [_to_unicode(label) for label in labels]
    for label in ulabels:
        if not label.isascii():
            _refuse_bad_label(ulabels, label)
    ascii_host = ".".join(_to_ascii(label) for label in ulabels)
    labels = ascii_host.split(".")
    if len(ascii_host) > 253 or not all(_LABEL.match(label) for label in labels):
        raise _error(_("The host name is not valid."), "bad_host")
    return ascii_host


def _refuse_characters(text: str, start: int, message) -> None:
    """Refuse text that holds a character refused_characters() names."""
    found = refused_characters(text, start=start)
    if found:
        raise _error(message % {"characters": _list_characters(found)}, "character")


def normalise_domain(domain: str) -> str:
    """Normalise a bare domain (``example.com``) as typed into a domain list."""
    domain, start = _strip_spaces(domain)
    _refuse_characters(
        domain,
        start,
        _(
            "The domain contains %(characters)s. Spaces, control characters "
            "and invisible characters are not allowed; type it without them."
        ),
    )
    if "://" in domain:
        domain = urlsplit(domain).hostname or ""
    if domain.startswith("*."):
        domain = domain[2:]
    if not domain or "/" in domain or ":" in domain or "@" in domain:
        raise _error(_("Give a domain name such as example.com."), "bad_domain")
    return normalise_host(domain)


def host_matches(host: str, domain: str) -> bool:
    """Return True if host is the domain or one of its subdomains."""
    return host == domain or host.endswith("." + domain)


def is_tracking_key(key: str) -> bool:
    key = unquote(key).lower()
    return key in TRACKING_KEYS or key.startswith(TRACKING_PREFIXES)


def strip_tracking(query: str) -> str:
    """Drop tracking parameters, keeping the others as written and in order."""
    kept = [
        part
        for part in query.split("&")
        if part and not is_tracking_key(part.split("=", 1)[0])
    ]
    return "&".join(kept)


def normalise_url(
    raw: str, *, strip_tracking_params: bool = True, assume_scheme: str = ""
) -> str:
    """Return the stored form of a URL, or raise ValidationError saying what is wrong.

    http/https only, no credentials, host in IDNA lower case without a trailing
    dot (see ``normalise_host()``), tracking parameters and the fragment removed,
    at most MAX_URL_LENGTH characters. Spaces around the URL are dropped; any
    other space, control or invisible character is refused, never removed.
    """
    url, start = _strip_spaces(raw or "")
    if not url:
        raise _error(_("Enter a URL."), "required")
    if len(url) > MAX_URL_LENGTH * 2:
        raise _error(_("The URL is too long."), "too_long")
    _refuse_characters(
        url,
        start,
        _(
            "The URL contains %(characters)s. Spaces, control characters and "
            "invisible characters are not allowed; type the URL without them."
        ),
    )
    if assume_scheme and "://" not in url:
        url = assume_scheme + "://" + url
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise _error(_("The URL is not valid."), "invalid") from exc
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES:
        raise _error(_("Only http:// and https:// links are allowed."), "scheme")
    if parts.username is not None or parts.password is not None:
        raise _error(
            _("The URL must not contain a user name or password."), "credentials"
        )
    host = normalise_host(parts.hostname or "")
    netloc = host
    if port is not None and port != DEFAULT_PORTS[scheme]:
        if port == 0:
            raise _error(_("The URL is not valid."), "invalid")
        netloc = f"{host}:{port}"
    path = quote(parts.path, safe=_SAFE_PATH) or "/"
    query = quote(parts.query, safe=_SAFE_QUERY)
    if strip_tracking_params:
        query = strip_tracking(query)
    normalised = urlunsplit((scheme, netloc, path, query, ""))
    if len(normalised) > MAX_URL_LENGTH:
        raise _error(
            _("The URL is longer than %(limit)s characters.")
            % {"limit": MAX_URL_LENGTH},
            "too_long",
        )
    return normalised


def url_host(url: str) -> str:
    """Return the host of an already normalised URL ("" if there is none)."""
    try:
        return urlsplit(url).hostname or ""
    except ValueError:
        return ""
