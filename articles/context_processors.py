from django.conf import settings
from django.utils.functional import SimpleLazyObject

from .models.listing import categories


def site(request):
    """Site name and the category navigation, on every page."""
    return {
        "site_name": settings.SITE_NAME,
        "site_url": settings.SITE_URL,
        # Lazy: feeds and sitemaps render templates but show no navigation.
        # The categories of the current content version, kept per process.
        "nav_categories": SimpleLazyObject(categories),
    }
