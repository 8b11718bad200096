from django.conf import settings
from django.utils.functional import SimpleLazyObject

from .freshness import Freshness
from .frontpage import categories


def site(request):
    """Site name and the category navigation, on every page."""

    def navigation():
        return categories(Freshness.of(request))

    return {
        "site_name": settings.SITE_NAME,
        "site_url": settings.SITE_URL,
        # Lazy: feeds and sitemaps render templates but show no navigation.
        "nav_categories": SimpleLazyObject(navigation),
    }
