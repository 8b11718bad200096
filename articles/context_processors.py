from django.conf import settings

from .models import Category


def site(request):
    """Site name and the category navigation, on every page (one lazy query)."""
    return {
        "site_name": settings.SITE_NAME,
        "site_url": settings.SITE_URL,
        "nav_categories": Category.objects.only("name", "slug"),
    }
