"""gunicorn settings for gbanews; read automatically from the working directory.

Run with: gunicorn gbanews.wsgi
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
# No recycling by default (gunicorn's own default). Replacing a worker every
# ~20,000 requests, every few seconds under full load, gave warm pages p99s of
# 90-270 ms in the rounds where one was replaced, against 2-3 ms without
# (docs/performance.md, run 15). GUNICORN_MAX_REQUESTS turns it on against a
# leak; give it a figure far above what a worker serves in a few minutes.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "0"))
max_requests_jitter = max_requests // 10
# Workers fork from a master that has already imported Django and the site, so a
# recycled worker answers at once instead of after a second of imports, during
# which the requests queued for it waited (the warm p99 spikes of earlier runs).
preload_app = True
# Access logs belong to nginx; gunicorn logs errors to stderr.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
