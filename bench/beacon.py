#!/usr/bin/env python3
"""What counting reads costs: article and category throughput with and without the
read beacon (`make bench` runs it after the pages; docs/performance.md).

    .venv/bin/python bench/beacon.py sqlite:///$PWD/bench/data/bench10k.sqlite3 \\
        [--redis redis://127.0.0.1:6379/2] [--mode warm] [--rounds 5]

One gunicorn (2 sync workers, production settings, as bench/run.py starts it) and,
in alternating rounds, wrk at:

- ``category``: the category page alone;
- ``article``: an article page alone;
- ``beacon``: the beacon alone (``POST /read/<id>/`` with a browser's user agent);
- ``article+beacon``: each connection alternates the article page and its beacon,
  as a reader's browser does; views/s is half its requests/s;
- ``category, article+beacon``: each connection cycles through the category page,
  an article page and that article's beacon (a reader's two views, one counted),
  against ``category, article`` without the beacon; views/s is two thirds of its
  requests/s.

The cost of counting is 1 - (views/s with the beacon) / (views/s without).
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import ROOT, site_env, start_gunicorn, wrk

PYTHON = sys.executable
BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"

# wrk scripts: a browser's POST to the beacon; or the article, then its beacon.
BEACON_LUA = f"""
wrk.method = "POST"
wrk.headers["User-Agent"] = "{BROWSER}"
"""
# Cycles through the requests given as arguments: "GET /path" or "POST /path".
MIX_LUA = f"""
local requests = {{}}
local n = 0
function init(args)
  for i = 1, #args do
    local method, path = args[i]:match("(%S+) (%S+)")
    requests[#requests + 1] = {{method, path}}
  end
end
function request()
  n = n % #requests + 1
  local headers = {{["User-Agent"] = "{BROWSER}"}}
  return wrk.format(requests[n][1], requests[n][2], headers)
end
"""

FIND = """
import json
from articles.models import Article
article = Article.objects.get(slug__endswith="-5001")
print("PATHS" + json.dumps([article.get_absolute_url(), f"/read/{article.pk}/"]))
"""


def paths(env) -> tuple[str, str]:
    out = subprocess.run(
        [PYTHON, "manage.py", "shell", "-c", FIND],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return tuple(json.loads(out.split("PATHS", 1)[1]))


def run_wrk(url, args, connections=None, script=None, script_args=()):
    return wrk(
        url,
        args.duration,
        connections or args.connections,
        script=script,
        script_args=script_args,
    )


def measure(database_url, args) -> dict:
    env = site_env(database_url, 300 if args.mode == "warm" else 0)
    env.pop("REDIS_URL", None)
    if args.redis:
        env["REDIS_URL"] = args.redis
    article, beacon = paths(env)
    base = f"http://127.0.0.1:{args.port}"
    category = f"{base}/category/technology/"
    with tempfile.TemporaryDirectory() as folder:
        beacon_lua = Path(folder, "beacon.lua")
        beacon_lua.write_text(BEACON_LUA)
        mix_lua = Path(folder, "mix.lua")
        mix_lua.write_text(MIX_LUA)
        article_get, category_get = f"GET {article}", "GET /category/technology/"
        beacon_post = f"POST {beacon}"

        def mix(*requests):
            return lambda: run_wrk(
                base, args, script=mix_lua, script_args=list(requests)
            )

        tests = {
            "category": lambda: run_wrk(category, args),
            "article": lambda: run_wrk(f"{base}{article}", args),
            "beacon": lambda: run_wrk(f"{base}{beacon}", args, script=beacon_lua),
            "article+beacon": mix(article_get, beacon_post),
            "category, article": mix(category_get, article_get),
            "category, article+beacon": mix(category_get, article_get, beacon_post),
        }
        server = start_gunicorn(database_url, None, args.port, env=env)
        results = {name: [] for name in tests}
        try:
            for test in tests.values():  # warm up workers and caches
                test()
            for number in range(args.rounds):
                names = list(tests) if number % 2 == 0 else list(tests)[::-1]
                for name in names:
                    run = tests[name]()
                    results[name].append(run)
                    print(
                        f"round {number + 1} {name:18} {run[0]:7.0f} req/s, "
                        f"p99 {run[2]:.1f} ms, errors {run[3]}",
                        flush=True,
                    )
        finally:
            server.terminate()
            server.wait()
    return results


def report(results, args) -> None:
    rps = {
        name: statistics.median(r[0] for r in runs) for name, runs in results.items()
    }
    spread = {
        name: (min(r[0] for r in runs), max(r[0] for r in runs))
        for name, runs in results.items()
    }
    errors = {name: sum(r[3] for r in runs) for name, runs in results.items()}
    print(
        f"\n{args.mode}, {'Redis' if args.redis else 'no Redis'}, "
        f"{args.rounds} rounds of {args.duration} s, median (min-max):\n"
    )
    print("| load | req/s | views/s | cost of counting | errors |")
    print("|---|---|---|---|---|")
    # Page views per second: the beacons are not views.
    views = {
        "category": rps["category"],
        "article": rps["article"],
        "beacon": None,
        "article+beacon": rps["article+beacon"] / 2,
        "category, article": rps["category, article"],
        "category, article+beacon": rps["category, article+beacon"] * 2 / 3,
    }
    cost = {
        "article+beacon": 1 - views["article+beacon"] / views["article"],
        "category, article+beacon": 1
        - views["category, article+beacon"] / views["category, article"],
    }
    for name in results:
        low, high = spread[name]
        shown = f"{views[name]:,.0f}" if views[name] else "-"
        share = f"{cost[name]:.0%}" if name in cost else "-"
        print(
            f"| {name} | {rps[name]:,.0f} ({low:,.0f}-{high:,.0f}) | {shown} | "
            f"{share} | {errors[name]} |"
        )


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("database_url")
    parser.add_argument("--redis", default="")
    parser.add_argument("--mode", choices=["cold", "warm"], default="warm")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--duration", type=int, default=5)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument(
        "--port", type=int, default=int(os.environ.get("BENCH_PORT", 8070))
    )
    args = parser.parse_args()
    report(measure(args.database_url, args), args)


if __name__ == "__main__":
    main()
