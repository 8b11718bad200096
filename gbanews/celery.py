"""The Celery app: tasks in articles/tasks.py, configured by the CELERY_* settings.

The tasks register when Django starts (ArticlesConfig.ready imports them), in a
worker as in the web processes that run them without a broker.

Workers start with ``celery -A gbanews worker``; see docs/deploy.md "Task queue".
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gbanews.settings")

app = Celery("gbanews")
app.config_from_object("django.conf:settings", namespace="CELERY")
