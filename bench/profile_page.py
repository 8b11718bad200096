"""Time and profile one page through the whole WSGI stack, in process.

    DATABASE_URL=sqlite:///bench/data/bench10k.sqlite3 .venv/bin/python bench/profile_page.py /category/technology/
    ... bench/profile_page.py --profile /            # cProfile, top functions by own time

Runs with the production settings bench/run.py gives gunicorn (debug off, page cache off),
so the figure is the CPU a worker spends per request, without the network.
"""

import argparse
import cProfile
import io
import os
import pstats
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

from django.core.wsgi import get_wsgi_application

application = get_wsgi_application()


def request(path):
    path, _, query = path.partition("?")
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "HTTP_HOST": "127.0.0.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": sys.stderr,
    }
    status = []
    body = b"".join(application(environ, lambda s, h, *a: status.append(s)))
    if not status[0].startswith("200"):
        raise SystemExit(f"{path}: {status[0]}")
    return body


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("paths", nargs="+")
    parser.add_argument("-n", type=int, default=300)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--top", type=int, default=35)
    args = parser.parse_args()
    for path in args.paths:
        for _ in range(20):
            request(path)
        timings = []
        profiler = cProfile.Profile() if args.profile else None
        for _ in range(args.n):
            start = time.perf_counter()
            if profiler:
                profiler.enable()
            request(path)
            if profiler:
                profiler.disable()
            timings.append(time.perf_counter() - start)
        print(
            f"{path}: median {statistics.median(timings) * 1000:.2f} ms, "
            f"fastest {min(timings) * 1000:.2f} ms"
        )
        if profiler:
            stats = pstats.Stats(profiler)
            stats.sort_stats("tottime").print_stats(args.top)


if __name__ == "__main__":
    main()
