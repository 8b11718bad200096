from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.shortcuts import redirect
from django.templatetags.static import static as static_url
from django.urls import include, path

from gbanews.health import healthz

handler500 = "gbanews.errors.server_error"


def favicon(request):
    """Browsers ask for /favicon.ico on pages that name no icon (the admin)."""
    return redirect(static_url("img/favicon.svg"), permanent=True)


urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("favicon.ico", favicon),
    path("", include("articles.urls")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
