"""URL rules for source links: validation and normalisation, pure functions.

``normalise_url()`` is applied by the SourceLink model on clean() and save(), so the
admin, services, commands and the shell all store the same form of a URL.
"""

import ipaddress
import re
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

_CONTROL_OR_SPACE = re.compile(r"[\x00-\x20\x7f-\x9f\s]")
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
# Characters left as they are in paths and queries; anything else is %-encoded.
_SAFE_PATH = "/%:@!$&'()*+,;=-._~"
_SAFE_QUERY = _SAFE_PATH + "?"


def _error(message: str, code: str) -> ValidationError:
    return ValidationError(message, code=code)


def normalise_host(host: str) -> str:
    """Return the host in ASCII lower case without a trailing dot; raise if invalid."""
    host = host.strip().rstrip(".").lower()
    if not host:
        raise _error(_("The URL has no host name."), "no_host")
    if ":" in host:
        try:
            return "[" + ipaddress.IPv6Address(host.strip("[]")).compressed + "]"
        except ValueError as exc:
            raise _error(_("The IPv6 address is not valid."), "bad_host") from exc
    try:
        ascii_host = host.encode("idna").decode("ascii").lower()
    except UnicodeError as exc:
        raise _error(_("The host name is not valid."), "bad_host") from exc
    labels = ascii_host.split(".")
    if len(ascii_host) > 253 or not all(_LABEL.match(label) for label in labels):
        raise _error(_("The host name is not valid."), "bad_host")
    return ascii_host


def normalise_domain(domain: str) -> str:
    """Normalise a bare domain (``example.com``) as typed into a domain list."""
    domain = domain.strip()
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
    dot, no whitespace or control characters, tracking parameters and the fragment
    removed, at most MAX_URL_LENGTH characters.
    """
    url = (raw or "").strip()
    if not url:
        raise _error(_("Enter a URL."), "required")
    if len(url) > MAX_URL_LENGTH * 2:
        raise _error(_("The URL is too long."), "too_long")
    if _CONTROL_OR_SPACE.search(url):
        raise _error(_("The URL contains spaces or control characters."), "whitespace")
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
