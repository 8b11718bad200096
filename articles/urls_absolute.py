"""Absolute URLs on the public site address (settings.SITE_URL)."""

from django.conf import settings
from django.utils.encoding import iri_to_uri


def absolute_url(path: str) -> str:
    """Return SITE_URL + path; a URL that is already absolute is returned as is."""
    if path.startswith(("http://", "https://")):
        return iri_to_uri(path)
    return settings.SITE_URL + iri_to_uri(path)
