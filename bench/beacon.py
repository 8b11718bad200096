#!/usr/bin/env python3
"""What counting reads costs: category and article throughput with reads counted by
the server, by the beacon, and not at all (`make bench` runs it after the pages;
docs/performance.md "Counting reads").

    .venv/bin/python bench/beacon.py sqlite:///$PWD/bench/data/bench10k.sqlite3 \\
        [--redis redis://127.0.0.1:6379/2] [--modes warm,cold] [--rounds 5]

For each mode (warm: page cache on; cold: off), three gunicorns on the same database
(2 sync workers each, production settings, as bench/run.py starts them), one per
``READS_COUNTED_BY``: ``off``, ``server`` and ``beacon``. wrk, with a browser's user
agent (wrk sends none by default, which counts as a bot), drives in each round:

- ``category`` and ``article`` on the ``off`` and ``server`` servers, one after the
  other (off, server; the next round server, off: A/B/B/A, so a change in the
  machine's load falls on both);
- ``category`` and ``article+beacon`` on the ``beacon`` server: each connection
  alternates the article page and its beacon (``POST /read/<id>/``), as a reader's
  browser does; views/s is half its requests/s.

The cost of counting is 1 - (views/s counting) / (views/s of ``off`` in the same
rounds), and from the servers' CPU (``/proc``: master, workers, reaped workers) per
page view, 1 - (CPU a view off) / (CPU a view counting): throughput once the cores
are saturated, and much steadier than requests/s on a machine others load. Only the servers under test are busy: the idle ones cost nothing. The reads
the ``server`` server counted are read back from the database at the end (its workers
write what is pending when gunicorn stops them).
"""

import argparse
import json
import os
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import shell, site_env, start_gunicorn, wrk

BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"
WAYS = ("off", "server", "beacon")

# Cycles through the requests given as arguments: "GET /path" or "POST /path",
# each with a browser's user agent.
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
print("PATHS" + json.dumps([article.get_absolute_url(), article.pk]))
"""

READS = """
from django.db.models import Sum
from articles.models import ArticleReads
print("READS", ArticleReads.objects.filter(article=%d).aggregate(n=Sum("count"))["n"] or 0)
"""


def article_reads(env, pk) -> int:
    return int(shell(env, READS % pk).split("READS", 1)[1])


def cpu_seconds(pid: int) -> float:
    """CPU time of a gunicorn: its master, its workers, and the workers it reaped."""
    ticks = os.sysconf("SC_CLK_TCK")

    def fields(process) -> list[int]:
        stat = Path(f"/proc/{process}/stat").read_text().rsplit(")", 1)[1].split()
        return [int(value) for value in stat[11:15]]  # utime stime cutime cstime

    total = sum(fields(pid))
    for worker in Path(f"/proc/{pid}/task/{pid}/children").read_text().split():
        try:
            total += sum(fields(worker)[:2])
        except FileNotFoundError:  # recycled meanwhile: in the master's cutime
            pass
    return total / ticks


def measure(database_url, mode, args) -> tuple[dict, int, float]:
    """{(way, load): [wrk runs]}, the reads counted in the database, and about how
    many the server and the beacons should have counted."""
    env = site_env(database_url, 300 if mode == "warm" else 0)
    env.pop("REDIS_URL", None)
    if args.redis:
        env["REDIS_URL"] = args.redis
    article, pk = json.loads(shell(env, FIND).split("PATHS", 1)[1])
    ports = {way: args.port + n for n, way in enumerate(WAYS)}
    before = article_reads(env, pk)
    with tempfile.TemporaryDirectory() as folder:
        mix_lua = Path(folder, "mix.lua")
        mix_lua.write_text(MIX_LUA)

        def load(way, *requests):
            base = f"http://127.0.0.1:{ports[way]}"

            def run():
                """wrk's figures, and the server's CPU µs per request."""
                before = cpu_seconds(servers[way].pid)
                figures = wrk(
                    base,
                    args.duration,
                    args.connections,
                    script=mix_lua,
                    script_args=list(requests),
                )
                spent = cpu_seconds(servers[way].pid) - before
                return (*figures, spent / (figures[0] * args.duration) * 1e6)

            return run

        category, page = "GET /category/technology/", f"GET {article}"
        beacon = f"POST /read/{pk}/"
        pairs = [
            ("category", {way: load(way, category) for way in ("off", "server")}),
            ("article", {way: load(way, page) for way in ("off", "server")}),
        ]
        by_beacon = {
            "category": load("beacon", category),
            "article+beacon": load("beacon", page, beacon),
        }
        servers = {
            way: start_gunicorn(
                database_url,
                None,
                ports[way],
                env={**env, "READS_COUNTED_BY": way},
            )
            for way in WAYS
        }
        results = {}
        try:
            # Warm the workers (imports, templates, the page cache).
            warmups = {}
            for name, tests in pairs:
                for way, test in tests.items():
                    warmups[(way, name)] = test()
            for name, test in by_beacon.items():
                warmups[("beacon", name)] = test()
            for number in range(args.rounds):
                # Off before server, then server before off (the next round runs
                # the list backwards): a change in the machine's load falls on both.
                runs = [
                    (way, name, tests[way])
                    for name, tests in pairs
                    for way in ("off", "server")
                ]
                runs += [("beacon", name, test) for name, test in by_beacon.items()]
                if number % 2:
                    runs.reverse()
                for way, name, test in runs:
                    run = test()
                    results.setdefault((way, name), []).append(run)
                    print(
                        f"{mode} round {number + 1} {way:6} {name:15} "
                        f"{run[0]:7.0f} req/s, p99 {run[2]:.1f} ms, errors {run[3]}, "
                        f"server CPU {run[4]:.0f} µs a request",
                        flush=True,
                    )
        finally:
            for server in servers.values():
                server.terminate()
            for server in servers.values():
                server.wait()
    # Views that should have counted: the server's article pages and the beacons.
    runs = [
        warmups,
        *({key: runs[n] for key, runs in results.items()} for n in range(args.rounds)),
    ]
    expected = (
        sum(
            run[("server", "article")][0] + run[("beacon", "article+beacon")][0] / 2
            for run in runs
        )
        * args.duration
    )
    return results, article_reads(env, pk) - before, expected


def report(mode, results, counted, expected, args) -> None:
    rps = {key: statistics.median(r[0] for r in runs) for key, runs in results.items()}
    low = {key: min(r[0] for r in runs) for key, runs in results.items()}
    high = {key: max(r[0] for r in runs) for key, runs in results.items()}
    errors = {key: sum(r[3] for r in runs) for key, runs in results.items()}
    # Page views per second: a beacon is not a view.
    share = {key: 0.5 if key[1] == "article+beacon" else 1 for key in results}
    views = {key: rps[key] * share[key] for key in results}
    # Server CPU per page view: what throughput is once the cores are saturated,
    # and far steadier than requests/s on a shared machine.
    cpu = {
        key: statistics.median(r[4] for r in runs) / share[key]
        for key, runs in results.items()
    }
    cpu_low = {
        key: min(r[4] for r in runs) / share[key] for key, runs in results.items()
    }
    cpu_high = {
        key: max(r[4] for r in runs) / share[key] for key, runs in results.items()
    }
    baseline = {
        "category": views[("off", "category")],
        "article": views[("off", "article")],
        "article+beacon": views[("off", "article")],
    }
    print(
        f"\n{mode}, {'Redis' if args.redis else 'no Redis'}, {args.rounds} rounds "
        f"of {args.duration} s, median (min-max):\n"
    )
    base_cpu = {
        "category": cpu[("off", "category")],
        "article": cpu[("off", "article")],
        "article+beacon": cpu[("off", "article")],
    }
    print(
        "| counted by | load | req/s | views/s | cost (views/s) | "
        "server CPU µs a view | cost (CPU) | errors |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for key in sorted(results, key=lambda k: (WAYS.index(k[0]), k[1])):
        way, name = key
        cost = "-" if way == "off" else f"{1 - views[key] / baseline[name]:.0%}"
        cpu_cost = "-" if way == "off" else f"{1 - base_cpu[name] / cpu[key]:.0%}"
        print(
            f"| {way} | {name} | {rps[key]:,.0f} ({low[key]:,.0f}-{high[key]:,.0f}) "
            f"| {views[key]:,.0f} | {cost} | {cpu[key]:,.0f} "
            f"({cpu_low[key]:,.0f}-{cpu_high[key]:,.0f}) | {cpu_cost} | "
            f"{errors[key]} |"
        )
    # Round by round: off and server ran side by side, so their ratio is steadier
    # than either figure.
    for name in ("category", "article"):
        pairs = list(
            zip(results[("off", name)], results[("server", name)], strict=True)
        )
        ratios = [server[0] / off[0] for off, server in pairs]
        cpu_ratios = [server[4] / off[4] for off, server in pairs]
        print(
            f"\n{name}, server / off round by round: req/s "
            + ", ".join(f"{ratio:.2f}" for ratio in ratios)
            + f" (median {statistics.median(ratios):.2f}); CPU a view "
            + ", ".join(f"{ratio:.2f}" for ratio in cpu_ratios)
            + f" (median {statistics.median(cpu_ratios):.2f})"
        )
    print(
        f"\nreads of the article counted in the database: {counted:,} (article views "
        f"by the server and beacons sent, from req/s x seconds: about {expected:,.0f})"
    )


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("database_url")
    parser.add_argument("--redis", default="")
    parser.add_argument("--modes", default="warm,cold")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--duration", type=int, default=5)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument(
        "--port", type=int, default=int(os.environ.get("BENCH_PORT", 8070))
    )
    args = parser.parse_args()
    for mode in args.modes.split(","):
        results, counted, expected = measure(args.database_url, mode, args)
        report(mode, results, counted, expected, args)


if __name__ == "__main__":
    main()
