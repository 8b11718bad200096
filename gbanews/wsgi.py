"""The WSGI application, made ready to answer before it serves anyone.

gunicorn loads this module once in its master (``preload_app``) and forks workers
from it, also to replace a worker that reached ``max_requests``. Django imports the
URLconf, the views and the templates on the first request it serves, which took a
new worker 0.14 s (docs/performance.md): every request queued behind it waited as
long. Doing it here, before the fork, leaves each worker only its database
connection to open. Nothing here touches the database: a connection opened in the
master would be shared by every worker.
"""

import os

from django.core.wsgi import get_wsgi_application
from django.template import engines
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gbanews.settings")

application = get_wsgi_application()


def _warm_up() -> None:
    get_resolver().url_patterns  # imports every view  # noqa: B018
    readers = engines["jinja2"].env
    for name in readers.list_templates(extensions=["html"]):
        readers.get_template(name)


_warm_up()
