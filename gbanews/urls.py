from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.conf.urls.static import static
from django.contrib import admin
from django.shortcuts import redirect
from django.templatetags.static import static as static_url
from django.urls import include, path

from gbanews.health import healthz
from gbanews.languages import ADMIN_PATH

handler500 = "gbanews.errors.server_error"


def favicon(request):
    """Browsers ask for /favicon.ico on pages that name no icon (the admin)."""
    return redirect(static_url("img/favicon.svg"), permanent=True)


# Not translated: the admin (in the editor's browser language, gbanews/languages.py),
# the health check, and robots.txt and the sitemaps, which list every language's
# addresses. Readers' pages: English at the WordPress permalinks, Chinese under
# /zh-hans/ and /zh-hant/ with the same slugs (docs/i18n.md).
urlpatterns = [
    path(ADMIN_PATH, admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("favicon.ico", favicon),
    path("", include("articles.urls_discovery")),
    *i18n_patterns(path("", include("articles.urls")), prefix_default_language=False),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
