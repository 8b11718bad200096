"""CPU per page with reads counted by the server and not, in process.

    DATABASE_URL=sqlite:///$PWD/bench/data/bench10k.sqlite3 \\
        .venv/bin/python bench/reads_cpu.py [--cache 300] [--rounds 7] [-n 300]

The WSGI application with the production settings bench/run.py gives gunicorn, a
browser's user agent, and blocks of n requests alternating ``READS_COUNTED_BY``
between ``off`` and ``server`` (the order swapped every round). ``process_time()``
covers every thread of the process, so the batches the timer writes once a second
are in the figures. Prints the median CPU per request of each, and the cost.
"""

import argparse
import io
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import ROOT, site_env

sys.path.insert(0, str(ROOT))
# The production settings bench/run.py gives gunicorn (page cache off unless set).
for name, value in site_env(os.environ.get("DATABASE_URL", ""), 0).items():
    os.environ.setdefault(name, value)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gbanews.settings")

BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cache", default="300", help="PAGE_CACHE_SECONDS")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("-n", type=int, default=300)
    args = parser.parse_args()
    os.environ["PAGE_CACHE_SECONDS"] = args.cache

    from django.core.wsgi import get_wsgi_application

    application = get_wsgi_application()

    from django.conf import settings
    from django.db.models import Sum

    from articles.models import Article, ArticleReads

    article = Article.objects.get(slug__endswith="-5001")
    pages = {"category": "/category/technology/", "article": article.get_absolute_url()}

    def request(path):
        environ = {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": path,
            "QUERY_STRING": "",
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "80",
            "HTTP_HOST": "127.0.0.1",
            "HTTP_USER_AGENT": BROWSER,
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(),
            "wsgi.errors": sys.stderr,
        }
        status = []
        b"".join(application(environ, lambda s, h, *a: status.append(s)))
        if not status[0].startswith("200"):
            raise SystemExit(f"{path}: {status[0]}")

    def block(way, path) -> float:
        settings.READS_COUNTED_BY = way
        for _ in range(20):
            request(path)
        start = time.process_time()
        for _ in range(args.n):
            request(path)
        return (time.process_time() - start) / args.n * 1e6

    def reads() -> int:
        counted = ArticleReads.objects.filter(article=article)
        return counted.aggregate(n=Sum("count"))["n"] or 0

    before = reads()
    for name, path in pages.items():
        results = {"off": [], "server": []}
        for number in range(args.rounds):
            ways = ["off", "server"] if number % 2 == 0 else ["server", "off"]
            for way in ways:
                results[way].append(block(way, path))
        off = statistics.median(results["off"])
        server = statistics.median(results["server"])
        ratios = [s / o for o, s in zip(results["off"], results["server"], strict=True)]
        print(
            f"{name} (PAGE_CACHE_SECONDS={args.cache}): off {off:.0f} µs "
            f"({min(results['off']):.0f}-{max(results['off']):.0f}), server "
            f"{server:.0f} µs ({min(results['server']):.0f}-"
            f"{max(results['server']):.0f}); server/off per round "
            + ", ".join(f"{r:.2f}" for r in ratios)
            + f"; cost {1 - off / server:.1%}",
            flush=True,
        )
    from django.test import RequestFactory

    from articles import reads as counting

    counting.pending.write()
    print(f"reads of the article counted: {reads() - before}")
    # The counting call alone, on a reader's request, as the middleware makes it.
    settings.READS_COUNTED_BY = "server"
    settings.READS_BUFFER_SECONDS = 3600  # discarded below, never written
    viewed = RequestFactory().get(pages["article"], HTTP_USER_AGENT=BROWSER)
    calls = 100_000
    start = time.process_time()
    for _ in range(calls):
        counting.count_view(viewed, article.pk, 200)
    spent = (time.process_time() - start) / calls * 1e6
    counting.pending.discard()
    print(f"reads.count_view(): {spent:.1f} µs a call")


if __name__ == "__main__":
    main()
