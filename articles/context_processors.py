from django.conf import settings
from django.utils.translation import get_language
from markupsafe import Markup

from .freshness import SITE, Freshness
from .frontpage import categories
from .templating import fragment


def site(request):
    """Site name and the category menu, on every page."""

    def navigation(category=None):
        return navigation_html(Freshness.of(request), category.pk if category else None)

    return {
        "site_name": settings.SITE_NAME,
        "site_url": settings.SITE_URL,
        # Called by the header only: feeds and sitemaps show no menu.
        "site_navigation": navigation,
    }


def navigation_html(freshness: Freshness, current: int | None) -> Markup:
    """The category menu (includes/site_nav.html) with current marked, rendered
    once per version of site, interface language and current category: on a
    rendered page it cost about 0.1 ms (docs/performance.md, run 15)."""
    return freshness.cached(
        f"navigation-html:{get_language()}:{current}",
        [SITE],
        lambda: fragment(
            "includes/site_nav.html",
            {"nav_categories": categories(freshness), "current": current},
        ),
    )
