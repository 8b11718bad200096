#!/usr/bin/env python3
"""Benchmark gbanews on the shared data shape: `make bench` runs this.

For each database (SQLite files in bench/data/, and PostgreSQL when DATABASE_URL
is set) and each size (10,000 and 100,000 records) it generates or reuses the
data, runs ANALYZE, starts gunicorn (2 sync workers, debug off, no access log) on
127.0.0.1 and drives wrk (8 connections, 10 s, 3 rounds, median) at the pages of
DATA_SHAPE.md plus a tag page, cold (page cache off) and warm (page cache on).
Optional pages (the feed, a search) are measured when the site answers them.
"""

import argparse
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / "data"
PYTHON = sys.executable
# Pages measured when they exist (they may come with later features).
OPTIONAL_PAGES = {"feed": "/feed/", "search": "/search/?q=market"}


def database_urls(sizes):
    """Yield (label, size, url) for SQLite and, with DATABASE_URL, PostgreSQL."""
    DATA.mkdir(parents=True, exist_ok=True)
    for size in sizes:
        yield "sqlite", size, f"sqlite:///{DATA / f'bench{size // 1000}k.sqlite3'}"
    pg = os.environ.get("DATABASE_URL", "")
    if pg.startswith("postgres"):
        for size in sizes:
            parts = urlsplit(pg)
            yield (
                "postgres",
                size,
                urlunsplit(parts._replace(path=f"/bench{size // 1000}k")),
            )


def site_env(url, page_cache):
    env = dict(os.environ)
    env.update(
        DATABASE_URL=url,
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_CONN_MAX_AGE="60",
        DJANGO_LOG_LEVEL="WARNING",
        # Production settings, served on plain HTTP to the local load generator.
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_STATIC_ROOT=str(ROOT / "bench" / "data" / "static"),
        PAGE_CACHE_SECONDS=str(page_cache),
        PYTHONPATH=str(ROOT),
    )
    return env


def manage(env, *args):
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)


def create_pg_database(url):
    import psycopg

    name = urlsplit(url).path.lstrip("/")
    admin = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute(
            "SELECT 1 FROM pg_database WHERE datname=%s", [name]
        ).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def prepare(label, size, url):
    env = site_env(url, 0)
    if label == "postgres":
        create_pg_database(url)
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "collectstatic", "--noinput", "-v0")
    started = time.monotonic()
    manage(env, "generate_articles", "--shape", "bench", "--count", str(size))
    seconds = time.monotonic() - started
    manage(env, "shell", "-c", ANALYZE)
    return seconds


ANALYZE = """
from django.db import connection
with connection.cursor() as c:
    c.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
"""


def output(env, *args) -> str:
    """What `python args…` prints, run from the checkout with env."""
    return subprocess.run(
        [PYTHON, *args], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    ).stdout


def shell(env, code) -> str:
    """What `manage.py shell -c code` prints, on env's site."""
    return output(env, "manage.py", "shell", "-c", code)


def measure(url, extra):
    env = site_env(url, 0)
    env["DJANGO_DEBUG"] = "1"  # records SQL timings; gunicorn runs with debug off
    out = output(env, "bench/measure.py", json.dumps(extra))
    return json.loads(out.split("RESULT", 1)[1])


def start_gunicorn(url, page_cache, port, *, checkout=ROOT, env=None, extra=()):
    """gunicorn (2 sync workers) serving checkout's code; returns once it answers."""
    env = env or site_env(url, page_cache)
    proc = subprocess.Popen(
        [str(Path(PYTHON).parent / "gunicorn"), "gbanews.wsgi:application"]
        + ["--workers", "2", "--worker-class", "sync", "--bind", f"127.0.0.1:{port}"]
        + ["--error-logfile", "-", "--log-level", "warning", *extra],
        cwd=checkout,
        env=env,
    )
    for _ in range(150):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2).read()
            return proc
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    proc.terminate()
    raise SystemExit(f"gunicorn in {checkout} did not start")


def wrk(url, duration, connections, script=None, script_args=()):
    """wrk's requests/s, p50 and p99 ms and errors; a Lua script drives it if given."""
    command = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency"]
    command += ["-s", str(script), url] if script else [url]
    command += ["--", *script_args] if script_args else []
    out = subprocess.run(
        command,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    lat = dict(re.findall(r"^\s+(50|99)%\s+([\d.]+\w+)", out, re.M))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return (
        rps,
        to_ms(lat["50"]),
        to_ms(lat["99"]),
        int(errors.group(1)) if errors else 0,
    )


def rounds(target, args) -> dict:
    """Median requests/s, p50 and p99 of args.rounds wrk runs, and their errors."""
    runs = [wrk(target, args.duration, args.connections) for _ in range(args.rounds)]
    return {
        "rps": statistics.median(r[0] for r in runs),
        "p50": statistics.median(r[1] for r in runs),
        "p99": statistics.median(r[2] for r in runs),
        "errors": sum(r[3] for r in runs),
    }


def to_ms(value):
    number, unit = re.match(r"([\d.]+)(\w+)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000}[unit]


# Saves one article outside Technology once a second for the given seconds.
EDITOR = """
import sys, time
from articles.models import Article
article = (
    Article.objects.published().exclude(categories__slug="technology").order_by("pk")
    .first()
)
title = article.title
stop = time.monotonic() + float(sys.argv[-1])
n = 0
while time.monotonic() < stop:
    n += 1
    article.title = f"{title} ({n})"
    article.save()
    time.sleep(1)
article.title = title
article.save()
print(f"editor: {n} saves of article {article.pk}")
"""


def edit_while(url, seconds):
    """Start a process that saves an article in another category every second."""
    env = site_env(url, 0)
    return subprocess.Popen(
        [PYTHON, "-c", "import django; django.setup();" + EDITOR, str(seconds)],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "gbanews.settings"},
    )


def load(pages, url, args):
    results = {}
    for mode, seconds in (("cold", 0), ("warm", 300)):
        proc = start_gunicorn(url, seconds, args.port)
        try:
            for name, info in pages.items():
                target = f"http://127.0.0.1:{args.port}{info['path']}"
                # Warm the fresh workers (imports, template and SQLite caches):
                # without it the first page measured reads about half as fast.
                wrk(target, 2, args.connections)
                r = results[(mode, name)] = rounds(target, args)
                print(
                    f"  {mode:4} {name:13} {r['rps']:8.0f} req/s  p50 {r['p50']:6.2f} ms  p99 {r['p99']:7.2f} ms",
                    flush=True,
                )
            if mode == "warm" and args.edits:
                # Reads during edits: the cache must keep unrelated pages.
                target = f"http://127.0.0.1:{args.port}{pages['archive-p1']['path']}"
                editor = edit_while(url, args.rounds * (args.duration + 1) + 2)
                time.sleep(1)
                r = results[("edits", "archive-p1")] = rounds(target, args)
                editor.wait()
                print(
                    f"  warm archive-p1 during edits {r['rps']:8.0f} req/s  "
                    f"p50 {r['p50']:6.2f} ms  p99 {r['p99']:7.2f} ms",
                    flush=True,
                )
        finally:
            proc.terminate()
            proc.wait()
    return results


def calibrate() -> float:
    """Seconds this machine takes for a fixed pure-Python loop (best of 3).

    Printed with the results so figures from machines of different speed (shared
    virtual machines vary by a factor of three) can be compared.
    """
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        total = 0
        for i in range(10_000_000):
            total += i
        best = min(best, time.perf_counter() - started)
    return best


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument(
        "--port", type=int, default=int(os.environ.get("BENCH_PORT", 8070))
    )
    parser.add_argument("--only", choices=["sqlite", "postgres"], default=None)
    parser.add_argument(
        "--no-edits",
        dest="edits",
        action="store_false",
        help="skip reads during edits (warm category page 1 while an article in "
        "another category is saved once a second)",
    )
    parser.add_argument(
        "--no-beacon",
        dest="beacon",
        action="store_false",
        help="skip the cost of counting reads (bench/beacon.py)",
    )
    parser.add_argument(
        "--no-chinese",
        dest="chinese",
        action="store_false",
        help="skip the cost of converting Chinese (bench/chinese.py)",
    )
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    print(
        f"# gbanews benchmark {time.strftime('%Y-%m-%d %H:%M %Z')} on {platform.node()}: "
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}; "
        f"calibration loop {calibrate():.2f} s (10M additions, best of 3)"
    )
    summary = []
    for label, size, url in database_urls(sizes):
        if args.only and label != args.only:
            continue
        print(f"\n## {label}, {size} records", flush=True)
        seconds = prepare(label, size, url)
        print(f"data ready in {seconds:.0f} s", flush=True)
        pages = measure(url, OPTIONAL_PAGES)
        results = load(pages, url, args)
        summary.append((label, size, pages, results))
        # What counting reads costs (bench/beacon.py: by the server, by the beacon, or
        # not at all), and a converted Chinese article page against the same page
        # unconverted (bench/chinese.py); both warm and cold.
        redis = os.environ.get("REDIS_URL", "") if label == "postgres" else ""
        for wanted, script in ((args.beacon, "beacon"), (args.chinese, "chinese")):
            if wanted:
                subprocess.run(
                    [PYTHON, f"bench/{script}.py", url, "--redis", redis]
                    + ["--rounds", str(args.rounds), "--port", str(args.port)],
                    cwd=ROOT,
                    check=True,
                )
    print(
        "\n| db | records | page | queries | SQL ms | render ms | HTML bytes | cold req/s | cold p50 / p99 ms | warm req/s | warm p50 / p99 ms |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for label, size, pages, results in summary:
        for name, info in pages.items():
            c, w = results[("cold", name)], results[("warm", name)]
            print(
                f"| {label} | {size} | {name} `{info['path']}` | {info['queries']} | {info['sql_ms']} | "
                f"{info['render_ms']} | {info['bytes']} | {c['rps']:.0f} | {c['p50']:.1f} / {c['p99']:.1f} | "
                f"{w['rps']:.0f} | {w['p50']:.1f} / {w['p99']:.1f} |"
            )


if __name__ == "__main__":
    main()
