#!/usr/bin/env python3
"""Two builds of the site side by side: same pages, alternating wrk rounds.

    .venv/bin/python bench/compare.py \\
        --a before=/work/wt-before,sqlite:////work/wt-before/bench/data/bench10k.sqlite3 \\
        --b after=.,sqlite:///$PWD/bench/data/bench10k.sqlite3 \\
        --mode warm --rounds 5 / /category/technology/

Each side is a checkout and its database (the schemas of two commits may differ, so
each has its own copy of the same data shape) and, if given, its own Redis database. Both run gunicorn (2 sync workers,
production settings, as bench/run.py starts them) at once on their own ports; each
round measures every page on both, A first in odd rounds and B first in even ones, so
a machine that slows down part-way through costs both alike. Prints the median and
the spread of each side. ``--gunicorn-a``/``--gunicorn-b`` add gunicorn options to one
side (e.g. ``--max-requests 1000`` to see what recycling workers costs).
"""

import argparse
import os
import shlex
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import site_env, start_gunicorn, wrk

PYTHON = sys.executable


def start(checkout, database_url, redis_url, mode, port, extra):
    env = site_env(database_url, 300 if mode == "warm" else 0)
    env.pop("REDIS_URL", None)
    if redis_url:
        env["REDIS_URL"] = redis_url
    env["DJANGO_STATIC_ROOT"] = str(checkout / "bench" / "data" / "static")
    env["PYTHONPATH"] = str(checkout)  # that checkout's code, not this one's
    return start_gunicorn(
        database_url, None, port, checkout=checkout, env=env, extra=extra
    )


def side(text: str):
    """name=checkout,database-url[,redis-url]"""
    name, _, rest = text.partition("=")
    checkout, database_url, redis_url = (rest.split(",") + [""])[:3]
    return name, Path(checkout).resolve(), database_url, redis_url


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--a", required=True, type=side, help="name=checkout,db-url[,redis-url]"
    )
    parser.add_argument(
        "--b", required=True, type=side, help="name=checkout,db-url[,redis-url]"
    )
    parser.add_argument("--mode", choices=["cold", "warm"], default="warm")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--duration", type=int, default=5)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--gunicorn-a", default="")
    parser.add_argument("--gunicorn-b", default="")
    parser.add_argument(
        "--port", type=int, default=int(os.environ.get("BENCH_PORT", 8070))
    )
    parser.add_argument("paths", nargs="+")
    args = parser.parse_args()
    sides = [
        (*args.a, args.port, shlex.split(args.gunicorn_a)),
        (*args.b, args.port + 1, shlex.split(args.gunicorn_b)),
    ]
    processes = [start(c, d, r, args.mode, p, x) for _, c, d, r, p, x in sides]
    results = {(name, path): [] for name, *_ in sides for path in args.paths}
    try:
        for *_, port, _ in sides:  # warm up workers, templates and caches
            for path in args.paths:
                wrk(f"http://127.0.0.1:{port}{path}", 2, args.connections)
        for number in range(args.rounds):
            order = sides if number % 2 == 0 else sides[::-1]
            for path in args.paths:
                for name, *_, port, _ in order:
                    run = wrk(
                        f"http://127.0.0.1:{port}{path}",
                        args.duration,
                        args.connections,
                    )
                    results[(name, path)].append(run)
                    print(
                        f"round {number + 1} {name:8} {path}: {run[0]:7.0f} req/s, "
                        f"p99 {run[2]:.1f} ms, errors {run[3]}",
                        flush=True,
                    )
    finally:
        for process in processes:
            process.terminate()
            process.wait()
    print(
        f"\n{args.mode}, {args.rounds} rounds of {args.duration} s, median (min-max):\n"
    )
    print(
        "| page | "
        + " | ".join(f"{name} req/s | {name} p99 ms" for name, *_ in sides)
        + " |"
    )
    print("|---|" + "---|---|" * len(sides))
    for path in args.paths:
        cells = []
        for name, *_ in sides:
            runs = results[(name, path)]
            rps = [r[0] for r in runs]
            p99 = [r[2] for r in runs]
            cells.append(
                f"{statistics.median(rps):,.0f} ({min(rps):,.0f}-{max(rps):,.0f})"
            )
            cells.append(f"{statistics.median(p99):.1f} (max {max(p99):.1f})")
        print(f"| `{path}` | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
