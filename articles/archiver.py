"""Asking a Save-Page-Now-style service for an archived copy of a URL.

The endpoint is a URL prefix such as ``https://web.archive.org/save/``: the page's
URL is appended, the service answers with the copy's address in a ``Location`` or
``Content-Location`` header. The endpoint is set by the site's operator, so it is
not subject to the link checker's address rules.
"""

import http.client
from urllib.parse import urljoin, urlsplit, urlunsplit

from django.core.exceptions import ValidationError

from .urls_hygiene import normalise_url


class ArchiveFailed(Exception):
    pass


def request_archive(url: str, *, endpoint: str, timeout: float, user_agent: str) -> str:
    """Return the URL of the archived copy of url; raise ArchiveFailed if none."""
    request_url = endpoint + url
    parts = urlsplit(request_url)
    connection_class = (
        http.client.HTTPSConnection
        if parts.scheme == "https"
        else http.client.HTTPConnection
    )
    conn = connection_class(parts.hostname, parts.port, timeout=timeout)
    try:
        conn.request(
            "GET",
            urlunsplit(("", "", parts.path, parts.query, "")),
            headers={"User-Agent": user_agent},
        )
        response = conn.getresponse()
        response.read(64 * 1024)
        location = response.getheader("Location") or response.getheader(
            "Content-Location"
        )
    except (OSError, http.client.HTTPException) as exc:
        raise ArchiveFailed(f"{type(exc).__name__}: {exc}") from exc
    finally:
        conn.close()
    if response.status >= 400 or not location:
        raise ArchiveFailed(f"no archived copy (HTTP {response.status})")
    try:
        return normalise_url(
            urljoin(request_url, location.strip()), strip_tracking_params=False
        )
    except ValidationError as exc:
        raise ArchiveFailed(f"unusable archive URL: {location!r}") from exc
