"""Time manage.py import_wordpress on a generated export of N posts.

    .venv/bin/python bench/import_wordpress.py               # 10,000 posts, twice
    .venv/bin/python bench/import_wordpress.py --posts 2000 --profile

Builds the export with tests/wxr.py (the builder the tests use: six paragraphs a
post, a quarter with a "Read more on Caixin" link, two tags, one or two
categories), migrates a fresh database (a SQLite file under the system's temp
folder, or the PostgreSQL database named by DATABASE_URL, which is emptied
first: give it one of its own), then imports the file twice: the first run
creates every post, the second finds them all unchanged. Prints the file size and
both times.
"""

import argparse
import cProfile
import os
import pstats
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gbanews.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")
FOLDER = Path(tempfile.mkdtemp(prefix="bench-wordpress-"))
os.environ.setdefault("DATABASE_URL", f"sqlite:///{FOLDER / 'bench.sqlite3'}")

import django

django.setup()

from django.core.management import call_command

from tests import wxr


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    export = FOLDER / "export.xml"
    export.write_bytes(wxr.build(wxr.many_posts(args.posts), language="en-US"))
    print(f"{args.posts} posts, {export.stat().st_size / 1e6:.1f} MB of WXR")
    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    for run in ("first run (creates)", "second run (unchanged)"):
        profile = cProfile.Profile() if args.profile else None
        started = time.monotonic()
        if profile:
            profile.enable()
        call_command("import_wordpress", str(export), verbosity=0)
        if profile:
            profile.disable()
            pstats.Stats(profile).sort_stats("cumulative").print_stats(30)
        print(f"{run}: {time.monotonic() - started:.1f} s")


if __name__ == "__main__":
    main()
