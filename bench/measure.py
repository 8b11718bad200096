"""Queries, SQL time, render time and HTML size of each benchmark page.

Run by bench/run.py with the benchmark database in DATABASE_URL; prints JSON.
"""

import os
import sys

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gbanews.settings")
django.setup()

import json
import statistics
import time

from django.conf import settings
from django.db import connection
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from taggit.models import Tag

from articles.models import Article, CategoryEntry

extra = json.loads(sys.argv[1])
article = Article.objects.get(slug__endswith="-5001")
tag = Tag.objects.annotate(n=Count("taggit_taggeditem_items")).order_by("-n")[0]
client = Client(HTTP_HOST="127.0.0.1")
per_page = settings.ARTICLES_PER_PAGE
entries = CategoryEntry.objects.filter(
    category__slug="technology", visible_from__lte=timezone.now()
)
last = -(-entries.count() // per_page)
pages = {
    "home": "/",
    "archive-p1": "/category/technology/",
    "archive-p50": "/category/technology/page/50/",
    "archive-last": f"/category/technology/page/{last}/",
    "article": article.get_absolute_url(),
    "tag": f"/tag/{tag.slug}/",
}
for name, path in extra.items():
    if client.get(path).status_code == 200:
        pages[name] = path
out = {}
for name, path in pages.items():
    client.get(path)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    captured = list(queries.captured_queries)
    timings = []
    for _ in range(30):
        start = time.perf_counter()
        client.get(path)
        timings.append(time.perf_counter() - start)
    out[name] = {
        "path": path,
        "queries": len(captured),
        "sql_ms": round(sum(float(q["time"]) for q in captured) * 1000, 2),
        "bytes": len(response.content),
        "render_ms": round(statistics.median(timings) * 1000, 2),
    }
print("RESULT" + json.dumps(out))
