import base64
import hashlib
import re
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpResponse
from django.template.defaultfilters import filesizeformat
from django.template.loader import render_to_string

from articles.images import upload_limit

# Public pages run no inline script or style at all. JSON-LD data blocks are not
# scripts that run, so they need no exception.
PUBLIC_CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' https: data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
# The Django admin sets a few inline style attributes; scripts stay self-only.
ADMIN_CSP = PUBLIC_CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
# The admin's rich-text editor loads its modules through an import map: an inline
# <script type="importmap"> that maps names to static URLs and runs no code. Each
# one the server rendered is allowed by the hash of its exact text.
_IMPORTMAP = re.compile(
    rb'<script type="importmap"[^>]*>(.*?)</script>', re.DOTALL | re.IGNORECASE
)


def _sha256_source(body: bytes) -> str:
    digest = base64.b64encode(hashlib.sha256(body).digest()).decode()
    return f"'sha256-{digest}'"


def admin_csp(response) -> str:
    content_type = response.get("Content-Type", "")
    if response.streaming or not content_type.startswith("text/html"):
        return ADMIN_CSP
    hashes = [_sha256_source(body) for body in _IMPORTMAP.findall(response.content)]
    if not hashes:
        return ADMIN_CSP
    return ADMIN_CSP.replace(
        "script-src 'self'", "script-src 'self' " + " ".join(hashes), 1
    )


def public_csp() -> str:
    """PUBLIC_CSP, with the media host when MEDIA_URL is plain http (a local bucket)."""
    media = urlsplit(settings.MEDIA_URL)
    if media.scheme != "http":
        return PUBLIC_CSP
    return PUBLIC_CSP.replace("img-src 'self'", f"img-src 'self' http://{media.netloc}")


PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in [
        "accelerometer",
        "camera",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
        "interest-cohort",
    ]
)


def too_large(length):
    """Return the 413 page: what was sent, the limits and what to do instead."""
    # Rendered without the request: no session, user or database is read for it.
    page = render_to_string(
        "413.html",
        {
            "size": filesizeformat(length),
            "limit": filesizeformat(settings.MAX_REQUEST_BYTES),
            "image_limit": filesizeformat(upload_limit()),
        },
    )
    return HttpResponse(page, status=413)


class SecurityHeadersMiddleware:
    """Content-Security-Policy and Permissions-Policy on every response; 413 for
    request bodies over MAX_REQUEST_BYTES."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.public_csp = public_csp()

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.MAX_REQUEST_BYTES:
            response = too_large(length)
        else:
            response = self.get_response(request)
        admin = request.path.startswith("/admin/")
        response.headers.setdefault(
            "Content-Security-Policy", admin_csp(response) if admin else self.public_csp
        )
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response
