#!/usr/bin/env python3
"""What readers get while Redis hangs: wrk under load while a Redis is paused.

    DATABASE_URL=sqlite:///$PWD/bench/data/bench10k.sqlite3 \\
        .venv/bin/python bench/faults.py --pause 10 --pause 40 /category/technology/

Starts a Redis of its own (``redis-server`` on a free port) and gunicorn (2 sync
workers, production settings) using it, then for each pause: wrk for the pause plus
10 s, with Redis stopped (SIGSTOP: every call to it hangs until the client's timeout)
from the 5th second for that long, and /healthz timed in the middle of it. It prints
the requests/s and errors of each phase, next to the same page with the page cache
off (the no-cache figure a hung cache must not fall below) and with Redis answering.
"""

import argparse
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import start_gunicorn

WRK_SECONDS_BEFORE = 5


def free_port() -> int:
    with socket.create_server(("127.0.0.1", 0)) as listener:
        return listener.getsockname()[1]


def run_wrk(url: str, seconds: int, connections: int) -> str:
    return subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", url],
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def summary(out: str) -> str:
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)
    p99 = re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: (.*)", out)
    return (
        f"{float(rps):8.0f} req/s, p99 {p99}, non-2xx "
        f"{errors.group(1) if errors else 0}"
        + (f", socket errors: {socket_errors.group(1)}" if socket_errors else "")
    )


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pause", type=int, action="append", default=[])
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--port", type=int, default=8072)
    parser.add_argument("path")
    args = parser.parse_args()
    database_url = os.environ["DATABASE_URL"]
    target = f"http://127.0.0.1:{args.port}{args.path}"

    os.environ.pop("REDIS_URL", None)
    server = start_gunicorn(database_url, 0, args.port)
    try:
        print("page cache off:      ", summary(run_wrk(target, 10, args.connections)))
    finally:
        server.terminate()
        server.wait()

    redis_port = free_port()
    folder = tempfile.mkdtemp()
    redis = subprocess.Popen(
        ["redis-server", "--port", str(redis_port), "--bind", "127.0.0.1"]
        + ["--save", "", "--appendonly", "no", "--dir", folder],
        stdout=subprocess.DEVNULL,
    )
    os.environ["REDIS_URL"] = f"redis://127.0.0.1:{redis_port}/0"
    time.sleep(0.5)
    server = start_gunicorn(database_url, 300, args.port)
    try:
        print("Redis answering:     ", summary(run_wrk(target, 10, args.connections)))
        for pause in args.pause:
            health = {}

            def stop_and_resume(pause=pause, health=health):
                time.sleep(WRK_SECONDS_BEFORE)
                os.kill(redis.pid, signal.SIGSTOP)
                time.sleep(min(2, pause / 2))
                started = time.monotonic()
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{args.port}/healthz", timeout=30
                ) as answer:
                    health["body"] = answer.read().decode()
                health["seconds"] = time.monotonic() - started
                time.sleep(max(0, pause - min(2, pause / 2) - health["seconds"]))
                os.kill(redis.pid, signal.SIGCONT)

            thread = threading.Thread(target=stop_and_resume)
            thread.start()
            out = run_wrk(target, WRK_SECONDS_BEFORE + pause + 5, args.connections)
            thread.join()
            print(f"Redis paused {pause:2} s:  ", summary(out))
            print(
                f"  /healthz during the pause: {health['seconds'] * 1000:.0f} ms, "
                f"{health['body']}"
            )
            time.sleep(2)
            print(
                "  after:             ", summary(run_wrk(target, 5, args.connections))
            )
    finally:
        server.terminate()
        server.wait()
        redis.send_signal(signal.SIGCONT)
        redis.terminate()
        redis.wait()


if __name__ == "__main__":
    main()
