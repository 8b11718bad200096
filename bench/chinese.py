#!/usr/bin/env python3
"""What converting Chinese costs: one Simplified article's page read under /zh-hant/
(converted to Traditional, articles/chinese.py) against the same page unconverted
(`make bench` runs it after the pages; docs/performance.md, docs/i18n.md).

    .venv/bin/python bench/chinese.py sqlite:///$PWD/bench/data/bench10k.sqlite3 \\
        [--redis redis://127.0.0.1:6379/2] [--rounds 5] [--duration 5]

Adds (once) a Simplified article of about 5,700 characters (40 paragraphs, each
with a link) to the benchmark data, then starts gunicorn (2 sync workers,
production settings, as bench/run.py does) and drives wrk, in alternating rounds, at:

- ``en``: the article under the English interface (no conversion);
- ``zh-hans``: the article in its own script (no conversion);
- ``zh-hant``: the article converted to Traditional with Hong Kong terms.

Cold is the page cache off: every request renders the page (the converted text is
kept under the article's version, so it is converted once per edit); warm is the
page cache on. The target: converted ≥ 50 % of unconverted cold, the same warm.
"""

import argparse
import json
import os
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import shell, site_env, start_gunicorn, wrk

SLUG = "bench-simplified-conversion"

SETUP = f"""
import datetime, json
from django.utils import timezone
from articles.models import Article, Category, Language
article = Article.objects.filter(slug="{SLUG}").first()
if article is None:
    language = Language.objects.get_or_create(
        code="zh-hans", defaults={{"name": "Chinese", "native_name": "简体中文"}}
    )[0]
    paragraph = (
        "<p>深圳市政府发布信息技术产业新政策，支持软件企业建设服务器集群，"
        "并在<a href=\\"https://www.sz.gov.cn/cn/xxgk/\\">信息公开</a>平台上线"
        "视频会议系统。移动支付和数字化服务覆盖全市出租车与地铁网络。</p>"
    )
    article = Article.objects.create(
        title="深圳发布信息技术产业新政策",
        slug="{SLUG}",
        lead="新政策支持软件企业发展，推动服务器和芯片产业升级。",
        body="".join([paragraph] * 40),
        language=language,
        status=Article.Status.PUBLISHED,
        published_at=timezone.now() - datetime.timedelta(days=1),
    )
    article.categories.add(Category.objects.first())
print("PATH" + json.dumps(article.get_absolute_url()))
"""


def article_path(env) -> str:
    out = shell(env, SETUP)
    return json.loads(out.split("PATH", 1)[1])


def measure(database_url, mode, args) -> dict:
    env = site_env(database_url, 300 if mode == "warm" else 0)
    env.pop("REDIS_URL", None)
    if args.redis:
        env["REDIS_URL"] = args.redis
    path = article_path(env)
    base = f"http://127.0.0.1:{args.port}"
    targets = {
        "en": base + path,
        "zh-hans": f"{base}/zh-hans{path}",
        "zh-hant": f"{base}/zh-hant{path}",
    }
    server = start_gunicorn(database_url, None, args.port, env=env)
    results = {name: [] for name in targets}
    try:
        for url in targets.values():  # warm up workers and caches
            wrk(url, 2, args.connections)
        for number in range(args.rounds):
            names = list(targets) if number % 2 == 0 else list(targets)[::-1]
            for name in names:
                run = wrk(targets[name], args.duration, args.connections)
                results[name].append(run)
                print(
                    f"{mode} round {number + 1} {name:8} {run[0]:7.0f} req/s, "
                    f"p50 {run[1]:.1f} ms, errors {run[3]}",
                    flush=True,
                )
    finally:
        server.terminate()
        server.wait()
    return results


def report(measured, args) -> None:
    print(
        f"\nConversion cost, {'Redis' if args.redis else 'no Redis'}, "
        f"{args.rounds} rounds of {args.duration} s, median (min-max):\n"
    )
    print("| mode | page | req/s | p50 ms | of `en` | errors |")
    print("|---|---|---|---|---|---|")
    for mode, results in measured.items():
        rps = {
            name: statistics.median(r[0] for r in runs)
            for name, runs in results.items()
        }
        for name, runs in results.items():
            low, high = min(r[0] for r in runs), max(r[0] for r in runs)
            p50 = statistics.median(r[1] for r in runs)
            print(
                f"| {mode} | {name} | {rps[name]:,.0f} ({low:,.0f}-{high:,.0f}) | "
                f"{p50:.1f} | {rps[name] / rps['en']:.0%} | {sum(r[3] for r in runs)} |"
            )


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("database_url")
    parser.add_argument("--redis", default="")
    parser.add_argument("--mode", choices=["cold", "warm", "both"], default="both")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--duration", type=int, default=5)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument(
        "--port", type=int, default=int(os.environ.get("BENCH_PORT", 8070))
    )
    args = parser.parse_args()
    modes = ["cold", "warm"] if args.mode == "both" else [args.mode]
    report({mode: measure(args.database_url, mode, args) for mode in modes}, args)


if __name__ == "__main__":
    main()
