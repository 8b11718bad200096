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
# Recycle workers now and then so a slow leak cannot grow without bound: every
# 20,000 requests or so, about every minute under full load (a restart costs a
# worker its warm caches, so recycling every few seconds costs throughput).
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "20000"))
max_requests_jitter = max_requests // 10
# Workers fork from a master that has already imported Django and the site, so a
# recycled worker answers at once instead of after a second of imports, during
# which the requests queued for it waited (the warm p99 spikes of earlier runs).
preload_app = True
# Access logs belong to nginx; gunicorn logs errors to stderr.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
