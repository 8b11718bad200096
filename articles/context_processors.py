from django.conf import settings
from django.utils.functional import SimpleLazyObject

from .cache import content_version
from .models import Category

# The navigation of the current content version, per process: it is on every page.
_nav = {}


def site(request):
    """Site name and the category navigation, on every page."""
    return {
        "site_name": settings.SITE_NAME,
        "site_url": settings.SITE_URL,
        # Lazy: feeds and sitemaps render templates but show no navigation.
        "nav_categories": SimpleLazyObject(navigation),
    }


def navigation() -> list:
    token = content_version().token
    if token not in _nav:
        _nav.clear()
        _nav[token] = list(Category.objects.only("name", "slug"))
    return _nav[token]
