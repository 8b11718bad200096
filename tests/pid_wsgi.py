"""The site's WSGI application, naming the worker that answered (tests only).

tests/servers.py points gunicorn here, so that a test can tell the workers of one
server apart by their ``X-Worker-Pid`` response header.
"""

import os

from gbanews.wsgi import application as site_application


def application(environ, start_response):
    def start_naming_worker(status, headers, exc_info=None):
        headers = [*headers, ("X-Worker-Pid", str(os.getpid()))]
        return start_response(status, headers, exc_info)

    return site_application(environ, start_naming_worker)
