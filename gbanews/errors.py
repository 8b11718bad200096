"""Error pages that need no database: they must render when it is down."""

import sys

from django.conf import settings
from django.http import HttpResponse
from django.template import loader
from django.views import defaults

from articles.middleware import DATABASE_DOWN


def server_error(request):
    """500, or 503 with Retry-After when the database could not be reached.

    Django calls this while handling the uncaught exception, wherever it was
    raised (a view, a middleware, a template), so ``sys.exc_info()`` names it.
    """
    if isinstance(sys.exc_info()[1], DATABASE_DOWN):
        response = HttpResponse(loader.render_to_string("503.html"), status=503)
        response["Retry-After"] = str(settings.DATABASE_RETRY_AFTER)
        return response
    return defaults.server_error(request)
